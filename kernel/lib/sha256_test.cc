#include "kernel/lib/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace septum {
namespace {

std::string Hex(const Sha256::Digest& d) {
  std::string s;
  char buf[3];
  for (uint8_t b : d.bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    s += buf;
  }
  return s;
}

std::string HashOf(const std::string& text) {
  return Hex(Sha256::Hash(Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
}

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST(Sha256Test, StandardVectors) {
  EXPECT_EQ(HashOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HashOf("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(HashOf(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, PaddingBoundaries) {
  // 55, 56 and 64 bytes straddle the padding rule (one block or two).
  EXPECT_EQ(HashOf(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(HashOf(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(HashOf(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(5000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  const Sha256::Digest whole = Sha256::Hash(Span<const uint8_t>(data.data(), data.size()));
  for (int trial = 0; trial < 50; ++trial) {
    Sha256 h;
    size_t at = 0;
    while (at < data.size()) {
      const size_t n = std::min<size_t>(rng() % 200, data.size() - at);
      h.Update(Span<const uint8_t>(data.data() + at, n));
      at += n;
    }
    EXPECT_TRUE(h.Finish() == whole);
  }
  data[1234] ^= 1;
  EXPECT_TRUE(Sha256::Hash(Span<const uint8_t>(data.data(), data.size())) != whole);
}

TEST(Sha256DeathTest, UseAfterFinishPanics) {
  Sha256 h;
  (void)h.Finish();
  EXPECT_DEATH((void)h.Finish(), "PANIC");
}

}  // namespace
}  // namespace septum
