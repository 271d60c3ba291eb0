// libFuzzer target for content sniffing: any leading bytes are judged without reading past
// them, the same way every time, and never as both audio and image.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/content_sniff.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_audio(volkrin::AudioFormat format) {
  check(volkrin::to_string(format) != "unknown");
  check(volkrin::audio_mime(format).starts_with("audio/"));
  check(volkrin::audio_extension(format).starts_with("."));
}

void check_image(volkrin::ImageFormat format) {
  check(volkrin::to_string(format) != "unknown");
  check(volkrin::image_mime(format).starts_with("image/"));
  check(volkrin::image_extension(format).starts_with("."));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes, so that AddressSanitizer sees any read past the head.
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view head(bytes);

  const auto audio = volkrin::sniff_audio(head);
  const auto image = volkrin::sniff_image(head);
  if (audio) check_audio(*audio);
  if (image) check_image(*image);
  check(!(audio && image));
  check(volkrin::sniff_audio(head) == audio);
  check(volkrin::sniff_image(head) == image);

  // An upload is judged by its first kSniffBytes: that much of a longer file is judged alone.
  if (head.size() > volkrin::kSniffBytes) {
    volkrin::sniff_audio(head.substr(0, volkrin::kSniffBytes));
    volkrin::sniff_image(head.substr(0, volkrin::kSniffBytes));
  }
  // Every shorter head the upload could have stopped at is judged without a crash as well.
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{11}, size / 2}) {
    if (cut < size) {
      const std::string shorter(head.substr(0, cut));
      volkrin::sniff_audio(shorter);
      volkrin::sniff_image(shorter);
    }
  }
  return 0;
}
