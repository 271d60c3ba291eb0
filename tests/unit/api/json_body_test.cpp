// read_json_object and optional_string: the API's rules for JSON request bodies.
#include "api/json_body.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <utility>

#include "http/fake_request.hpp"
#include "support/api_error.hpp"
#include "test_support.hpp"

namespace volkrin::api {
namespace {

using test::FakeRequest;
using test::run_coroutine;

using Outcome = std::pair<int, std::string>;  // 0 and the serialized object on success

Outcome read(FakeRequest& request) {
  try {
    return {0, boost::json::serialize(run_coroutine(read_json_object(request)))};
  } catch (const ApiError& e) {
    return {e.status(), e.what()};
  }
}

Outcome read(FakeRequest&& request) {
  return read(request);
}

FakeRequest json_post(std::string body, std::string type = "application/json") {
  FakeRequest request("POST", "/api/auth/login");
  request.with_header("Content-Type", std::move(type)).with_body(std::move(body));
  return request;
}

TEST(ReadJsonObject, no_body_reads_as_an_empty_object) {
  FakeRequest request("POST", "/api/auth/logout");
  EXPECT_EQ(read(request), Outcome(0, "{}"));
  EXPECT_EQ(request.body_reads(), 0);
}

TEST(ReadJsonObject, declared_empty_body_reads_as_an_empty_object_whatever_its_type) {
  FakeRequest request("POST", "/api/auth/logout");
  request.with_header("Content-Type", "text/plain").with_body("");
  EXPECT_EQ(read(request), Outcome(0, "{}"));
}

TEST(ReadJsonObject, json_object_is_returned) {
  EXPECT_EQ(read(json_post(R"({"email":"a@example.com","n":[1,2.5,null]})")),
            Outcome(0, R"({"email":"a@example.com","n":[1,2.5E0,null]})"));
}

TEST(ReadJsonObject, body_that_is_not_declared_as_json_is_415) {
  const Outcome refused{415, "Content-Type must be application/json"};
  EXPECT_EQ(read(json_post("{}", "text/plain")), refused);
  EXPECT_EQ(read(json_post("{}", "application/x-www-form-urlencoded")), refused);
  EXPECT_EQ(read(json_post("{}", "application/jsonp")), refused);
  EXPECT_EQ(read(json_post("{}", "text/json")), refused);
  EXPECT_EQ(read(json_post("{}", "application/+json")), refused);
  FakeRequest untyped("POST", "/api/auth/login");
  untyped.with_body("{}");
  EXPECT_EQ(read(untyped), refused);
  EXPECT_EQ(untyped.body_reads(), 0) << "refused before reading";
}

TEST(ReadJsonObject, json_with_parameters_or_other_case_is_accepted) {
  EXPECT_EQ(read(json_post(R"({"a":1})", "application/json; charset=utf-8")).first, 0);
  EXPECT_EQ(read(json_post(R"({"a":1})", "application/json;charset=UTF-8")).first, 0);
  EXPECT_EQ(read(json_post(R"({"a":1})", "Application/JSON")).first, 0);
  EXPECT_EQ(read(json_post(R"({"a":1})", "application/json ; charset=utf-8")).first, 0);
}

TEST(ReadJsonObject, structured_syntax_suffix_json_is_accepted) {
  EXPECT_EQ(read(json_post(R"({"a":1})", "application/merge-patch+json")),
            Outcome(0, R"({"a":1})"));
  EXPECT_EQ(read(json_post(R"({"a":1})", "application/vnd.api+JSON; charset=utf-8")).first, 0);
}

TEST(ReadJsonObject, malformed_json_is_400) {
  for (const char* body : {"{", "{\"a\":}", "not json", "{\"a\":1}}", "{'a':1}"}) {
    EXPECT_EQ(read(json_post(body)), Outcome(400, "Malformed JSON body")) << body;
  }
}

TEST(ReadJsonObject, top_level_values_other_than_objects_are_400) {
  const Outcome refused{400, "Request body must be a JSON object"};
  EXPECT_EQ(read(json_post("[]")), refused);
  EXPECT_EQ(read(json_post(R"([{"a":1}])")), refused);
  EXPECT_EQ(read(json_post("\"text\"")), refused);
  EXPECT_EQ(read(json_post("42")), refused);
  EXPECT_EQ(read(json_post("null")), refused);
}

TEST(ReadJsonObject, numbers_that_overflow_to_infinity_are_400) {
  const Outcome refused{400, "Malformed JSON body: numbers must be finite"};
  EXPECT_EQ(read(json_post(R"({"n":1e999})")), refused);
  EXPECT_EQ(read(json_post(R"({"n":-1e999})")), refused);
  EXPECT_EQ(read(json_post(R"({"deep":{"list":[1,{"n":1e400}]}})")), refused);
  EXPECT_EQ(read(json_post(R"({"n":1e308})")).first, 0);
}

TEST(ReadJsonObject, nesting_deeper_than_64_is_refused) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 100; ++i) deep += "}";
  EXPECT_EQ(read(json_post(deep)).first, 400);
}

TEST(ReadJsonObject, body_of_exactly_one_mebibyte_is_accepted) {
  std::string body = R"({"a":1})";
  body.append(kMaxJsonBody - body.size(), ' ');
  ASSERT_EQ(body.size(), 1024u * 1024u);
  EXPECT_EQ(read(json_post(body)), Outcome(0, R"({"a":1})"));
}

TEST(ReadJsonObject, body_larger_than_one_mebibyte_is_413) {
  std::string body = R"({"a":1})";
  body.append(kMaxJsonBody + 1 - body.size(), ' ');
  EXPECT_EQ(read(json_post(body)), Outcome(413, "Request body too large"));
  FakeRequest chunked("POST", "/api/auth/login");
  chunked.with_header("Content-Type", "application/json").with_body(body, false);
  EXPECT_EQ(read(chunked), Outcome(413, "Request body too large"));
}

TEST(OptionalString, absent_or_null_is_nullopt_and_strings_are_returned) {
  const boost::json::object body{{"name", "Ann"}, {"nothing", nullptr}, {"empty", ""}};
  EXPECT_EQ(optional_string(body, "name"), "Ann");
  EXPECT_EQ(optional_string(body, "empty"), "");
  EXPECT_EQ(optional_string(body, "nothing"), std::nullopt);
  EXPECT_EQ(optional_string(body, "missing"), std::nullopt);
}

TEST(OptionalString, other_types_are_400_naming_the_field) {
  const boost::json::object body{{"n", 1}, {"b", true}, {"o", boost::json::object{}}};
  for (const char* field : {"n", "b", "o"}) {
    try {
      optional_string(body, field);
      ADD_FAILURE() << field << " was accepted";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(std::string(e.what()), std::string(field) + " must be a string");
    }
  }
}

}  // namespace
}  // namespace volkrin::api
