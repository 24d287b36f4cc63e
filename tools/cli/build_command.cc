// tools/cli/build_command.cc — `septum build FILE -o DIR`: everything `septum compile` does,
// then the kernel, the blob and the domains' images packed into a bootable ISO with its
// certificate (build.h, certificate.h).
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/cli/build.h"
#include "tools/cli/command.h"
#include "tools/cli/compile_command.h"

namespace septum::cli {
namespace {

constexpr char kHelp[] = R"HELP(septum build — a certified, bootable image of a policy

Usage:
  septum build FILE.policy -o DIR [--kernel SEPTUM.elf] [--mkiso MKISO] [--cmdline TEXT]

Does everything `septum compile` does (front end, proofs P01-P09, images, tables blob,
translation validation P10-P16), then packs the kernel, the blob (boot module "tables") and
each domain's image (boot module "image:NAME") into a GRUB ISO. Writes, all or nothing:
  DIR/septum.iso        the bootable image (BIOS, Multiboot2)
  DIR/tables.bin        the tables blob
  DIR/certificate.json  SHA-256 of the policy, the blob, the kernel, every image and the ISO;
                        every obligation's verdict; the Z3 version
  DIR/run.conf          the CPUs and memory `septum run` gives QEMU
An existing DIR is replaced only if it holds an earlier build.

Options:
  -o DIR          the output directory
  --kernel FILE   the kernel ELF (default: kernel/septum.elf beside this binary's Bazel tree)
  --mkiso FILE    the ISO maker, tools/build/mkiso.sh (default: beside this binary)
  --cmdline TEXT  the kernel command line (e.g. run=500: run the schedule 500 ms, then stop)
  --help          this text

Exit status: 0 written, 1 the policy was rejected or cannot be compiled, 2 usage or I/O error.
)HELP";

// Next to the running binary: Bazel's layout puts bazel-bin/tools/cli/septum beside
// bazel-bin/kernel/septum.elf and bazel-bin/tools/build/mkiso.
std::string BesideBinary(const char* relative) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return relative;
  return (self.parent_path() / relative).lexically_normal().string();
}

int Run(const ParsedArgs& args) {
  const std::string& path = args.positional();
  BuildInputs in;
  in.kernel_path = args.Value("--kernel", BesideBinary("../../kernel/septum.elf"));
  in.mkiso_path = args.Value("--mkiso", BesideBinary("../build/mkiso"));
  in.kernel_cmdline = args.Value("--cmdline");
  in.out_dir = args.Value("-o");
  for (const auto& [file, flag] : {std::pair<std::string, const char*>{in.kernel_path, "--kernel"}, {in.mkiso_path, "--mkiso"}}) {
    if (!std::filesystem::exists(file)) {
      return Usage(absl::StrCat("build: `", file, "` does not exist: build it (bazel build //kernel:septum //tools/build:mkiso) or pass ", flag));
    }
  }
  std::variant<int, ProvenTables> result = CompileAndReport(path, /*with_images=*/true, /*coverage=*/false);
  if (const int* status = std::get_if<int>(&result)) return *status;
  const ProvenTables& t = std::get<ProvenTables>(result);
  in.checked = &t.checked;
  in.compiled = &t.compiled;
  if (absl::Status st = WriteBuild(in); !st.ok()) {
    std::cout << "septum: build: " << st.message() << "\nseptum: nothing written\n";
    return kExitUsage;
  }
  std::cout << absl::StrFormat("%s: %d + %d obligations proven; wrote %s/septum.iso, tables.bin (%d bytes), certificate.json\n", path,
                               t.checked.obligations.size(), t.compiled.validation.results.size(), in.out_dir, t.compiled.blob.size());
  return kExitOk;
}

}  // namespace

const Command& BuildCommand() {
  static const Command* const kCommand =
      new Command{kHelp,
                  ArgSpec{"build",
                          {Flag::Value("-o").Required(), Flag::Value("--kernel"), Flag::Value("--mkiso"), Flag::Value("--cmdline")},
                          "give one policy file",
                          "usage: septum build FILE.policy -o DIR"},
                  Run};
  return *kCommand;
}

}  // namespace septum::cli
