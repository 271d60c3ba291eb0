// Route templates, method matching and request-target parsing.
#include "http/router.hpp"

#include <gtest/gtest.h>

namespace volkrin::http {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

Target target(std::string_view t) {
  auto parsed = parse_target(t);
  EXPECT_TRUE(parsed.has_value()) << t;
  return parsed.value_or(Target{});
}

Router sample_router() {
  Router r;
  r.add("GET", "/api/tracks", Access::open, noop());
  r.add("GET", "/api/tracks/:id/stream", Access::open, noop());
  r.add("DELETE", "/api/tracks/:id", Access::admin, noop());
  r.add("GET", "/api/auth/users", Access::admin, noop());
  r.add("DELETE", "/api/auth/users/:id", Access::admin, noop());
  r.add("GET", "/media/*key", Access::open, noop());
  return r;
}

TEST(Router, matches_literal_route_and_reports_its_template) {
  const Router r = sample_router();
  auto m = r.match("GET", target("/api/tracks"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->pattern, "/api/tracks");
  EXPECT_TRUE(m->params.empty());
}

TEST(Router, captures_named_parameters) {
  const Router r = sample_router();
  auto m = r.match("DELETE", target("/api/auth/users/66d4c1f2a1b2c3d4e5f60718"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->pattern, "/api/auth/users/:id");
  ASSERT_EQ(m->params.size(), 1u);
  EXPECT_EQ(m->params[0].first, "id");
  EXPECT_EQ(m->params[0].second, "66d4c1f2a1b2c3d4e5f60718");
  EXPECT_EQ(r.match("GET", target("/api/tracks/abc/stream"))->params[0].second, "abc");
}

TEST(Router, method_must_match_and_head_falls_back_to_get) {
  const Router r = sample_router();
  EXPECT_FALSE(r.match("POST", target("/api/tracks")));
  EXPECT_FALSE(r.match("GET", target("/api/tracks/abc")));
  EXPECT_TRUE(r.match("HEAD", target("/api/tracks")));
}

TEST(Router, unknown_paths_and_extra_segments_do_not_match) {
  const Router r = sample_router();
  EXPECT_FALSE(r.match("GET", target("/api/nope")));
  EXPECT_FALSE(r.match("GET", target("/api/tracks/a/stream/extra")));
  EXPECT_FALSE(r.match("GET", target("/")));
  EXPECT_FALSE(r.match("DELETE", target("/api/auth/users/")));
}

TEST(Router, trailing_slash_and_letter_case_are_ignored_like_express) {
  const Router r = sample_router();
  EXPECT_TRUE(r.match("GET", target("/api/tracks/")));
  EXPECT_TRUE(r.match("GET", target("/API/Tracks")));
}

TEST(Router, wildcard_takes_the_rest_of_the_path) {
  const Router r = sample_router();
  auto m = r.match("GET", target("/media/audio/abc-song.mp3"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params[0].second, "audio/abc-song.mp3");
  EXPECT_FALSE(r.match("GET", target("/media")));
}

TEST(Router, methods_for_lists_every_method_of_a_path) {
  const Router r = sample_router();
  EXPECT_EQ(r.methods_for(target("/api/tracks/x")), std::vector<std::string>{"DELETE"});
  EXPECT_TRUE(r.methods_for(target("/nothing")).empty());
}

TEST(Router, rejects_bad_patterns) {
  Router r;
  EXPECT_THROW(r.add("GET", "/a/:/b", Access::open, noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a/*rest/b", Access::open, noop()), std::invalid_argument);
}

TEST(Target, splits_path_and_query_and_decodes_segments) {
  auto t = parse_target("/api/tracks/a%20b?limit=5&q=x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/tracks/a b");
  EXPECT_EQ(t->query, "limit=5&q=x");
  ASSERT_EQ(t->segments.size(), 3u);
  EXPECT_EQ(t->segments[2], "a b");
}

TEST(Target, encoded_slash_stays_inside_its_segment) {
  auto t = parse_target("/media/a%2Fb");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->segments.size(), 2u);
  EXPECT_EQ(t->segments[1], "a/b");
}

TEST(Target, refuses_traversal_nul_bad_escapes_and_non_origin_form) {
  EXPECT_FALSE(parse_target("/media/../etc/passwd"));
  EXPECT_FALSE(parse_target("/media/%2e%2e/etc"));
  EXPECT_FALSE(parse_target("/media/./x"));
  EXPECT_FALSE(parse_target("/a%00b"));
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a%4"));
  EXPECT_FALSE(parse_target("http://example.com/api"));
  EXPECT_FALSE(parse_target("*"));
  EXPECT_FALSE(parse_target(""));
}

}  // namespace
}  // namespace volkrin::http
