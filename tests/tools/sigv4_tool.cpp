// volkrin_sigv4_tool: the SigV4 signer behind a JSON-lines interface, for the differential
// test against the AWS SDK's signer (tests/contract/sigv4-differential.test.mjs). Test only.
//
// Each input line is one object:
//   {"id":1, "kind":"sign"|"presign", "accessKeyId":"..", "secretAccessKey":"..",
//    "region":"..", "service":"s3", "method":"GET", "path":"/decoded/path",
//    "query":[["name","value"],...], "headers":[["Name","value"],...],
//    "payloadHash":"<hex>" (sign), "time":<unix seconds>, "expires":<seconds> (presign)}
// and yields one output line:
//   sign:    {"id":1, "authorization":"AWS4-HMAC-SHA256 ...", "target":"/encoded?query"}
//   presign: {"id":1, "query":[["X-Amz-Algorithm","AWS4-HMAC-SHA256"],...], "target":".."}
// A line that cannot be handled yields {"id":..., "error":"..."}.
#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "support/sigv4.hpp"

namespace {

namespace json = boost::json;
using volkrin::sigv4::Params;

Params params_of(const json::value& value) {
  Params out;
  if (value.is_null()) return out;
  for (const auto& entry : value.as_array()) {
    const auto& pair = entry.as_array();
    out.emplace_back(std::string(pair.at(0).as_string()), std::string(pair.at(1).as_string()));
  }
  return out;
}

json::array array_of(const Params& params) {
  json::array out;
  for (const auto& [name, value] : params)
    out.push_back(json::array{json::string(name), json::string(value)});
  return out;
}

std::string text(const json::object& line, const char* name) {
  return std::string(line.at(name).as_string());
}

json::object handle(const json::object& line) {
  namespace sigv4 = volkrin::sigv4;
  const sigv4::Signer signer({text(line, "accessKeyId"), text(line, "secretAccessKey")},
                             text(line, "region"), text(line, "service"));
  sigv4::Request request{text(line, "method"), text(line, "path"),
                         params_of(line.contains("query") ? line.at("query") : json::value()),
                         params_of(line.contains("headers") ? line.at("headers") : json::value())};
  const std::int64_t time = line.at("time").to_number<std::int64_t>();
  json::object out;
  out["id"] = line.at("id");
  if (text(line, "kind") == "sign") {
    out["authorization"] = signer.sign(request, text(line, "payloadHash"), time);
  } else {
    signer.presign(request, time, line.at("expires").to_number<std::int64_t>());
    out["query"] = array_of(request.query);
  }
  out["target"] = sigv4::request_target(request);
  return out;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json::object out;
    try {
      out = handle(json::parse(line).as_object());
    } catch (const std::exception& e) {
      out["error"] = e.what();
    }
    std::cout << json::serialize(out) << '\n';
  }
  std::cout.flush();
  return 0;
}
