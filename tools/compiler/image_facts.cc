// tools/compiler/image_facts.cc — see image_facts.h.
#include "tools/compiler/image_facts.h"

#include <cstring>

namespace septum::compiler {

tv::ImageFacts ToImageFacts(const Image& image) {
  tv::ImageFacts f;
  switch (image.kind) {
    case Image::Kind::kElf64:
      f.kind = tv::ImageFacts::Kind::kElf64;
      break;
    case Image::Kind::kElf32:
      f.kind = tv::ImageFacts::Kind::kElf32;
      break;
    case Image::Kind::kRaw:
      f.kind = tv::ImageFacts::Kind::kRaw;
      break;
  }
  f.entry = image.entry;
  for (const Segment& s : image.segments) f.segments.push_back({s.guest, s.file_offset, s.file_size, s.mem_size, s.access});
  f.size = image.size;
  static_assert(sizeof(f.sha256) == sizeof(image.sha256));
  std::memcpy(f.sha256, image.sha256, sizeof(f.sha256));
  return f;
}

std::vector<tv::ImageFacts> ToImageFacts(const std::vector<Image>& images) {
  std::vector<tv::ImageFacts> out;
  out.reserve(images.size());
  for (const Image& image : images) out.push_back(ToImageFacts(image));
  return out;
}

}  // namespace septum::compiler
