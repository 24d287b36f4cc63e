// tools/compiler/testing/test_images.h — minimal guest images for tests of the compiler and
// the validator, until real guests exist: for each domain, an ELF64 (paths ending in ".elf")
// with an r-x text segment that halts and an rw- zero-filled data segment, linked at the
// domain's lowest guest-physical address; any other path gets a raw binary that halts.
// They are test fixtures, not guests: they only give segments, entries and digests to check.
#ifndef SEPTUM_TOOLS_COMPILER_TESTING_TEST_IMAGES_H_
#define SEPTUM_TOOLS_COMPILER_TESTING_TEST_IMAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "policy/model.h"

namespace septum::compiler::testing {

// The bytes of a minimal ELF64 image loaded at `base` (entry = base).
std::vector<uint8_t> MinimalElf64(uint64_t base);

// Writes every domain's image file at Domain::image_path (creating folders). False on an I/O error.
bool WriteTestImages(const policy::System& system);

}  // namespace septum::compiler::testing

#endif  // SEPTUM_TOOLS_COMPILER_TESTING_TEST_IMAGES_H_
