// libFuzzer target for tag reading: the input as a file, read with each format's TagLib parser.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "../unit/format/tag_text_checks.hpp"
#include "format/audio_tags.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// One file per fuzzing process, rewritten for every input and removed at exit.
class InputFile {
 public:
  InputFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fuzz-tags-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    check(fd >= 0);
    ::close(fd);
    path_ = pattern;
  }
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    FILE* out = std::fopen(path_.c_str(), "wb");
    check(out != nullptr);
    check(size == 0 || std::fwrite(data, 1, size, out) == size);
    check(std::fclose(out) == 0);
    return path_;
  }

 private:
  std::filesystem::path path_;
};

constexpr volkrin::AudioFormat kFormats[] = {
    volkrin::AudioFormat::mp3,      volkrin::AudioFormat::m4a,  volkrin::AudioFormat::ogg_vorbis,
    volkrin::AudioFormat::ogg_opus, volkrin::AudioFormat::flac, volkrin::AudioFormat::wav};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static InputFile input;
  const auto& file = input.write(data, size);
  for (const auto format : kFormats) {
    const auto tags = volkrin::read_audio_tags(file, format);
    if (!tags) continue;
    check(volkrin::tag_checks::holds_invariants(*tags));
    if (tags->cover) {
      const auto image = volkrin::cover_image(*tags->cover);
      check(!image ||
            (image->bytes == *tags->cover && volkrin::sniff_image(image->bytes) == image->format));
    }
  }
  return 0;
}
