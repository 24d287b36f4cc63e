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

#include "policy/frontend.h"
#include "policy/model.h"
#include "tools/compiler/image.h"

namespace septum::compiler::testing {

// The bytes of a minimal ELF64 image loaded at `base` (entry = base).
std::vector<uint8_t> MinimalElf64(uint64_t base);

// Writes every domain's image file at Domain::image_path (creating folders). False on an I/O error.
bool WriteTestImages(const policy::System& system);

// A policy compiled with test images: the policy file is copied into `dir` (created), the
// images written next to the copy, read back and compiled. Check `out.accepted()` and that
// `blob` is not empty.
struct CompiledWithImages {
  policy::CheckOutcome out;
  std::vector<Image> images;
  std::vector<uint8_t> blob;
};
CompiledWithImages CompileWithTestImages(const std::string& policy_path, const std::string& dir);

}  // namespace septum::compiler::testing

#endif  // SEPTUM_TOOLS_COMPILER_TESTING_TEST_IMAGES_H_
