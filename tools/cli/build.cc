// tools/cli/build.cc — see build.h.
#include "tools/cli/build.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proofs/prover.h"
#include "tools/cli/certificate.h"
#include "tools/cli/files.h"

namespace septum::cli {
namespace {

namespace fs = std::filesystem;

// Runs argv[0] with its arguments (no shell) and waits; its output goes where ours goes.
int Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> raw;
  for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  raw.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execvp(raw[0], raw.data());
    std::fprintf(stderr, "septum: cannot run `%s`\n", raw[0]);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

absl::StatusOr<std::string> CertificateText(const BuildInputs& in, const fs::path& stage) {
  const std::string& policy_path = in.checked->path;
  const policy::System& system = *in.checked->outcome.system;
  absl::StatusOr<std::string> policy_sha = FileSha256(policy_path), kernel_sha = FileSha256(in.kernel_path),
                              iso_sha = FileSha256((stage / "septum.iso").string());
  for (const auto* s : {&policy_sha, &kernel_sha, &iso_sha}) {
    if (!s->ok()) return s->status();
  }
  Certificate c;
  c.z3 = proofs::Z3Version();
  c.system = system.name;
  c.policy_file = policy_path;
  c.policy_sha256 = *policy_sha;
  c.tables_bytes = in.compiled->blob.size();
  c.tables_sha256 = Sha256Hex(in.compiled->blob);
  c.validated_coverage = in.compiled->coverage();
  c.kernel_file = in.kernel_path;
  c.kernel_sha256 = *kernel_sha;
  c.kernel_cmdline = in.kernel_cmdline;
  for (size_t d = 0; d < system.domains.size(); ++d) {
    const compiler::Image& image = in.compiled->images[d];
    c.images.push_back({system.domains[d].name, system.domains[d].image_path, image.size, Hex(image.sha256)});
  }
  c.AddObligations(in.checked->obligations);
  c.AddObligations(in.compiled->validation.results);
  c.boot_image_sha256 = *iso_sha;
  return CertificateJson(c);
}

// Replaces `out` by `stage`; an existing `out` must be an earlier build.
absl::Status Publish(const fs::path& stage, const fs::path& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec) || !(fs::is_empty(out, ec) || fs::exists(out / "certificate.json", ec))) {
      return absl::FailedPreconditionError(
          absl::StrCat("`", out.string(), "` exists and is not an earlier septum build: choose another output directory"));
    }
    const fs::path old = out.string() + ".old";
    fs::remove_all(old, ec);
    fs::rename(out, old, ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot move the earlier build aside: ", ec.message()));
    fs::rename(stage, out, ec);
    if (ec) {
      fs::rename(old, out, ec);
      return absl::InternalError(absl::StrCat("cannot put the new build in place: ", ec.message()));
    }
    fs::remove_all(old, ec);
    return absl::OkStatus();
  }
  fs::rename(stage, out, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create `", out.string(), "`: ", ec.message()));
  return absl::OkStatus();
}

absl::Status Stage(const BuildInputs& in, const fs::path& stage) {
  const policy::System& system = *in.checked->outcome.system;
  if (absl::Status st = WriteFile(stage / "tables.bin", in.compiled->blob); !st.ok()) return st;
  std::vector<std::string> argv = {in.mkiso_path, "--out", (stage / "septum.iso").string(), "--kernel", in.kernel_path};
  if (!in.kernel_cmdline.empty()) argv.insert(argv.end(), {"--cmdline", in.kernel_cmdline});
  argv.insert(argv.end(), {"--module", (stage / "tables.bin").string() + "=tables"});
  for (const policy::Domain& dom : system.domains) {
    argv.insert(argv.end(), {"--module", dom.image_path + "=image:" + dom.name});
  }
  if (Spawn(argv) != 0) return absl::InternalError(absl::StrCat("making the boot image failed (", in.mkiso_path, ")"));
  absl::StatusOr<std::string> cert = CertificateText(in, stage);
  if (!cert.ok()) return cert.status();
  if (absl::Status st = WriteFile(stage / "certificate.json", *cert); !st.ok()) return st;
  uint64_t ram_end = 0;
  for (const policy::RamBank& bank : system.platform.ram) ram_end = std::max(ram_end, bank.range.base + bank.range.size);
  const uint64_t memory_mib = std::max<uint64_t>(128, (ram_end + (1 << 20) - 1) >> 20);
  return WriteFile(stage / "run.conf", absl::StrFormat("memory_mib=%d\ncpus=%d\n", memory_mib, system.platform.cpus));
}

std::map<std::string, std::string> ReadConf(const fs::path& path) {
  std::map<std::string, std::string> conf;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) conf[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return conf;
}

}  // namespace

absl::Status WriteBuild(const BuildInputs& in) {
  const fs::path out = fs::path(in.out_dir).lexically_normal();
  std::error_code ec;
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  std::string pattern = (parent / (out.filename().string() + ".tmp-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) return absl::InternalError(absl::StrCat("cannot create a directory next to `", out.string(), "`"));
  const fs::path stage = pattern;
  absl::Status st = Stage(in, stage);
  if (st.ok()) st = Publish(stage, out);
  if (!st.ok()) fs::remove_all(stage, ec);
  return st;
}

// The Bochs run of `septum run --backend=vmx`: the configuration tools/vm/bochs.sh uses
// (../shared/design/PLATFORM.md: headless `term` display, the debugger prompt answered by an rc
// file, a hard kill since Bochs ignores SIGTERM), COM1 into a pipe that is echoed to standard
// output as it comes and read for the kernel's verdict (Bochs' own exit status says nothing).
int RunBochs(const RunOptions& o, const fs::path& dir, std::map<std::string, std::string>& conf) {
  if (!o.devices.empty()) {
    std::cerr << "septum: run: Bochs has no QEMU devices: --device works with --backend=svm only\n";
    return 2;
  }
  char pattern[] = "/tmp/septum-run.XXXXXX";
  if (!mkdtemp(pattern)) {
    std::cerr << "septum: run: cannot make a temporary directory\n";
    return 2;
  }
  const fs::path work = pattern;
  const std::string rc = absl::StrCat(
      "megs: ", conf["memory_mib"].empty() ? "512" : conf["memory_mib"], "\n",
      "cpu: model=corei7_skylake_x, count=", conf["cpus"].empty() ? "1" : conf["cpus"], ", ips=50000000\n",
      "romimage: file=/usr/share/bochs/BIOS-bochs-latest\n", "vgaromimage: file=/usr/share/vgabios/vgabios.bin\n",
      "ata0-master: type=cdrom, path=\"", fs::absolute(dir / "septum.iso").string(), "\", status=inserted\n", "boot: cdrom\n",
      "com1: enabled=1, mode=file, dev=/dev/fd/3\n",
      o.serial2.empty() ? "" : absl::StrCat("com2: enabled=1, mode=file, dev=", fs::absolute(o.serial2).string(), "\n"),
      "display_library: term\n", "config_interface: textconfig\n", "log: ", (work / "bochs.log").string(), "\n",
      "panic: action=fatal\n", "error: action=report\n", "info: action=ignore\n", "debug: action=ignore\n",
      "clock: sync=none, time0=utc\n", "sound: driver=dummy\n", "speaker: enabled=0\n");
  if (!WriteFile(work / "bochsrc", rc).ok() || !WriteFile(work / "debugger.rc", "c\nquit\n").ok()) {
    std::cerr << "septum: run: cannot write the Bochs configuration in " << work << "\n";
    return 2;
  }
  if (!o.serial2.empty() && !WriteFile(o.serial2, "").ok()) {  // Bochs makes the file only when COM2 first writes
    std::cerr << "septum: run: cannot write `" << o.serial2 << "`\n";
    return 2;
  }
  int serial[2];
  if (pipe(serial) != 0) return 2;
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {  // Bochs: COM1 on fd 3, its terminal screen into a file, no input
    dup2(serial[1], 3);
    const int null_in = open("/dev/null", O_RDONLY), out = open((work / "bochs.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(null_in, 0);
    dup2(out, 1);
    dup2(out, 2);
    setenv("TERM", "dumb", 1);
    execlp("bochs-bin", "bochs-bin", "-q", "-f", (work / "bochsrc").c_str(), "-rc", (work / "debugger.rc").c_str(), nullptr);
    _exit(127);
  }
  close(serial[1]);
  std::string line, verdict;
  bool timed_out = false;
  const time_t deadline = o.timeout_seconds > 0 ? time(nullptr) + o.timeout_seconds : 0;
  for (;;) {
    pollfd p{serial[0], POLLIN, 0};
    const int ready = poll(&p, 1, 1000);
    if (deadline && time(nullptr) >= deadline) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (ready <= 0) continue;
    char buf[4096];
    const ssize_t n = read(serial[0], buf, sizeof(buf));
    if (n <= 0) break;  // Bochs closed COM1: it ended
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\r') continue;
      std::cout << buf[i];
      if (buf[i] != '\n') {
        line += buf[i];
        continue;
      }
      if (absl::StartsWith(line, "septum: end of run: ")) verdict = line.substr(20);
      line.clear();
    }
    std::cout.flush();
  }
  close(serial[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    std::cerr << "septum: run: bochs-bin not found (apt-get install bochs bochs-term bochsbios vgabios)\n";
    return 2;
  }
  if (verdict == "success") return 0;
  if (verdict == "failure") return 1;
  if (timed_out) {
    std::cerr << "septum: run: no verdict within " << o.timeout_seconds << " s: the machine was stopped\n";
    return 124;
  }
  std::cerr << "septum: run: Bochs stopped without a verdict from the kernel (its log: " << (work / "bochs.log").string() << ")\n";
  return 3;
}

int RunBuild(const RunOptions& o) {
  const fs::path dir(o.dir);
  std::error_code ec;
  if (o.backend != "svm" && o.backend != "vmx") {
    std::cerr << "septum: run: unknown backend `" << o.backend << "`: use svm (QEMU, AMD-V) or vmx (Bochs, Intel VT-x)\n";
    return 2;
  }
  if (!fs::exists(dir / "septum.iso", ec) || !fs::exists(dir / "run.conf", ec)) {
    std::cerr << "septum: run: `" << o.dir << "` is not a septum build (no septum.iso and run.conf): run `septum build` first\n";
    return 2;
  }
  std::map<std::string, std::string> conf = ReadConf(dir / "run.conf");
  if (o.backend == "vmx") return RunBochs(o, dir, conf);
  std::vector<std::string> argv;
  if (o.timeout_seconds > 0) argv = {"timeout", "-k", "5", std::to_string(o.timeout_seconds)};
  argv.insert(argv.end(), {"qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64,+svm,+npt", "-smp", conf["cpus"].empty() ? "1" : conf["cpus"], "-m",
                           conf["memory_mib"].empty() ? "512" : conf["memory_mib"], "-display", "none", "-monitor", "none", "-no-reboot",
                           "-nodefaults", "-serial", "stdio"});
  if (!o.serial2.empty()) argv.insert(argv.end(), {"-serial", "file:" + o.serial2});
  argv.insert(argv.end(), {"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"});
  for (const std::string& d : o.devices) argv.insert(argv.end(), {"-device", d});
  argv.insert(argv.end(), {"-drive", "file=" + (dir / "septum.iso").string() + ",media=cdrom,format=raw,readonly=on", "-boot", "d"});
  const int status = Spawn(argv);
  switch (status) {
    case 33:
      return 0;
    case 35:
      return 1;
    case 124:
    case 137:
      std::cerr << "septum: run: no verdict within " << o.timeout_seconds << " s: the machine was stopped\n";
      return 124;
    case 127:
      std::cerr << "septum: run: qemu-system-x86_64 not found (apt-get install qemu-system-x86)\n";
      return 2;
    default:
      std::cerr << "septum: run: QEMU stopped without a verdict from the kernel (status " << status << ")\n";
      return 3;
  }
}

}  // namespace septum::cli
