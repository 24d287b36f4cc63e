// policy/parser.h — hand-written recursive-descent parser: tokens to ast::File.
//
// The grammar is POLICY_LANGUAGE.md "Items". Syntax errors are reported with the token that
// was found and what was expected; the parser then skips to the end of the statement (the next
// `;`, or past a balanced `{...}`) and goes on, so independent errors all appear in one run.
// Nesting in the grammar is fixed (system > item > cpu plan), and recovery skips braces
// iteratively, so no input can exhaust the stack.
#ifndef SEPTUM_POLICY_PARSER_H_
#define SEPTUM_POLICY_PARSER_H_

#include "policy/ast.h"
#include "policy/diagnostics.h"
#include "policy/source.h"

namespace septum::policy {

ast::File Parse(const SourceFile& file, Diagnostics* diags);

}  // namespace septum::policy

#endif  // SEPTUM_POLICY_PARSER_H_
