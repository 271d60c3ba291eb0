// The cover image that sits beside audio files in their folder (cover.jpg, folder.jpg, ...).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace volkrin {

// Looks for, in this order, cover, folder and front, each as .jpg, .jpeg, .png, .webp or
// .gif, compared without regard to ASCII case. Each folder is listed once while it is among
// the last few asked about (a walk asks folder by folder), so asking per file stays cheap.
// Thread-safe; blocking.
class FolderCovers {
 public:
  // The bytes of the folder's cover when one exists and is at most max_bytes; nullopt else.
  // Whether they are an image is the caller's check.
  std::optional<std::string> cover_for(const std::filesystem::path& audio_file,
                                       std::uint64_t max_bytes);

  // The name that wins among a folder's file names, or nullopt; for tests.
  static std::optional<std::filesystem::path> pick(const std::filesystem::path& folder);

 private:
  static constexpr std::size_t kRemembered = 64;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::optional<std::filesystem::path>> found_;
};

}  // namespace volkrin
