// kernel/boot/main.cc — KernelEntry: the first C++ code, called by entry.S in long mode.
//
// Order: console, exception panic, banner, boot information, CPU capabilities, the tables blob,
// then the system (kernel/boot/system.cc).
// A machine the kernel cannot run on (no Multiboot2 loader, no SVM+NPT and no VMX+EPT) or a
// tables blob that fails its checks ends the run with the failure verdict and a line saying
// why; nothing is half-started.
#include <stdint.h>

#include "kernel/abi/version.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/run_end.h"
#include "kernel/arch/x86/serial.h"
#include "kernel/boot/machine.h"
#include "kernel/boot/multiboot2.h"
#include "kernel/boot/system.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/tables_install.h"
#include "kernel/core/virt_caps.h"

extern "C" {
using InitFunction = void (*)();
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];
extern char __kernel_start[];
extern char __kernel_end[];
}

namespace septum {
namespace {

BootInfo boot_info;  // large: kept out of the boot stack

const char* YesNo(bool b) { return b ? "yes" : "no"; }

void RunGlobalConstructors() {
  for (InitFunction* f = __init_array_start; f != __init_array_end; ++f) (*f)();
}

uint32_t boot_info_address = 0, boot_info_size = 0;

void ReadBootInfo(uint32_t magic, uint32_t mbi_address) {
  if (magic != kMultiboot2BootMagic) Refuse("not started by a Multiboot2 loader (bad magic in EAX)");
  const auto* mbi = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(mbi_address));
  const Result<uint32_t> size = Multiboot2TotalSize(Span<const uint8_t>(mbi, 8));
  if (!size.ok()) Refuse("Multiboot2 boot information unreadable");
  boot_info_address = mbi_address;
  boot_info_size = size.value();
  const Status parsed = ParseMultiboot2(Span<const uint8_t>(mbi, size.value()), &boot_info);
  if (parsed != Status::kOk) {
    Print("boot: Multiboot2 boot information at {:#x} rejected: {}\n", mbi_address, parsed);
    Refuse("malformed boot information");
  }
  uint64_t ram = 0;
  for (size_t i = 0; i < boot_info.memory_count; ++i) {
    if (boot_info.memory[i].type == 1) ram += boot_info.memory[i].length;
  }
  Print("boot: loader=\"{}\" cmdline=\"{}\" ram={} MiB in {} ranges, modules={}\n",
        boot_info.loader_name, boot_info.cmdline, ram >> 20, boot_info.memory_count,
        boot_info.module_count);
  for (size_t i = 0; i < boot_info.module_count; ++i) {
    const BootModule& m = boot_info.modules[i];
    Print("boot: module {} [{:#x}, {:#x}) \"{}\"\n", i, m.start, m.end, m.cmdline);
  }
}

PhysRange ram[BootInfo::kMaxMemoryRanges];
size_t ram_count = 0;

// The RAM ranges of the boot memory map.
Span<const PhysRange> Ram() {
  if (ram_count == 0) {
    for (size_t i = 0; i < boot_info.memory_count; ++i) {
      if (boot_info.memory[i].type == 1) ram[ram_count++] = {boot_info.memory[i].base, boot_info.memory[i].length};
    }
  }
  return Span<const PhysRange>(ram, ram_count);
}

// `run=MS` on the command line: run the schedule for MS milliseconds, then end the run (the
// boot tests use it); without it the kernel runs forever.
uint64_t RunNanoseconds() {
  const Result<StringView> run = FindCmdlineOption(boot_info.cmdline, "run");
  if (!run.ok()) return 0;
  const Result<uint64_t> ms = ParseDecimal(run.value());
  if (!ms.ok() || ms.value() > 1000000000) Refuse("run=MS on the command line needs a whole number of milliseconds");
  return ms.value() * 1000000;
}

// Options that exercise failure paths from the boot tests.
void RunSelfTests() {
  const Result<StringView> test = FindCmdlineOption(boot_info.cmdline, "selftest");
  if (!test.ok()) return;
  if (test.value() == StringView("exception")) {
    Print("selftest: executing ud2 to exercise the exception panic path\n");
    asm volatile("ud2");
  }
  Print("selftest: unknown self-test \"{}\"\n", test.value());
  Refuse("unknown self-test requested on the command line");
}

// The tables blob: the boot module whose command line is "tables". It is checked in place,
// copied to the load address it was built for, and checked again there. Without one there is
// nothing to run (kNotFound); a blob that fails any check stops the kernel before anything
// starts.
Result<BlobView> InstallTables() {
  const BootModule* module = nullptr;
  for (size_t i = 0; i < boot_info.module_count; ++i) {
    if (boot_info.modules[i].cmdline == StringView("tables")) module = &boot_info.modules[i];
  }
  if (!module) {
    Print("septum: no tables module (a boot module named \"tables\"): no domain to run\n");
    return Status::kNotFound;
  }
  if (module->start % 8 != 0 || module->end < module->start) Refuse("tables blob refused: the module is not 8-byte aligned");
  PhysRange reserved[BootInfo::kMaxModules + 2];
  size_t reserved_count = 0;
  const auto kernel_start = reinterpret_cast<uintptr_t>(__kernel_start), kernel_end = reinterpret_cast<uintptr_t>(__kernel_end);
  reserved[reserved_count++] = {kernel_start, kernel_end - kernel_start};
  reserved[reserved_count++] = {boot_info_address, boot_info_size};
  for (size_t i = 0; i < boot_info.module_count; ++i) {
    reserved[reserved_count++] = {boot_info.modules[i].start, boot_info.modules[i].end - boot_info.modules[i].start};
  }
  const Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(module->start)), module->end - module->start);
  const TablesInstall check = CheckTablesInstall(bytes, Ram(), Span<const PhysRange>(reserved, reserved_count));
  if (check.problem) {
    if (check.container != BlobProblem::kNone) {
      Print("septum: cannot run: tables blob refused: {}\n", BlobProblemText(check.container));
      x86::EndRun(x86::RunVerdict::kFailure);
    }
    Print("tables: blob of {} bytes for {:#x}: {}\n", check.size, check.load_address, check.problem);
    Refuse("tables blob refused");
  }
  auto* destination = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(check.load_address));
  __builtin_memmove(destination, bytes.data(), check.size);  // runtime.cc provides memmove
  BlobView view;
  const BlobProblem again = ValidateBlob(Span<const uint8_t>(destination, check.size), &view);
  if (again != BlobProblem::kNone) {
    Print("septum: cannot run: tables blob refused after copying: {}\n", BlobProblemText(again));
    x86::EndRun(x86::RunVerdict::kFailure);
  }
  Print("tables: installed {} bytes at {:#x}, format {}, {} domains\n", check.size, check.load_address, view.header->version,
        check.domains);
  return view;
}

VirtCaps DetectVirtualization() {
  const VirtCaps caps = DecodeVirtCaps(x86::ProbeCpu());
  Print("cpu: vendor={} svm={} npt={} asids={} vmx={} ept={}\n", caps.vendor, YesNo(caps.svm),
        YesNo(caps.npt), caps.svm_asids, YesNo(caps.vmx), YesNo(caps.ept));
  switch (caps.backend) {
    case VirtBackend::kSvm:
      Print("virt=svm npt=yes\n");
      break;
    case VirtBackend::kVmx:
      Print("virt=vmx ept=yes\n");
      break;
    case VirtBackend::kNone:
      Print("virt=none\n");
      Refuse(caps.reason);
  }
  return caps;
}

}  // namespace
}  // namespace septum

extern "C" [[noreturn]] void KernelEntry(uint32_t magic, uint32_t mbi_address) {
  using namespace septum;
  RunGlobalConstructors();
  x86::SerialInit();
  x86::IdtInit();
  x86::TssInit();
  Print("\nSeptum separation kernel {} (abi {}) on x86-64\n", kKernelVersion, kAbiVersion);
  ReadBootInfo(magic, mbi_address);
  RunSelfTests();
  const VirtCaps caps = DetectVirtualization();
  Print("septum: {} backend selected; boot checks passed\n", BackendName(caps.backend));
  const Result<BlobView> tables = InstallTables();
  if (!tables.ok()) x86::EndRun(x86::RunVerdict::kSuccess);
  Machine machine;
  machine.boot = &boot_info;
  machine.ram = Ram();
  machine.boot_info = PhysRange{boot_info_address, boot_info_size};
  machine.caps = caps;
  machine.run_ns = RunNanoseconds();
  RunSystem(tables.value(), machine);
}
