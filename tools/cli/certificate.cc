// tools/cli/certificate.cc — see certificate.h.
#include "tools/cli/certificate.h"

#include "kernel/abi/version.h"
#include "policy/json.h"

namespace septum::cli {

using policy::JsonWriter;

void Certificate::AddObligations(const std::vector<proofs::ObligationResult>& results) {
  for (const proofs::ObligationResult& r : results) {
    obligations.push_back(Obligation{r.info->id, proofs::VerdictName(r.verdict), r.vacuous, r.seconds});
  }
}

std::string CertificateJson(const Certificate& c) {
  JsonWriter w(JsonWriter::Style::kReadable);
  const auto string = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value);
  };
  const auto number = [&w](const char* key, uint64_t value) {
    w.Key(key);
    w.Number(value);
  };
  const auto fixed = [&w](const char* key, double value, int decimals) {
    w.Key(key);
    w.Fixed(value, decimals);
  };
  // Begins KEY: {"file": NAME, "sha256": SHA256 and leaves the record open for more keys.
  const auto begin_file = [&](const char* key, const std::string& name, const std::string& sha256) {
    w.Key(key);
    w.BeginObject();
    string("file", name);
    string("sha256", sha256);
  };
  w.BeginObject(JsonWriter::Layout::kLines);
  string("certificate", "septum build");
  string("septum", kKernelVersion);
  number("abi", kAbiVersion);
  string("z3", c.z3);
  string("system", c.system);
  begin_file("policy", c.policy_file, c.policy_sha256);
  w.EndObject();
  w.Key("tables");
  w.BeginObject();
  string("file", "tables.bin");
  number("bytes", c.tables_bytes);
  string("sha256", c.tables_sha256);
  fixed("validated_coverage", c.validated_coverage, 4);
  w.EndObject();
  begin_file("kernel", c.kernel_file, c.kernel_sha256);
  string("cmdline", c.kernel_cmdline);
  w.EndObject();
  w.Key("images");
  w.BeginArray(JsonWriter::Layout::kLines);
  for (const Certificate::Image& image : c.images) {
    w.BeginObject();
    string("domain", image.domain);
    string("file", image.file);
    number("bytes", image.bytes);
    string("sha256", image.sha256);
    w.EndObject();
  }
  w.EndArray();
  w.Key("obligations");
  w.BeginArray(JsonWriter::Layout::kLines);
  for (const Certificate::Obligation& o : c.obligations) {
    w.BeginObject();
    string("id", o.id);
    string("verdict", o.verdict);
    w.Key("vacuous");
    w.Bool(o.vacuous);
    fixed("seconds", o.seconds, 3);
    w.EndObject();
  }
  w.EndArray();
  begin_file("boot_image", "septum.iso", c.boot_image_sha256);
  w.EndObject();
  w.EndObject();
  return w.Take() + "\n";
}

}  // namespace septum::cli
