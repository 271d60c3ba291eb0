// A file compiled into the binary by volkrin_embed_files() (cmake/EmbedFiles.cmake).
#pragma once

#include <span>
#include <string_view>

namespace volkrin {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedding's BASE_DIR, '/'-separated
  std::string_view data;  // the file's exact bytes
};

// nullptr when no file has that path.
inline const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files,
                                         std::string_view path) {
  for (const auto& file : files) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

}  // namespace volkrin
