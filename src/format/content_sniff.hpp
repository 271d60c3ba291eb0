// Recognition of uploaded audio and image formats from their leading bytes alone.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace volkrin {

enum class AudioFormat { mp3, m4a, ogg_vorbis, ogg_opus, flac, wav };
enum class ImageFormat { jpeg, png, webp, gif };

// How many leading bytes the sniffers want. They work with fewer (a file shorter than this is
// passed whole), answering nullopt when the bytes given are not enough to be sure.
inline constexpr std::size_t kSniffBytes = 4096;

// The format of an audio file judged by its first bytes; nullopt when it is none of the
// supported formats. Names and client MIME types play no part.
std::optional<AudioFormat> sniff_audio(std::string_view head);

// The format of an image file judged by its first bytes; nullopt when it is none of them.
std::optional<ImageFormat> sniff_image(std::string_view head);

// "mp3", "m4a", "ogg", "opus", "flac", "wav".
std::string_view to_string(AudioFormat format);
// "jpeg", "png", "webp", "gif".
std::string_view to_string(ImageFormat format);

std::string_view audio_mime(AudioFormat format);
std::string_view image_mime(ImageFormat format);

// With the leading dot: ".mp3", ".m4a", ".ogg", ".opus", ".flac", ".wav".
std::string_view audio_extension(AudioFormat format);
// With the leading dot: ".jpg", ".png", ".webp", ".gif".
std::string_view image_extension(ImageFormat format);

}  // namespace volkrin
