// Folder covers; see folder_cover.hpp.
#include "service/folder_cover.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>

#include "support/ascii.hpp"

namespace volkrin {
namespace {

constexpr std::array<std::string_view, 3> kStems = {"cover", "folder", "front"};
constexpr std::array<std::string_view, 5> kExtensions = {".jpg", ".jpeg", ".png", ".webp", ".gif"};

// The rank of a file name among the cover names (lower wins), or nullopt when it is none.
std::optional<std::size_t> rank_of(const std::string& lower_name) {
  for (std::size_t s = 0; s < kStems.size(); ++s) {
    for (std::size_t e = 0; e < kExtensions.size(); ++e) {
      if (lower_name.size() == kStems[s].size() + kExtensions[e].size() &&
          lower_name.starts_with(kStems[s]) && lower_name.ends_with(kExtensions[e])) {
        return s * kExtensions.size() + e;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::filesystem::path> FolderCovers::pick(const std::filesystem::path& folder) {
  std::optional<std::filesystem::path> best;
  std::size_t best_rank = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const auto rank = rank_of(ascii_lower(it->path().filename().string()));
    if (rank && (!best || *rank < best_rank)) {
      best = it->path();
      best_rank = *rank;
    }
  }
  return best;
}

std::optional<std::string> FolderCovers::cover_for(const std::filesystem::path& audio_file,
                                                   std::uint64_t max_bytes) {
  const std::filesystem::path folder = audio_file.parent_path();
  std::optional<std::filesystem::path> cover;
  {
    std::lock_guard lock(mutex_);
    auto it = found_.find(folder);
    if (it == found_.end()) {
      if (found_.size() >= kRemembered) found_.clear();
      it = found_.emplace(folder, pick(folder)).first;
    }
    cover = it->second;
  }
  if (!cover) return std::nullopt;
  std::error_code ec;
  const auto size = std::filesystem::file_size(*cover, ec);
  if (ec || size > max_bytes) return std::nullopt;
  std::ifstream in(*cover, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) return std::nullopt;
  return bytes;
}

}  // namespace volkrin
