// proofs/report.cc — see report.h.
#include "proofs/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/version.h"
#include "policy/json.h"
#include "policy/print_model.h"
#include "policy/resolve.h"
#include "proofs/prover.h"

namespace septum::proofs {
namespace {

using policy::Diagnostic;
using policy::JsonWriter;

// The codes of isolation properties, which the proofs decide too (DMA confinement is P05).
bool IsIsolationCode(policy::Code c) {
  if (c == policy::Code::kNoRoom || c == policy::Code::kRamBanksOverlap) return false;  // no model to prove
  return policy::Describe(c).id >= "E0501" || c == policy::Code::kDmaWithoutIommu || c == policy::Code::kDmaWithoutPci;
}

size_t Count(const std::vector<ObligationResult>& proofs, Verdict v) {
  size_t n = 0;
  for (const auto& r : proofs) n += r.verdict == v;
  return n;
}

std::vector<Diagnostic> AllDiagnostics(const Report& r) {
  std::vector<Diagnostic> all = r.outcome->diags.Sorted();
  if (r.proofs) {
    for (Diagnostic& d : ProofDiagnostics(*r.proofs)) all.push_back(std::move(d));
  }
  return all;
}

std::string XmlEscape(absl::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

void JsonLocation(JsonWriter& w, const policy::Loc& loc) {
  if (!loc.valid()) return;
  w.Key("line");
  w.Number(loc.line);
  w.Key("column");
  w.Number(loc.column);
  w.Key("length");
  w.Number(loc.length);
}

}  // namespace

std::string ObligationLine(const ObligationResult& p) {
  std::string verdict = VerdictName(p.verdict);
  if (p.verdict == Verdict::kProven && p.vacuous) verdict = "vacuous";
  return absl::StrFormat("  %-20s %-8s %8.3f s  %s%s\n", p.info->id, verdict, p.seconds, p.info->statement,
                         p.vacuous && p.verdict == Verdict::kProven ? absl::StrCat(" (holds vacuously: ", p.vacuity_note, ")") : "");
}

bool ProofsApply(const policy::CheckOutcome& out) {
  if (!out.io_error.empty() || !out.model) return false;
  for (const Diagnostic& d : out.diags.Sorted()) {
    if (d.severity == policy::Severity::kError && !IsIsolationCode(d.code)) return false;
  }
  return !out.diags.truncated();
}

std::vector<Diagnostic> ProofDiagnostics(const std::vector<ObligationResult>& proofs) {
  std::vector<Diagnostic> out;
  for (const ObligationResult& p : proofs) {
    if (p.verdict == Verdict::kUnknown) {
      Diagnostic d;
      d.id = p.info->id;
      d.message = absl::StrCat("proof undecided (", p.unknown_reason, "): an undecided proof is a failure");
      d.help = "the policy may be too large for the resource limit; report it";
      out.push_back(std::move(d));
    }
    for (const Counterexample& ce : p.counterexamples) {
      Diagnostic d;
      d.id = p.info->id;
      d.message = absl::StrCat("proof failed: ", ce.message);
      for (size_t i = 0; i < ce.places.size(); ++i) {
        if (i == 0) {
          d.loc = policy::ToLoc(ce.places[i].where);
        } else {
          d.AddNote(policy::ToLoc(ce.places[i].where), ce.places[i].what);
        }
      }
      d.help = absl::StrCat("the obligation: ", p.info->statement);
      out.push_back(std::move(d));
    }
  }
  return out;
}

bool Accepted(const policy::CheckOutcome& out, const std::vector<ObligationResult>* proofs) {
  if (!out.accepted() || !proofs) return false;
  return Count(*proofs, Verdict::kProven) == proofs->size();
}

std::string TextReport(const Report& r) {
  const policy::CheckOutcome& out = *r.outcome;
  std::string text = policy::RenderText(*out.source, out.diags);
  if (r.proofs) {
    for (const Diagnostic& d : ProofDiagnostics(*r.proofs)) absl::StrAppend(&text, policy::RenderDiagnosticText(*out.source, d));
    absl::StrAppend(&text, "proofs (Z3 ", Z3Version(), "):\n");
    for (const ObligationResult& p : *r.proofs) absl::StrAppend(&text, ObligationLine(p));
  }
  const bool ok = Accepted(out, r.proofs);
  if (ok) {
    if (r.print_model) absl::StrAppend(&text, policy::ModelText(*out.system));
    size_t vacuous = 0;
    for (const auto& p : *r.proofs) vacuous += p.vacuous;
    absl::StrAppend(&text, r.path, ": ok: system `", out.system->name, "`: ", policy::Summary(*out.system), "; ",
                    r.proofs->size(), " obligations proven", vacuous ? absl::StrCat(" (", vacuous, " vacuously)") : "", "\n");
    return text;
  }
  size_t errors = out.diags.error_count();
  if (r.proofs) errors += ProofDiagnostics(*r.proofs).size();
  absl::StrAppend(&text, r.path, ": rejected: ", errors, errors == 1 ? " error" : " errors");
  if (out.diags.warning_count()) {
    absl::StrAppend(&text, ", ", out.diags.warning_count(), out.diags.warning_count() == 1 ? " warning" : " warnings");
  }
  if (r.proofs) {
    absl::StrAppend(&text, "; obligations: ", Count(*r.proofs, Verdict::kProven), " proven, ", Count(*r.proofs, Verdict::kFailed),
                    " failed", Count(*r.proofs, Verdict::kUnknown) ? absl::StrCat(", ", Count(*r.proofs, Verdict::kUnknown), " undecided") : "");
  } else if (out.model || out.diags.has_errors()) {
    absl::StrAppend(&text, "; proofs not run (fix the errors above first)");
  }
  absl::StrAppend(&text, "\n");
  return text;
}

std::string JsonReport(const Report& r) {
  const policy::CheckOutcome& out = *r.outcome;
  JsonWriter w;
  w.BeginObject();
  w.Key("file");
  w.String(r.path);
  w.Key("accepted");
  w.Bool(Accepted(out, r.proofs));
  w.Key("errors");  // as in the text summary: front-end errors plus failed or undecided proofs
  w.Number(out.diags.error_count() + (r.proofs ? ProofDiagnostics(*r.proofs).size() : 0));
  w.Key("warnings");
  w.Number(out.diags.warning_count());
  w.Key("truncated");
  w.Bool(out.diags.truncated());
  w.Key("diagnostics");
  w.BeginArray();
  for (const Diagnostic& d : AllDiagnostics(r)) {
    w.BeginObject();
    w.Key("severity");
    w.String(d.severity == policy::Severity::kError ? "error" : "warning");
    w.Key("code");
    w.String(d.Id());
    w.Key("message");
    w.String(d.message);
    w.Key("file");
    w.String(r.path);
    JsonLocation(w, d.loc);
    w.Key("notes");
    w.BeginArray();
    for (const policy::Note& n : d.notes) {
      w.BeginObject();
      w.Key("message");
      w.String(n.message);
      w.Key("file");
      w.String(r.path);
      JsonLocation(w, n.loc);
      w.EndObject();
    }
    w.EndArray();
    w.Key("help");
    if (d.help.empty()) {
      w.Null();
    } else {
      w.String(d.help);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("proofs");
  if (!r.proofs) {
    w.Null();
  } else {
    w.BeginObject();
    w.Key("z3");
    w.String(Z3Version());
    w.Key("obligations");
    w.BeginArray();
    for (const ObligationResult& p : *r.proofs) {
      w.BeginObject();
      w.Key("id");
      w.String(p.info->id);
      w.Key("statement");
      w.String(p.info->statement);
      w.Key("anchor");
      w.String(p.info->anchor);
      w.Key("verdict");
      w.String(p.verdict == Verdict::kProven ? "proven" : p.verdict == Verdict::kFailed ? "failed" : "unknown");
      w.Key("vacuous");
      w.Bool(p.vacuous);
      w.Key("seconds");
      w.String(absl::StrFormat("%.3f", p.seconds));
      w.Key("rlimit");
      w.Number(p.rlimit);
      w.Key("counterexamples");
      w.BeginArray();
      for (const Counterexample& ce : p.counterexamples) w.String(ce.message);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.Key("summary");
  if (Accepted(out, r.proofs)) {
    const policy::System& s = *out.system;
    w.BeginObject();
    w.Key("system");
    w.String(s.name);
    w.Key("domains");
    w.Number(s.domains.size());
    w.Key("regions");
    w.Number(s.regions.size());
    w.Key("devices");
    w.Number(s.devices.size());
    w.Key("channels");
    w.Number(s.channels.size());
    w.Key("cpus");
    w.Number(s.platform.cpus);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Take() + "\n";
}

std::string SarifReport(const Report& r) {
  const policy::CheckOutcome& out = *r.outcome;
  const std::vector<Diagnostic> all = AllDiagnostics(r);
  JsonWriter w;
  auto location = [&](const policy::Loc& loc) {
    w.Key("physicalLocation");
    w.BeginObject();
    w.Key("artifactLocation");
    w.BeginObject();
    w.Key("uri");
    w.String(r.path);
    w.Key("index");
    w.Number(0);
    w.EndObject();
    if (loc.valid()) {
      w.Key("region");
      w.BeginObject();
      w.Key("startLine");
      w.Number(loc.line);
      w.Key("startColumn");
      w.Number(loc.column);
      // endColumn is exclusive and counts characters; the span stops at the end of its line.
      const std::string& text = out.source->text();
      size_t end = std::min<size_t>(text.size(), size_t{loc.offset} + loc.length);
      const size_t newline = text.find('\n', loc.offset);
      if (newline != std::string::npos) end = std::min(end, newline);
      const size_t width = end > loc.offset ? policy::CodePoints(absl::string_view(text).substr(loc.offset, end - loc.offset)) : 0;
      w.Key("endColumn");
      w.Number(loc.column + std::max<size_t>(1, width));
      w.EndObject();
    }
    w.EndObject();
  };
  w.BeginObject();
  w.Key("$schema");
  w.String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("version");
  w.String("2.1.0");
  w.Key("runs");
  w.BeginArray();
  w.BeginObject();
  w.Key("tool");
  w.BeginObject();
  w.Key("driver");
  w.BeginObject();
  w.Key("name");
  w.String("septum");
  w.Key("version");
  w.String(kKernelVersion);
  w.Key("rules");
  w.BeginArray();
  for (policy::Code c : policy::AllCodes()) {
    w.BeginObject();
    w.Key("id");
    w.String(policy::Describe(c).id);
    w.Key("shortDescription");
    w.BeginObject();
    w.Key("text");
    w.String(policy::Describe(c).title);
    w.EndObject();
    w.EndObject();
  }
  for (const ObligationInfo& o : Catalogue()) {
    w.BeginObject();
    w.Key("id");
    w.String(o.id);
    w.Key("shortDescription");
    w.BeginObject();
    w.Key("text");
    w.String(o.statement);
    w.EndObject();
    w.Key("fullDescription");
    w.BeginObject();
    w.Key("text");
    w.String(absl::StrCat(o.statement, " Anchor: ", o.anchor, "."));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.Key("artifacts");
  w.BeginArray();
  w.BeginObject();
  w.Key("location");
  w.BeginObject();
  w.Key("uri");
  w.String(r.path);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.Key("results");
  w.BeginArray();
  for (const Diagnostic& d : all) {
    w.BeginObject();
    w.Key("ruleId");
    w.String(d.Id());
    w.Key("level");
    w.String(d.severity == policy::Severity::kError ? "error" : "warning");
    w.Key("message");
    w.BeginObject();
    w.Key("text");
    w.String(d.help.empty() ? d.message : absl::StrCat(d.message, " (help: ", d.help, ")"));
    w.EndObject();
    w.Key("locations");
    w.BeginArray();
    w.BeginObject();
    location(d.loc);
    w.EndObject();
    w.EndArray();
    if (!d.notes.empty()) {
      w.Key("relatedLocations");
      w.BeginArray();
      for (size_t i = 0; i < d.notes.size(); ++i) {
        w.BeginObject();
        w.Key("id");
        w.Number(i + 1);
        location(d.notes[i].loc);
        w.Key("message");
        w.BeginObject();
        w.Key("text");
        w.String(d.notes[i].message);
        w.EndObject();
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return w.Take() + "\n";
}

std::string JunitReport(const Report& r) {
  const policy::CheckOutcome& out = *r.outcome;
  struct Case {
    std::string name;
    double seconds;
    std::string kind;  // "", "failure", "error", "skipped"
    std::string message;
    std::string details;
  };
  std::vector<Case> cases;
  {
    Case fe{"front-end", 0, "", "", ""};
    if (out.diags.has_errors()) {
      fe.kind = "failure";
      fe.message = absl::StrCat(out.diags.error_count(), out.diags.error_count() == 1 ? " error" : " errors");
      fe.details = policy::RenderText(*out.source, out.diags);
    }
    cases.push_back(fe);
  }
  if (r.proofs) {
    for (const ObligationResult& p : *r.proofs) {
      Case c{p.info->id, p.seconds, "", "", ""};
      if (p.verdict == Verdict::kFailed) {
        c.kind = "failure";
        c.message = p.counterexamples.empty() ? "failed" : p.counterexamples[0].message;
        for (const Counterexample& ce : p.counterexamples) absl::StrAppend(&c.details, ce.message, "\n");
      } else if (p.verdict == Verdict::kUnknown) {
        c.kind = "error";
        c.message = absl::StrCat("undecided: ", p.unknown_reason);
      } else if (p.vacuous) {
        c.kind = "skipped";
        c.message = absl::StrCat("holds vacuously: ", p.vacuity_note);
      }
      cases.push_back(c);
    }
  } else {
    for (const ObligationInfo& o : Catalogue()) cases.push_back({o.id, 0, "skipped", "not run: the front end rejected the policy", ""});
  }
  size_t failures = 0, errors = 0, skipped = 0;
  double total = 0;
  for (const Case& c : cases) {
    failures += c.kind == "failure";
    errors += c.kind == "error";
    skipped += c.kind == "skipped";
    total += c.seconds;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppendFormat(&x, "<testsuites name=\"septum check\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
                        cases.size(), failures, errors, skipped, total);
  absl::StrAppendFormat(&x, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
                        XmlEscape(r.path), cases.size(), failures, errors, skipped, total);
  for (const Case& c : cases) {
    absl::StrAppendFormat(&x, "    <testcase classname=\"septum.%s\" name=\"%s\" time=\"%.3f\"",
                          c.name == "front-end" ? "policy" : "proofs", XmlEscape(c.name), c.seconds);
    if (c.kind.empty()) {
      absl::StrAppend(&x, "/>\n");
      continue;
    }
    if (c.kind == "skipped") {
      absl::StrAppend(&x, ">\n      <skipped message=\"", XmlEscape(c.message), "\"/>\n    </testcase>\n");
      continue;
    }
    absl::StrAppend(&x, ">\n      <", c.kind, " message=\"", XmlEscape(c.message), "\" type=\"", XmlEscape(c.name), "\">",
                    XmlEscape(c.details), "</", c.kind, ">\n    </testcase>\n");
  }
  absl::StrAppend(&x, "  </testsuite>\n</testsuites>\n");
  return x;
}

}  // namespace septum::proofs
