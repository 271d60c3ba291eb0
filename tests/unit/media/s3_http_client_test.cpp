// The S3 adapter's HTTP client: endpoint parsing, keep-alive reuse and its retry, and TLS
// verification (a self-signed certificate is refused), against small local servers.
#include "media/s3/http_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <string>
#include <thread>

namespace volkrin::s3 {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

TEST(S3HttpEndpoint, parses_origins_and_refuses_the_rest) {
  auto plain = parse_endpoint("http://127.0.0.1:4568/");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 4568);
  EXPECT_EQ(plain->authority(), "127.0.0.1:4568");

  auto secure = parse_endpoint("https://minio.internal");
  ASSERT_TRUE(secure.has_value());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->origin(), "https://minio.internal");

  auto v6 = parse_endpoint("http://[::1]:9000");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->origin(), "http://[::1]:9000");
  EXPECT_EQ(parse_endpoint("http://h:80")->authority(), "h");

  for (const char* bad :
       {"ftp://h", "h:9000", "http://", "http://h/path", "http://h:0", "http://h:99999",
        "http://h:", "http://u@h", "http://[::1", "http://h?x"}) {
    EXPECT_EQ(parse_endpoint(bad), std::nullopt) << bad;
  }
}

// Serves `connections` connections, answering one request on each with a keep-alive 200
// and then closing it, as a server whose idle time-out has run out would.
class OneShotServer {
 public:
  explicit OneShotServer(int connections)
      : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        tcp::socket socket(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec) return;
        ++accepted_;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) continue;
        http::response<http::string_body> response(http::status::ok, 11);
        response.keep_alive(true);
        response.body() = "answer " + std::to_string(i + 1);
        response.prepare_payload();
        http::write(socket, response, ec);
        socket.close(ec);
      }
    });
  }
  ~OneShotServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_.load(); }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

HttpRequest get(const HttpEndpoint& endpoint) {
  return HttpRequest{"GET", "/bucket/key", {{"Host", endpoint.authority()}}, {}};
}

TEST(S3HttpClient, request_on_a_connection_the_server_closed_is_sent_again_on_a_new_one) {
  OneShotServer server(2);
  HttpEndpoint endpoint{false, "127.0.0.1", server.port()};
  HttpClient client(endpoint);
  const auto first = client.send(get(endpoint));
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(first.body, "answer 1");
  // The pooled connection is closed by now; the client notices and reconnects.
  const auto second = client.send(get(endpoint));
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(second.body, "answer 2");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(S3HttpClient, header_lookup_ignores_case) {
  HttpResponse response;
  response.headers = {{"ETag", "\"abc\""}, {"etag", "\"second\""}};
  EXPECT_EQ(response.header("etag"), "\"abc\"");
  EXPECT_EQ(response.header("Content-Length"), std::nullopt);
}

// A self-signed certificate for "localhost", made in memory.
struct SelfSigned {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};

  SelfSigned() {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    cert.reset(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    static const unsigned char kLocalhost[] = "localhost";
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kLocalhost, -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_sign(cert.get(), key.get(), EVP_sha256());
  }
};

TEST(S3HttpClient, https_endpoint_with_an_untrusted_certificate_is_refused) {
  const SelfSigned identity;
  ASSERT_NE(identity.key, nullptr);
  asio::ssl::context tls(asio::ssl::context::tls_server);
  ASSERT_EQ(SSL_CTX_use_certificate(tls.native_handle(), identity.cert.get()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(tls.native_handle(), identity.key.get()), 1);

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  std::atomic<bool> served{false};
  std::thread server([&] {
    asio::ssl::stream<tcp::socket> stream(ioc, tls);
    boost::system::error_code ec;
    acceptor.accept(stream.next_layer(), ec);
    if (ec) return;
    stream.handshake(asio::ssl::stream_base::server, ec);
    served = !ec;
  });

  HttpEndpoint endpoint{true, "127.0.0.1", acceptor.local_endpoint().port()};
  HttpClient client(endpoint,
                    HttpTimeouts{std::chrono::milliseconds(3000), std::chrono::milliseconds(3000)});
  EXPECT_THAT([&] { client.send(get(endpoint)); },
              ::testing::ThrowsMessage<HttpError>(HasSubstr("TLS handshake failed")));
  server.join();
  EXPECT_FALSE(served.load()) << "the client must not complete a handshake it cannot verify";
}

}  // namespace
}  // namespace volkrin::s3
