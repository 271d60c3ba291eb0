// TagLib-backed audio measurement: one format-specific parser per sniffed format.
#include "format/audio_probe.hpp"

#include <taglib/audioproperties.h>
#include <taglib/flacfile.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>

#include <exception>
#include <fstream>
#include <string>
#include <system_error>

namespace volkrin {
namespace {

// The first kSniffBytes of the file, or nullopt when it cannot be read.
std::optional<std::string> read_head(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return std::nullopt;
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

template <typename File>
std::optional<AudioFacts> measure(const std::filesystem::path& file, AudioFormat format) {
  File parsed(file.c_str(), true, TagLib::AudioProperties::Accurate);
  if (!parsed.isValid()) return std::nullopt;
  const TagLib::AudioProperties* props = parsed.audioProperties();
  if (props == nullptr) return std::nullopt;
  AudioFacts facts{format};
  facts.duration_ms = props->lengthInMilliseconds();
  facts.bitrate_kbps = props->bitrate();
  facts.sample_rate = props->sampleRate();
  facts.channels = props->channels();
  // Opus always decodes at 48 kHz, whatever rate the encoder's input had.
  if (format == AudioFormat::ogg_opus && facts.sample_rate == 0) facts.sample_rate = 48000;
  if (facts.duration_ms <= 0 || facts.sample_rate <= 0 || facts.channels <= 0) return std::nullopt;
  if (facts.bitrate_kbps < 0) facts.bitrate_kbps = 0;
  return facts;
}

}  // namespace

std::optional<AudioFacts> probe_audio(const std::filesystem::path& file, AudioFormat sniffed) {
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) || std::filesystem::file_size(file, ec) == 0 ||
        ec) {
      return std::nullopt;
    }
    // The bytes must still say what the caller sniffed: a parser run on another format's
    // bytes may report nonsense.
    const auto head = read_head(file);
    if (!head || sniff_audio(*head) != sniffed) return std::nullopt;
    switch (sniffed) {
      case AudioFormat::mp3:
        return measure<TagLib::MPEG::File>(file, sniffed);
      case AudioFormat::m4a:
        return measure<TagLib::MP4::File>(file, sniffed);
      case AudioFormat::ogg_vorbis:
        return measure<TagLib::Ogg::Vorbis::File>(file, sniffed);
      case AudioFormat::ogg_opus:
        return measure<TagLib::Ogg::Opus::File>(file, sniffed);
      case AudioFormat::flac:
        return measure<TagLib::FLAC::File>(file, sniffed);
      case AudioFormat::wav:
        return measure<TagLib::RIFF::WAV::File>(file, sniffed);
    }
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace volkrin
