// Pipeline: routing, access rules, error mapping, request ids, CORS and metrics labels.
#include "http/pipeline.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/client_gone.hpp"
#include "http/fake_request.hpp"
#include "support/api_error.hpp"
#include "support/backend_failure.hpp"
#include "support/metrics.hpp"
#include "test_support.hpp"

namespace volkrin::http {
namespace {

using test::FakeRequest;
using test::run_coroutine;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr std::string_view kAllowedOrigin = "https://app.example";
constexpr std::string_view kSecretText = "db password hunter2 at /srv/volkrin/secret.db";
constexpr std::string_view kRawId = "66d4c1f2a1b2c3d4e5f60718";

// What the handlers and the authenticator saw, shared with the test.
struct Observed {
  std::vector<std::string> tokens;  // every token the authenticator was asked about
  int handler_runs = 0;
  std::optional<Caller> caller;  // as the last handler saw it
  std::string param;             // the last ":id"
};

Response ok_response() {
  return json_response(200, boost::json::object{{"ok", true}});
}

Pipeline make_pipeline(std::shared_ptr<Observed> seen) {
  Router router;
  const auto record = [seen](Request& request) {
    ++seen->handler_runs;
    seen->caller = request.caller;
    seen->param = std::string(request.param("id"));
  };
  router.add("GET", "/api/pipeline-widgets", Access::open,
             [record](Request& request) -> boost::asio::awaitable<Response> {
               record(request);
               co_return ok_response();
             });
  router.add("POST", "/api/pipeline-widgets", Access::user,
             [record](Request& request) -> boost::asio::awaitable<Response> {
               record(request);
               co_return ok_response();
             });
  router.add("GET", "/api/pipeline-widgets/:id", Access::open,
             [record](Request& request) -> boost::asio::awaitable<Response> {
               record(request);
               co_return ok_response();
             });
  router.add("DELETE", "/api/pipeline-widgets/:id", Access::admin,
             [record](Request& request) -> boost::asio::awaitable<Response> {
               record(request);
               co_return ok_response();
             });
  router.add("GET", "/api/pipeline-fail/api-error", Access::open,
             [](Request&) -> boost::asio::awaitable<Response> {
               throw ApiError(409, "That widget already exists");
               co_return ok_response();
             });
  router.add("GET", "/api/pipeline-fail/crash", Access::open,
             [](Request&) -> boost::asio::awaitable<Response> {
               throw std::runtime_error(std::string(kSecretText));
               co_return ok_response();
             });
  router.add("GET", "/api/pipeline-fail/full", Access::open,
             [](Request&) -> boost::asio::awaitable<Response> {
               throw StorageFull(std::string(kSecretText));
               co_return ok_response();
             });
  router.add("GET", "/api/pipeline-fail/gone", Access::open,
             [](Request&) -> boost::asio::awaitable<Response> {
               throw ClientGone("request body interrupted");
               co_return ok_response();
             });

  Authenticator authenticate =
      [seen](std::string_view token) -> boost::asio::awaitable<std::optional<Caller>> {
    seen->tokens.emplace_back(token);
    if (token == "user-token") co_return Caller{"u-1", "Ann", "ann@example.com", "user"};
    if (token == "admin-token") co_return Caller{"a-1", "Bob", "bob@example.com", "admin"};
    co_return std::nullopt;
  };
  return Pipeline(std::move(router), CorsPolicy({std::string(kAllowedOrigin)}),
                  std::move(authenticate), PipelineOptions{LogFormat::dev, {}});
}

class PipelineTest : public ::testing::Test {
 protected:
  Response handle(FakeRequest& request) { return run_coroutine(pipeline_.handle(request)); }
  Response handle(FakeRequest&& request) { return handle(request); }

  std::shared_ptr<Observed> seen_ = std::make_shared<Observed>();
  Pipeline pipeline_ = make_pipeline(seen_);
};

std::string body_of(const Response& r) {
  return r.body;
}

// How many times a header appears (browsers refuse CORS answers with repeated ones).
std::size_t count_headers(const Response& r, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(r.headers.begin(), r.headers.end(),
                                                [&](const auto& h) { return h.first == name; }));
}

std::string message(std::string_view text) {
  return boost::json::serialize(boost::json::object{{"message", text}});
}

TEST_F(PipelineTest, unknown_route_is_404_route_not_found) {
  const Response r = handle(FakeRequest("GET", "/api/nothing-here"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r), R"({"message":"Route not found"})");
  EXPECT_EQ(seen_->handler_runs, 0);
}

TEST_F(PipelineTest, known_path_with_another_method_is_404) {
  const Response r = handle(FakeRequest("PUT", "/api/pipeline-widgets"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r), message("Route not found"));
}

TEST_F(PipelineTest, malformed_path_is_400) {
  const Response r = handle(FakeRequest("GET", "/api/../etc/passwd"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r), message("Malformed request path"));
  EXPECT_EQ(seen_->handler_runs, 0);
}

TEST_F(PipelineTest, open_route_runs_without_authentication_and_gets_its_parameters) {
  FakeRequest request("GET", "/api/pipeline-widgets/42?x=1");
  const Response r = handle(request);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(seen_->handler_runs, 1);
  EXPECT_EQ(seen_->param, "42");
  EXPECT_EQ(seen_->caller, std::nullopt);
  EXPECT_THAT(seen_->tokens, IsEmpty());
  EXPECT_EQ(request.route_template, "/api/pipeline-widgets/:id");
  EXPECT_EQ(request.path, "/api/pipeline-widgets/42");
  EXPECT_EQ(request.query, "x=1");
}

TEST_F(PipelineTest, user_route_without_authorization_is_401_no_token) {
  const Response r = handle(FakeRequest("POST", "/api/pipeline-widgets"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(body_of(r), message("No token, authorization denied"));
  EXPECT_EQ(seen_->handler_runs, 0);
  EXPECT_THAT(seen_->tokens, IsEmpty());
}

TEST_F(PipelineTest, authorization_other_than_bearer_counts_as_no_token) {
  for (const std::string header : {"Basic x", "Bearer", "Bearer ", "Bearer    ",
                                   "bearer user-token", "user-token", "Token user-token"}) {
    const Response r =
        handle(FakeRequest("POST", "/api/pipeline-widgets").with_header("Authorization", header));
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(body_of(r), message("No token, authorization denied")) << header;
  }
  EXPECT_EQ(seen_->handler_runs, 0);
  EXPECT_THAT(seen_->tokens, IsEmpty());
}

TEST_F(PipelineTest, token_the_authenticator_refuses_is_401_token_failed) {
  const Response r = handle(
      FakeRequest("POST", "/api/pipeline-widgets").with_header("Authorization", "Bearer forged"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(body_of(r), message("Not authorized, token failed"));
  EXPECT_THAT(seen_->tokens, ElementsAre("forged"));
  EXPECT_EQ(seen_->handler_runs, 0);
}

TEST_F(PipelineTest, valid_token_reaches_the_handler_with_its_caller) {
  const Response r = handle(FakeRequest("POST", "/api/pipeline-widgets")
                                .with_header("authorization", "Bearer  user-token "));
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(seen_->tokens, ElementsAre("user-token"));
  ASSERT_TRUE(seen_->caller);
  EXPECT_EQ(seen_->caller->id, "u-1");
  EXPECT_EQ(seen_->caller->email, "ann@example.com");
}

TEST_F(PipelineTest, user_token_on_an_admin_route_is_403) {
  const Response r = handle(FakeRequest("DELETE", "/api/pipeline-widgets/7")
                                .with_header("Authorization", "Bearer user-token"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body_of(r), message("Access denied. Admins only."));
  EXPECT_EQ(seen_->handler_runs, 0);
}

TEST_F(PipelineTest, admin_token_on_an_admin_route_runs_the_handler) {
  const Response r = handle(FakeRequest("DELETE", "/api/pipeline-widgets/7")
                                .with_header("Authorization", "Bearer admin-token"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(seen_->handler_runs, 1);
  ASSERT_TRUE(seen_->caller);
  EXPECT_TRUE(seen_->caller->is_admin());
  EXPECT_EQ(seen_->param, "7");
}

TEST_F(PipelineTest, admin_route_without_token_is_401_not_forbidden) {
  const Response r = handle(FakeRequest("DELETE", "/api/pipeline-widgets/7"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(body_of(r), message("No token, authorization denied"));
}

TEST_F(PipelineTest, api_error_from_a_handler_keeps_its_status_and_message) {
  const Response r = handle(FakeRequest("GET", "/api/pipeline-fail/api-error"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(body_of(r), message("That widget already exists"));
  EXPECT_EQ(r.content_type, kJsonType);
}

TEST_F(PipelineTest, other_exceptions_become_500_without_their_text) {
  const Response r = handle(FakeRequest("GET", "/api/pipeline-fail/crash"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(body_of(r), R"({"message":"Internal server error"})");
  EXPECT_THAT(body_of(r), Not(HasSubstr("hunter2")));
  for (const auto& [name, value] : r.headers) {
    EXPECT_THAT(value, Not(HasSubstr("hunter2"))) << name;
  }
}

TEST_F(PipelineTest, full_storage_is_507_storage_full_and_is_counted) {
  const auto before = metrics().storage_full.value();
  const Response r = handle(FakeRequest("GET", "/api/pipeline-fail/full"));
  EXPECT_EQ(r.status, 507);
  EXPECT_EQ(body_of(r), message("Storage is full; try again later"));
  EXPECT_EQ(metrics().storage_full.value(), before + 1);
  EXPECT_THAT(metrics().exposition(),
              HasSubstr("\nvolkrin_storage_full_total " +
                        std::to_string(metrics().storage_full.value()) + "\n"));
}

TEST_F(PipelineTest, client_that_went_away_gets_499_and_the_connection_is_closed) {
  const Response r = handle(FakeRequest("GET", "/api/pipeline-fail/gone"));
  EXPECT_EQ(r.status, kClientGoneStatus);
  EXPECT_TRUE(r.close);
  EXPECT_EQ(r.body_size(), 0u);
}

TEST_F(PipelineTest, sane_request_id_is_echoed) {
  FakeRequest request("GET", "/api/pipeline-widgets");
  request.with_header("X-Request-Id", "trace-42:a.b_c");
  const Response r = handle(request);
  EXPECT_EQ(r.header("X-Request-Id"), "trace-42:a.b_c");
  EXPECT_EQ(request.request_id, "trace-42:a.b_c");
}

TEST_F(PipelineTest, missing_or_insane_request_id_is_replaced_by_a_fresh_uuid) {
  const std::string uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  std::vector<std::string> ids;
  for (const std::string& incoming :
       {std::string(), std::string("has space"), std::string("evil\r\nX-Injected: 1"),
        std::string(129, 'a'), std::string("semi;colon")}) {
    FakeRequest request("GET", "/api/pipeline-widgets");
    if (!incoming.empty()) request.with_header("X-Request-Id", incoming);
    const Response r = handle(request);
    const std::string id(r.header("X-Request-Id"));
    EXPECT_THAT(id, MatchesRegex(uuid)) << "for " << incoming;
    EXPECT_EQ(request.request_id, id);
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "every request gets its own id";
}

TEST_F(PipelineTest, every_answer_carries_nosniff) {
  EXPECT_EQ(handle(FakeRequest("GET", "/api/pipeline-widgets")).header("X-Content-Type-Options"),
            "nosniff");
  EXPECT_EQ(handle(FakeRequest("GET", "/nope")).header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(handle(FakeRequest("GET", "/api/pipeline-fail/crash")).header("X-Content-Type-Options"),
            "nosniff");
}

TEST_F(PipelineTest, allowed_origin_gets_cors_headers_on_answers_and_errors) {
  for (const char* target : {"/api/pipeline-widgets", "/api/nothing-here"}) {
    const Response r =
        handle(FakeRequest("GET", target).with_header("Origin", std::string(kAllowedOrigin)));
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), kAllowedOrigin) << target;
    EXPECT_EQ(r.header("Vary"), "Origin") << target;
    EXPECT_EQ(count_headers(r, "Access-Control-Allow-Origin"), 1u) << target;
    EXPECT_THAT(std::string(r.header("Access-Control-Expose-Headers")), HasSubstr("X-Request-Id"))
        << target;
  }
}

TEST_F(PipelineTest, other_origin_gets_no_cors_headers_but_vary) {
  const Response r = handle(
      FakeRequest("GET", "/api/pipeline-widgets").with_header("Origin", "https://evil.example"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(r.header("Vary"), "Origin");
}

TEST_F(PipelineTest, preflight_from_an_allowed_origin_is_204_with_allow_headers) {
  const Response r = handle(FakeRequest("OPTIONS", "/api/pipeline-widgets")
                                .with_header("Origin", std::string(kAllowedOrigin))
                                .with_header("Access-Control-Request-Method", "POST"));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body_size(), 0u);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), kAllowedOrigin);
  EXPECT_EQ(r.header("Access-Control-Allow-Methods"), "GET, POST, HEAD, OPTIONS");
  EXPECT_EQ(count_headers(r, "Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(count_headers(r, "Vary"), 1u);
  EXPECT_THAT(std::string(r.header("Access-Control-Allow-Headers")), HasSubstr("Authorization"));
  EXPECT_THAT(std::string(r.header("Allow")), ::testing::StartsWith("GET, POST"));
  EXPECT_THAT(std::string(r.header("Allow")), HasSubstr("OPTIONS"));
  EXPECT_EQ(seen_->handler_runs, 0);
  EXPECT_THAT(seen_->tokens, IsEmpty()) << "a preflight needs no token, even for a user route";
}

TEST_F(PipelineTest, preflight_from_another_origin_is_204_without_allow_headers) {
  const Response r = handle(FakeRequest("OPTIONS", "/api/pipeline-widgets")
                                .with_header("Origin", "https://evil.example")
                                .with_header("Access-Control-Request-Method", "POST"));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(r.header("Access-Control-Allow-Methods"), "");
  EXPECT_EQ(r.header("Access-Control-Allow-Headers"), "");
}

TEST_F(PipelineTest, preflight_of_an_unknown_path_is_404) {
  const Response r = handle(FakeRequest("OPTIONS", "/api/nothing-here")
                                .with_header("Origin", std::string(kAllowedOrigin)));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r), message("Route not found"));
}

TEST_F(PipelineTest, duration_histogram_is_labelled_with_the_route_template_not_the_raw_path) {
  const Response r = handle(FakeRequest("GET", "/api/pipeline-widgets/" + std::string(kRawId)));
  ASSERT_EQ(r.status, 200);
  const std::string exposition = metrics().exposition();
  EXPECT_THAT(exposition, HasSubstr(R"(http_request_duration_seconds_count{method="GET")"
                                    R"(,path="/api/pipeline-widgets/:id",status_code="200"})"));
  EXPECT_THAT(exposition, Not(HasSubstr(std::string(kRawId))));
}

TEST_F(PipelineTest, unmatched_requests_share_one_metrics_label) {
  handle(FakeRequest("GET", "/api/pipeline-unknown/" + std::string(kRawId)));
  const std::string exposition = metrics().exposition();
  EXPECT_THAT(exposition, HasSubstr(R"(http_request_duration_seconds_count{method="GET")"
                                    R"(,path="#unmatched",status_code="404"})"));
  EXPECT_THAT(exposition, Not(HasSubstr("pipeline-unknown")));
}

TEST_F(PipelineTest, in_flight_gauge_returns_to_where_it_was) {
  const auto before = metrics().requests_in_flight.load();
  handle(FakeRequest("GET", "/api/pipeline-widgets"));
  handle(FakeRequest("GET", "/api/pipeline-fail/crash"));
  EXPECT_EQ(metrics().requests_in_flight.load(), before);
}

}  // namespace
}  // namespace volkrin::http
