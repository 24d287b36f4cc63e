// tools/compiler/testing/test_images.cc — see test_images.h.
#include "tools/compiler/testing/test_images.h"

#include <filesystem>
#include <fstream>

#include "tools/compiler/compile.h"

namespace septum::compiler::testing {
namespace {

void Put(std::vector<uint8_t>* b, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) (*b)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

std::vector<uint8_t> MinimalElf64(uint64_t base) {
  constexpr size_t kEhdr = 64, kPhdr = 56, kText = kEhdr + 2 * kPhdr;
  const uint8_t code[] = {0xf4, 0xeb, 0xfd};  // hlt; jmp back to the hlt
  std::vector<uint8_t> b(kText + sizeof(code), 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2 /*64-bit*/, 1 /*little-endian*/, 1 /*EV_CURRENT*/};
  std::copy(std::begin(ident), std::end(ident), b.begin());
  Put(&b, 16, 2, 2);        // e_type ET_EXEC
  Put(&b, 18, 62, 2);       // e_machine EM_X86_64
  Put(&b, 20, 1, 4);        // e_version
  Put(&b, 24, base, 8);     // e_entry
  Put(&b, 32, kEhdr, 8);    // e_phoff
  Put(&b, 52, kEhdr, 2);    // e_ehsize
  Put(&b, 54, kPhdr, 2);    // e_phentsize
  Put(&b, 56, 2, 2);        // e_phnum
  // Text: r-x, the code bytes at `base`.
  size_t p = kEhdr;
  Put(&b, p + 0, 1, 4);                 // PT_LOAD
  Put(&b, p + 4, 4 | 1, 4);             // PF_R | PF_X
  Put(&b, p + 8, kText, 8);             // p_offset
  Put(&b, p + 16, base, 8);             // p_vaddr
  Put(&b, p + 24, base, 8);             // p_paddr
  Put(&b, p + 32, sizeof(code), 8);     // p_filesz
  Put(&b, p + 40, sizeof(code), 8);     // p_memsz
  Put(&b, p + 48, 16, 8);               // p_align
  // Data: rw-, 8 KiB of zeros one page above.
  p += kPhdr;
  Put(&b, p + 0, 1, 4);
  Put(&b, p + 4, 4 | 2, 4);             // PF_R | PF_W
  Put(&b, p + 8, kText + sizeof(code), 8);
  Put(&b, p + 16, base + 0x1000, 8);
  Put(&b, p + 24, base + 0x1000, 8);
  Put(&b, p + 32, 0, 8);
  Put(&b, p + 40, 0x2000, 8);
  Put(&b, p + 48, 16, 8);
  std::copy(std::begin(code), std::end(code), b.begin() + kText);
  return b;
}

bool WriteTestImages(const policy::System& s) {
  for (uint32_t d = 0; d < s.domains.size(); ++d) {
    const std::string& path = s.domains[d].image_path;
    const bool elf = path.size() >= 4 && path.compare(path.size() - 4, 4, ".elf") == 0;
    const std::vector<uint8_t> bytes = elf ? MinimalElf64(RawLoadAddress(s, d)) : std::vector<uint8_t>{0xf4, 0xeb, 0xfd};
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) return false;
  }
  return true;
}

CompiledWithImages CompileWithTestImages(const std::string& policy_path, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path copy = std::filesystem::path(dir) / std::filesystem::path(policy_path).filename();
  std::filesystem::copy_file(policy_path, copy, std::filesystem::copy_options::overwrite_existing, ec);
  CompiledWithImages c{policy::CheckPolicyFile(copy.string()), {}, {}};
  if (!c.out.accepted() || !WriteTestImages(*c.out.system)) return c;
  absl::StatusOr<std::vector<Image>> images = ReadImages(*c.out.system);
  if (!images.ok()) return c;
  c.images = *std::move(images);
  absl::StatusOr<std::vector<uint8_t>> blob = CompileTables(*c.out.system, &c.images);
  if (blob.ok()) c.blob = *std::move(blob);
  return c;
}

}  // namespace septum::compiler::testing
