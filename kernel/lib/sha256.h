// kernel/lib/sha256.h — SHA-256 (FIPS 180-4), freestanding.
//
// The kernel checks the tables blob against the SHA-256 in its header (and the certificate
// records it); the host tools compute the same digest with this code. Incremental: Update()
// any number of times, then Finish() once.
//
//   Sha256 h;
//   h.Update(bytes);
//   const Sha256::Digest d = h.Finish();
#ifndef SEPTUM_KERNEL_LIB_SHA256_H_
#define SEPTUM_KERNEL_LIB_SHA256_H_

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/span.h"

namespace septum {

class Sha256 {
 public:
  static constexpr size_t kDigestBytes = 32;
  struct Digest {
    uint8_t bytes[kDigestBytes];
    friend bool operator==(const Digest& a, const Digest& b) {
      uint8_t diff = 0;
      for (size_t i = 0; i < kDigestBytes; ++i) diff |= a.bytes[i] ^ b.bytes[i];
      return diff == 0;
    }
    friend bool operator!=(const Digest& a, const Digest& b) { return !(a == b); }
  };

  Sha256();
  void Update(Span<const uint8_t> data);
  // Pads and returns the digest. The object must not be used afterwards (panics if it is).
  Digest Finish();

  static Digest Hash(Span<const uint8_t> data);

 private:
  void Compress(const uint8_t block[64]);

  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
  bool finished_ = false;
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_LIB_SHA256_H_
