# Writes OUTPUT, a C++ source holding the bytes of every file in WEB_DIR (run with cmake -P).
# Used at build time so that the binary serves the web player without any file beside it.
if(NOT WEB_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DWEB_DIR=dir -DOUTPUT=file.cpp -P embed_web.cmake")
endif()

file(GLOB files LIST_DIRECTORIES false RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(SORT files)
if(NOT files)
  message(FATAL_ERROR "${WEB_DIR} holds no files to serve")
endif()

string(REPEAT "0x..," 16 sixteen_bytes)  # CMake regexes have no {n}
set(arrays "")
set(entries "")
set(index 0)
foreach(name IN LISTS files)
  if(NOT name MATCHES "^[A-Za-z0-9._-]+$")
    message(FATAL_ERROR "web/${name}: only letters, digits, '.', '_' and '-' are served")
  endif()
  file(READ "${WEB_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # Sixteen bytes per line; a trailing 0 keeps empty files legal C++.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(${sixteen_bytes})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "// ${name}\nconstexpr unsigned char file${index}[] = {\n    ${bytes}0};\n\n")
  string(APPEND entries "      {\"${name}\", as_chars(file${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(content "// Generated at build time from web/ by cmake/embed_web.cmake: do not edit.
#include <span>
#include <string_view>

#include \"api/web_api.hpp\"

namespace volkrin::api {
namespace {

${arrays}std::string_view as_chars(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

}  // namespace

std::span<const EmbeddedFile> embedded_web_files() {
  static const EmbeddedFile files[] = {
${entries}  };
  return files;
}

}  // namespace volkrin::api
")

# Rewrite only on change, so that an unchanged web/ does not recompile anything.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
