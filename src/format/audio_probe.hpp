// Measurement of a staged audio upload (duration, bitrate, sample rate, channels) with TagLib.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "format/content_sniff.hpp"

namespace volkrin {

struct AudioFacts {
  AudioFormat format;
  std::int64_t duration_ms = 0;
  int bitrate_kbps = 0;
  int sample_rate = 0;
  int channels = 0;
};

// Reads the file with the TagLib parser of the sniffed format (never chosen by file name) and
// measures it accurately. nullopt unless the file is valid audio of that format with a
// positive duration, sample rate and channel count. Raw ADTS AAC, which sniffs as m4a, has no
// TagLib parser and so gives nullopt. Blocking; never throws for bad content.
std::optional<AudioFacts> probe_audio(const std::filesystem::path& file, AudioFormat sniffed);

}  // namespace volkrin
