// The embedded web player: every file of web/ is in the binary, with a known content type.
#include "api/web_api.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace volkrin::api {
namespace {

TEST(WebApi, embeds_the_player_files) {
  std::set<std::string> names;
  for (const auto& file : embedded_web_files()) {
    names.emplace(file.name);
    EXPECT_FALSE(file.bytes.empty()) << file.name;
    EXPECT_NE(web_content_type(file.name), "application/octet-stream") << file.name;
  }
  for (const char* expected : {"index.html", "app.js", "style.css", "icon.svg"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
}

TEST(WebApi, content_type_follows_the_extension) {
  EXPECT_EQ(web_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(web_content_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(web_content_type("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(web_content_type("icon.svg"), "image/svg+xml");
  EXPECT_EQ(web_content_type("README"), "application/octet-stream");
  EXPECT_EQ(web_content_type(".js"), "application/octet-stream");
}

}  // namespace
}  // namespace volkrin::api
