// The embedded web player: every file of web/ is in the binary, with a known content type.
#include "api/web_api.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "embedded/web.hpp"

namespace volkrin::api {
namespace {

TEST(WebApi, embeds_the_player_files) {
  std::set<std::string> names;
  for (const auto& file : embedded::web()) {
    names.emplace(file.path);
    EXPECT_FALSE(file.data.empty()) << file.path;
    EXPECT_NE(web_content_type(file.path), "application/octet-stream") << file.path;
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
