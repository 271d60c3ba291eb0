// `volkrin healthcheck`: one GET of /api/health/ready with Beast, under a hard deadline.
#include "app/healthcheck.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

namespace volkrin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kMaxBody = std::size_t{64} * 1024;
constexpr std::size_t kShownBody = 200;

std::string local_address(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

// The body on one line, cut short: enough to see which component is failing.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kShownBody)) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > kShownBody) out += "...";
  return out;
}

// Beast's synchronous calls cannot time out, so the request runs as one coroutine on a
// private io_context, under tcp_stream's deadline for connect, write and read together;
// for the caller it is still one blocking call.
asio::awaitable<bhttp::response<bhttp::string_body>> fetch_ready(
    std::string host, std::uint16_t port, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  const auto endpoints =
      co_await resolver.async_resolve(host, std::to_string(port), asio::use_awaitable);
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoints, asio::use_awaitable);

  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, "/api/health/ready", 11);
  request.set(bhttp::field::host, host.find(':') != std::string::npos
                                      ? "[" + host + "]:" + std::to_string(port)
                                      : host + ":" + std::to_string(port));
  request.set(bhttp::field::user_agent, "volkrin-healthcheck");
  request.set(bhttp::field::connection, "close");
  co_await bhttp::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxBody);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return parser.release();
}

}  // namespace

HealthcheckResult check_local_readiness(const Config& config, std::chrono::milliseconds timeout) {
  if (config.port == 0)
    return {false, "not ready: PORT=0 picks a random port; set PORT to check it"};
  const std::string host = local_address(config.host);
  const std::string url = "http://" +
                          (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                          std::to_string(config.port) + "/api/health/ready";

  std::optional<bhttp::response<bhttp::string_body>> response;
  std::exception_ptr failure;
  // Declared last, destroyed first: a request still pending at the deadline is dropped
  // before the results its completion would have written.
  asio::io_context ioc(1);
  asio::co_spawn(ioc, fetch_ready(host, config.port, timeout),
                 [&](const std::exception_ptr& e, bhttp::response<bhttp::string_body> r) {
                   failure = e;
                   if (!e) response = std::move(r);
                 });
  // The resolver is not covered by the stream's deadline; bound the whole run as well, with
  // room for the stream's own timeout to be reported on a loaded machine.
  ioc.run_for(timeout + std::chrono::seconds(2));
  if (!response && !failure) return {false, "not ready: " + url + " did not answer in time"};
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      const std::string why = e.code() == beast::error::timeout ? "timed out" : e.code().message();
      return {false, "not ready: " + url + ": " + why};
    } catch (const std::exception& e) {
      return {false, "not ready: " + url + ": " + e.what()};
    }
  }
  const int status = static_cast<int>(response->result_int());
  const std::string summary = url + " answered " + std::to_string(status);
  if (status == 200) return {true, "ready: " + summary};
  return {false, "not ready: " + summary + " " + one_line(response->body())};
}

int run_healthcheck(const Config& config) {
  const HealthcheckResult result = check_local_readiness(config);
  (result.ready ? std::cout : std::cerr) << result.line << "\n";
  return result.ready ? 0 : 1;
}

}  // namespace volkrin
