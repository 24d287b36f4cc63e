// policy/codes.cc — the code table. Keep in step with policy/README.md "Diagnostic codes".
#include "policy/codes.h"

namespace septum::policy {
namespace {

constexpr CodeInfo kTable[] = {
    {"E0001", "the policy file is empty"},
    {"E0002", "the policy file is larger than 16 MiB"},
    {"E0003", "the policy file contains a NUL byte"},
    {"E0004", "the policy file is not valid UTF-8"},
    {"E0101", "unexpected character"},
    {"E0102", "unterminated string"},
    {"E0103", "invalid escape sequence in a string"},
    {"E0104", "integer does not fit in 64 bits"},
    {"E0105", "malformed number"},
    {"E0201", "unexpected token"},
    {"E0202", "unknown item or option"},
    {"E0203", "unknown value for an option"},
    {"E0204", "option given twice"},
    {"E0205", "required option missing"},
    {"E0206", "a policy file holds exactly one system"},
    {"E0207", "unclosed block"},
    {"E0301", "name declared twice"},
    {"E0302", "undeclared domain"},
    {"E0303", "undeclared device"},
    {"E0304", "reserved name"},
    {"E0305", "assertion names no domain or label"},
    {"E0401", "value out of range"},
    {"E0402", "CPU not on the platform"},
    {"E0403", "address or size not a multiple of 4 KiB"},
    {"E0404", "zero size or duration"},
    {"E0405", "range passes the end of the 64-bit address space"},
    {"E0406", "wrong or missing unit"},
    {"E0407", "range ends before it starts"},
    {"E0408", "invalid permissions"},
    {"E0409", "value listed twice"},
    {"E0410", "DMA-capable device without an IOMMU"},
    {"E0411", "DMA-capable device without a PCI address"},
    {"E0412", "channel writer and reader are the same domain"},
    {"E0501", "host-physical ranges overlap"},
    {"E0502", "memory outside platform RAM"},
    {"E0503", "domain memory overlaps kernel memory"},
    {"E0504", "guest-physical mappings overlap in one domain"},
    {"E0505", "device owned by two domains"},
    {"E0506", "device owned by a domain and the kernel"},
    {"E0507", "I/O port claimed by two devices"},
    {"E0508", "IRQ claimed by two devices"},
    {"E0509", "MMIO ranges of two devices overlap"},
    {"E0510", "PCI address claimed by two devices"},
    {"E0511", "no room to place a region"},
    {"E0512", "platform RAM banks overlap"},
    {"E0601", "domains but no schedule"},
    {"E0602", "CPU plan does not sum to the major frame"},
    {"E0603", "domain scheduled on a CPU outside its cpus"},
    {"E0604", "boot domain never scheduled"},
    {"E0605", "CPU planned twice"},
    {"W0606", "domain never scheduled: it can never run"},
    {"W0607", "domain does not boot and no domain may start it"},
    {"E0701", "right over itself"},
    {"E0702", "right over the kernel"},
    {"E0703", "control hypercalls without control lines"},
    {"E0704", "control lines without control hypercalls"},
    {"E0801", "asserted absence of a flow is false"},
    {"E0802", "asserted isolation is false"},
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == static_cast<size_t>(Code::kCount),
              "one table row per Code");

}  // namespace

const CodeInfo& Describe(Code code) { return kTable[static_cast<size_t>(code)]; }

std::vector<Code> AllCodes() {
  std::vector<Code> all;
  for (int i = 0; i < static_cast<int>(Code::kCount); ++i) all.push_back(static_cast<Code>(i));
  return all;
}

}  // namespace septum::policy
