// kernel/core/start_state.cc — see start_state.h.
#include "kernel/core/start_state.h"

#include "kernel/abi/paging.h"
#include "kernel/core/cpu_bits.h"

namespace septum {

StartState StartStateOf(const tables::DomainRecord& record) {
  const bool pv = record.type == tables::kPv;
  StartState s;
  const SegmentState data{0x10, kSegmentData, 0xffffffff, 0, false};
  for (SegmentState& seg : s.segments) seg = data;
  s.segments[static_cast<uint32_t>(SegmentIndex::kCs)] = {0x08, pv ? kSegmentCode64 : kSegmentCode32, 0xffffffff, 0, false};
  s.segments[static_cast<uint32_t>(SegmentIndex::kLdtr)] = {0, kSegmentLdt, 0, 0, true};
  s.segments[static_cast<uint32_t>(SegmentIndex::kTr)] = {0, kSegmentTss64Busy, 0x67, 0, false};
  if (pv) {
    s.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
    s.cr3 = record.start_guest + paging::kPageSize;  // the guest page tables follow the start info
    s.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
    s.efer = kEferLme | kEferLma | kEferNxe;
    s.long_mode = true;
    s.regs.rdi = record.start_guest;  // the start info
  } else {
    s.cr0 = kCr0Pe | kCr0Et;
  }
  s.pat = kPatPowerOn;
  s.dr6 = 0xffff0ff0;  // its reset value (SDM Vol 3B §18.2.3)
  s.dr7 = 0x400;
  s.regs.rip = record.entry;
  s.regs.rflags = kRflagsReserved1;
  return s;
}

}  // namespace septum
