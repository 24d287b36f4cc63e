// tools/compiler/image_facts.h — a parsed guest image (image.h) as the translation validation
// takes it (proofs/tv/image_facts.h): the proofs own that type so that they depend on nothing
// of the compiler they check; this is the one place the tools convert to it, field by field.
//
//   const std::vector<tv::ImageFacts> facts = ToImageFacts(images);
//   tv::TvOutcome v = tv::ValidateTables(system, blob, &facts);
#ifndef SEPTUM_TOOLS_COMPILER_IMAGE_FACTS_H_
#define SEPTUM_TOOLS_COMPILER_IMAGE_FACTS_H_

#include <vector>

#include "proofs/tv/image_facts.h"
#include "tools/compiler/image.h"

namespace septum::compiler {

tv::ImageFacts ToImageFacts(const Image& image);

// In the same order (model order, as the compiler and the validator take them).
std::vector<tv::ImageFacts> ToImageFacts(const std::vector<Image>& images);

}  // namespace septum::compiler

#endif  // SEPTUM_TOOLS_COMPILER_IMAGE_FACTS_H_
