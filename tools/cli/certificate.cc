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
  // Begins KEY: {"file": NAME, "sha256": SHA256 and leaves the object open for more keys.
  const auto begin_file = [&w](const std::string& key, const std::string& name, const std::string& sha256) {
    w.Key(key);
    w.BeginObject();
    w.Key("file");
    w.String(name);
    w.Key("sha256");
    w.String(sha256);
  };
  w.BeginObject(JsonWriter::Layout::kLines);
  w.Key("certificate");
  w.String("septum build");
  w.Key("septum");
  w.String(kKernelVersion);
  w.Key("abi");
  w.Number(kAbiVersion);
  w.Key("z3");
  w.String(c.z3);
  w.Key("system");
  w.String(c.system);
  begin_file("policy", c.policy_file, c.policy_sha256);
  w.EndObject();
  w.Key("tables");
  w.BeginObject();
  w.Key("file");
  w.String("tables.bin");
  w.Key("bytes");
  w.Number(c.tables_bytes);
  w.Key("sha256");
  w.String(c.tables_sha256);
  w.Key("validated_coverage");
  w.Fixed(c.validated_coverage, 4);
  w.EndObject();
  begin_file("kernel", c.kernel_file, c.kernel_sha256);
  w.Key("cmdline");
  w.String(c.kernel_cmdline);
  w.EndObject();
  w.Key("images");
  w.BeginArray(JsonWriter::Layout::kLines);
  for (const Certificate::Image& image : c.images) {
    w.BeginObject();
    w.Key("domain");
    w.String(image.domain);
    w.Key("file");
    w.String(image.file);
    w.Key("bytes");
    w.Number(image.bytes);
    w.Key("sha256");
    w.String(image.sha256);
    w.EndObject();
  }
  w.EndArray();
  w.Key("obligations");
  w.BeginArray(JsonWriter::Layout::kLines);
  for (const Certificate::Obligation& o : c.obligations) {
    w.BeginObject();
    w.Key("id");
    w.String(o.id);
    w.Key("verdict");
    w.String(o.verdict);
    w.Key("vacuous");
    w.Bool(o.vacuous);
    w.Key("seconds");
    w.Fixed(o.seconds, 3);
    w.EndObject();
  }
  w.EndArray();
  begin_file("boot_image", "septum.iso", c.boot_image_sha256);
  w.EndObject();
  w.EndObject();
  return w.Take() + "\n";
}

}  // namespace septum::cli
