// kernel/core/guest_memory_testing.h — test only: a PhysicalMemory window backed by a vector,
// with nested page tables (NPT or EPT) built in it by hand, for the tests of guest_memory and
// of the code that reads and writes guest memory through it (hypercall).
#ifndef SEPTUM_KERNEL_CORE_GUEST_MEMORY_TESTING_H_
#define SEPTUM_KERNEL_CORE_GUEST_MEMORY_TESTING_H_

#include <stdint.h>

#include <cstdlib>
#include <vector>

#include "kernel/abi/paging.h"
#include "kernel/core/guest_memory.h"

namespace septum {

class FakeGuestMemory {
 public:
  // Host-physical address of the window's first page: not 0, so offsets are exercised.
  static constexpr uint64_t kStart = 0x4000000;

  // A window of `pages` 4 KiB pages; the first holds the root table.
  FakeGuestMemory(paging::Format format, size_t pages) : format_(format), words_(pages * 512) { root_ = NewPage(); }

  PhysicalMemory memory() const {
    return PhysicalMemory{reinterpret_cast<uintptr_t>(words_.data()), kStart, words_.size() * 8};
  }
  paging::Format format() const { return format_; }
  uint64_t root() const { return root_; }

  // The next unused page of the window (zeroed), by host-physical address.
  uint64_t NewPage() {
    const uint64_t page = kStart + next_page_++ * paging::kPageSize;
    if (page + paging::kPageSize > kStart + words_.size() * 8) std::abort();
    return page;
  }

  // The entry bits of a table entry with every right (what the levels above a leaf carry),
  // and of a leaf with `access` (paging::Access bits).
  uint64_t FullRights() const { return Rights(paging::kRead | paging::kWrite | paging::kExec); }
  uint64_t Rights(uint8_t access) const {
    if (format_ == paging::Format::kEpt) return access;  // R, W, X are bits 0-2
    return paging::npt::kPresent | paging::npt::kUser | ((access & paging::kWrite) ? paging::npt::kWritable : 0) |
           ((access & paging::kExec) ? 0 : paging::npt::kNoExecute);
  }

  // Maps the leaf of `gpa` at `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) to host-physical `host`
  // with `access`; missing tables above it are created with every right.
  void Map(uint64_t gpa, uint64_t host, uint8_t access, unsigned level = 1) {
    const uint64_t large = level > 1 ? paging::npt::kLarge : 0;
    Entry(gpa, level) = host | Rights(access) | large;
  }

  // The entry for `gpa` at `level` (4 = root); creates the tables above it as needed.
  uint64_t& Entry(uint64_t gpa, unsigned level) {
    uint64_t table = root_;
    for (unsigned l = paging::kLevels; l > level; --l) {
      uint64_t& e = Word(table + paging::IndexAt(gpa, l) * 8);
      if (e == 0) e = NewPage() | FullRights();
      table = e & paging::kAddressMask;
    }
    return Word(table + paging::IndexAt(gpa, level) * 8);
  }

  // The window's bytes at host-physical `phys`.
  uint8_t* Bytes(uint64_t phys) { return reinterpret_cast<uint8_t*>(words_.data()) + (phys - kStart); }

 private:
  uint64_t& Word(uint64_t phys) { return words_.at((phys - kStart) / 8); }

  paging::Format format_;
  std::vector<uint64_t> words_;  // 8-byte aligned, like real tables
  uint64_t next_page_ = 0;
  uint64_t root_ = 0;
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_GUEST_MEMORY_TESTING_H_
