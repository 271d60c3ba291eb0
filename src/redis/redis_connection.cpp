// One pipelined Redis connection on a strand; see redis_connection.hpp.
#include "redis/redis_connection.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <functional>
#include <optional>
#include <utility>

namespace volkrin::redis {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::any_io_executor>;
// Resumes the waiting caller on its own executor, with a reply or an exception.
using Completion = std::function<void(std::exception_ptr, RespValue)>;

std::exception_ptr redis_error(const std::string& message) {
  return std::make_exception_ptr(RedisError(message));
}

std::string error_text(const std::exception& e) {
  if (const auto* system = dynamic_cast<const boost::system::system_error*>(&e)) {
    const auto& code = system->code();
    if (code == asio::error::eof) return "connection closed by the server";
    // For TLS this is OpenSSL's reason, e.g. "certificate verify failed (SSL routines)".
    return code.message();
  }
  return e.what();
}

// The socket of one connection attempt, plain or TLS.
class Transport {
 public:
  Transport(const Strand& strand, ssl::context* tls) {
    if (tls != nullptr) {
      tls_.emplace(strand, *tls);
    } else {
      plain_.emplace(strand);
    }
  }

  tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  ssl::stream<tcp::socket>* tls() { return tls_ ? &*tls_ : nullptr; }

  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer) {
    if (tls_) return tls_->async_read_some(buffer, asio::use_awaitable);
    return plain_->async_read_some(buffer, asio::use_awaitable);
  }
  asio::awaitable<std::size_t> write(asio::const_buffer buffer) {
    if (tls_) return asio::async_write(*tls_, buffer, asio::use_awaitable);
    return asio::async_write(*plain_, buffer, asio::use_awaitable);
  }
  void close() {
    boost::system::error_code ignored;
    socket().close(ignored);
  }

  bool timed_out = false;

 private:
  std::optional<tcp::socket> plain_;
  std::optional<ssl::stream<tcp::socket>> tls_;
};

class PipelinedConnection final : public Connection,
                                  public std::enable_shared_from_this<PipelinedConnection> {
 public:
  PipelinedConnection(const asio::any_io_executor& executor,
                      std::shared_ptr<const ConnectionTarget> target)
      : strand_(asio::make_strand(executor)),
        target_(std::move(target)),
        resolver_(strand_),
        watchdog_(strand_),
        connect_timer_(strand_),
        backoff_(target_->options.backoff_initial),
        address_(endpoint_text(target_->settings)) {}

  asio::awaitable<RespValue> execute(std::string command) override {
    auto self = shared_from_this();
    // A named initiation capturing a plain pointer (self keeps the connection alive):
    // GCC 12 destroys a lambda temporary inside a co_await expression twice.
    const auto initiate = [this](auto handler, std::string encoded) {
      auto home = asio::get_associated_executor(handler);
      auto shared = std::make_shared<decltype(handler)>(std::move(handler));
      Completion done = [home, shared](std::exception_ptr error, RespValue reply) {
        asio::post(home, [shared, error, reply = std::move(reply)]() mutable {
          std::move (*shared)(error, std::move(reply));
        });
      };
      asio::post(strand_, [self = shared_from_this(), encoded = std::move(encoded),
                           done = std::move(done)]() mutable {
        self->submit(std::move(encoded), std::move(done));
      });
    };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                            void(std::exception_ptr, RespValue)>(
        initiate, asio::use_awaitable, std::move(command));
  }

  void close() override {
    asio::post(strand_, [self = shared_from_this()] {
      self->closed_ = true;
      self->teardown("the Redis client was closed", Retry::later);
    });
  }

  void abandon() override {
    closed_ = true;
    ++generation_;
    state_ = State::disconnected;
    if (transport_) transport_->close();
    transport_.reset();
    resolver_.cancel();
    watchdog_.cancel();
    connect_timer_.cancel();
    queued_.clear();
    sent_.clear();
  }

 private:
  enum class State { disconnected, connecting, ready };
  enum class Retry { now, later };

  struct Pending {
    std::string command;  // until it is handed to the socket
    Completion done;
    Clock::time_point deadline;
  };

  // Everything below runs on strand_.

  void submit(std::string command, Completion done) {
    const auto now = Clock::now();
    Pending pending{std::move(command), std::move(done), now + target_->options.command_timeout};
    if (closed_) {
      fail(pending, "the Redis client was closed");
      return;
    }
    switch (state_) {
      case State::ready:
        outbox_ += pending.command;
        pending.command.clear();
        sent_.push_back(std::move(pending));
        start_write();
        break;
      case State::connecting:
        queued_.push_back(std::move(pending));
        break;
      case State::disconnected:
        if (now < retry_at_ && !pool_connected_since(failed_at_)) {
          fail(pending,
               last_error_ + " (next attempt in " +
                   std::to_string(
                       std::chrono::ceil<std::chrono::milliseconds>(retry_at_ - now).count()) +
                   " ms)");
          return;
        }
        queued_.push_back(std::move(pending));
        start_connect();
        break;
    }
    arm_watchdog();
  }

  static void fail(Pending& pending, const std::string& message) {
    pending.done(redis_error(message), RespValue{});
  }

  void start_connect() {
    state_ = State::connecting;
    const std::uint64_t generation = ++generation_;
    asio::co_spawn(strand_, connect(generation), asio::detached);
  }

  asio::awaitable<void> connect(std::uint64_t generation) {
    auto self = shared_from_this();
    const auto& settings = target_->settings;
    auto transport = std::make_shared<Transport>(strand_, target_->tls.get());
    transport_ = transport;
    parser_.reset();
    connect_timer_.expires_after(target_->options.connect_timeout);
    connect_timer_.async_wait([self, generation, transport](boost::system::error_code ec) {
      if (ec || generation != self->generation_) return;
      transport->timed_out = true;
      transport->close();
      self->resolver_.cancel();
    });

    std::string error;
    std::string step = "connect to " + address_;
    try {
      const auto endpoints = co_await resolver_.async_resolve(
          settings.host, std::to_string(settings.port), asio::use_awaitable);
      // Stops trying further addresses once the connect timer has fired. Named, and
      // capturing a plain pointer, for the same GCC 12 reason as in execute().
      const auto keep_trying = [raw = transport.get()](const boost::system::error_code&,
                                                       const tcp::endpoint&) {
        return !raw->timed_out;
      };
      co_await asio::async_connect(transport->socket(), endpoints, keep_trying,
                                   asio::use_awaitable);
      transport->socket().set_option(tcp::no_delay(true));
      if (auto* tls = transport->tls()) {
        step = "TLS handshake with " + address_;
        boost::system::error_code not_an_address;
        asio::ip::make_address(settings.host, not_an_address);
        if (not_an_address) {
          // SNI: servers behind a shared front end (Upstash) choose the certificate by it.
          SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(settings.host.c_str()));
        }
        tls->set_verify_mode(ssl::verify_peer);
        tls->set_verify_callback(ssl::host_name_verification(settings.host));
        co_await tls->async_handshake(ssl::stream_base::client, asio::use_awaitable);
      }
      co_await introduce(*transport, step);
    } catch (const RedisError& e) {
      error = e.what();
    } catch (const std::exception& e) {
      error = step + " failed: " +
              (transport->timed_out
                   ? "timed out after " + std::to_string(target_->options.connect_timeout.count()) +
                         " ms"
                   : error_text(e));
    }
    if (generation != generation_) co_return;  // closed meanwhile
    connect_timer_.cancel();
    if (!error.empty()) {
      transport->close();
      transport_.reset();
      state_ = State::disconnected;
      last_error_ = std::move(error);
      back_off();
      for (auto& pending : queued_) fail(pending, last_error_);
      queued_.clear();
      co_return;
    }

    state_ = State::ready;
    target_->pool->last_connected.store(Clock::now().time_since_epoch().count(),
                                        std::memory_order_relaxed);
    for (auto& pending : queued_) {
      outbox_ += pending.command;
      pending.command.clear();
      sent_.push_back(std::move(pending));
    }
    queued_.clear();
    asio::co_spawn(strand_, read_replies(generation, transport), asio::detached);
    start_write();
    arm_watchdog();
  }

  // AUTH and SELECT, pipelined, before anything else goes out.
  asio::awaitable<void> introduce(Transport& transport, std::string& step) {
    const auto& settings = target_->settings;
    std::string hello;
    std::vector<std::string> steps;
    if (!settings.password.empty()) {
      if (settings.username.empty()) {
        append_command(hello, std::array<std::string_view, 2>{"AUTH", settings.password});
      } else {
        append_command(
            hello, std::array<std::string_view, 3>{"AUTH", settings.username, settings.password});
      }
      steps.push_back("AUTH");
    }
    const std::string db = std::to_string(settings.db);
    if (settings.db != 0) {
      append_command(hello, std::array<std::string_view, 2>{"SELECT", db});
      steps.push_back("SELECT " + db);
    }
    if (steps.empty()) co_return;
    step = "set-up (" + steps.front() + ") of " + address_;
    co_await transport.write(asio::buffer(hello));
    std::array<char, 1024> buffer{};
    for (const auto& name : steps) {
      step = name + " on " + address_;
      std::optional<RespValue> reply;
      while (!(reply = parser_.next())) {
        const std::size_t n = co_await transport.read_some(asio::buffer(buffer));
        parser_.feed(std::string_view(buffer.data(), n));
      }
      if (reply->is_error()) {
        // Redis's message ("WRONGPASS invalid username-password pair ...") never echoes
        // the password.
        throw RedisError(name + " on " + address_ + " refused: " + reply->text);
      }
    }
  }

  asio::awaitable<void> read_replies(std::uint64_t generation,
                                     std::shared_ptr<Transport> transport) {
    auto self = shared_from_this();
    std::array<char, std::size_t{16} << 10> buffer{};
    std::string error;
    try {
      for (;;) {
        const std::size_t n = co_await transport->read_some(asio::buffer(buffer));
        if (generation != generation_) co_return;
        parser_.feed(std::string_view(buffer.data(), n));
        while (auto reply = parser_.next()) {
          if (sent_.empty()) throw RespProtocolError("a reply nobody asked for");
          Pending pending = std::move(sent_.front());
          sent_.pop_front();
          backoff_ = target_->options.backoff_initial;
          pending.done(nullptr, std::move(*reply));
        }
      }
    } catch (const RespProtocolError& e) {
      error = std::string("protocol error from ") + address_ + ": " + e.what();
    } catch (const std::exception& e) {
      error = "connection to " + address_ + " lost: " + error_text(e);
    }
    if (generation != generation_) co_return;
    teardown(error, Retry::now);
  }

  void start_write() {
    if (writing_ || outbox_.empty() || state_ != State::ready) return;
    writing_ = true;
    asio::co_spawn(strand_, write_out(generation_, transport_), asio::detached);
  }

  asio::awaitable<void> write_out(std::uint64_t generation, std::shared_ptr<Transport> transport) {
    auto self = shared_from_this();
    std::string chunk;
    std::string error;
    try {
      while (generation == generation_ && !outbox_.empty()) {
        chunk.clear();
        chunk.swap(outbox_);
        co_await transport->write(asio::buffer(chunk));
      }
    } catch (const std::exception& e) {
      error = "writing to " + address_ + " failed: " + error_text(e);
    }
    if (generation != generation_) co_return;
    writing_ = false;
    if (!error.empty()) teardown(error, Retry::now);
  }

  // Fails whatever waits too long. A command sent without a reply in time means the
  // connection is stuck: it is closed, and the next call reconnects after the backoff.
  void arm_watchdog() {
    if (watchdog_armed_) return;
    std::optional<Clock::time_point> next;
    if (!queued_.empty()) next = queued_.front().deadline;
    if (!sent_.empty() && (!next || sent_.front().deadline < *next)) next = sent_.front().deadline;
    if (!next) return;
    watchdog_armed_ = true;
    watchdog_.expires_at(*next);
    watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->watchdog_armed_ = false;
      if (!ec) self->on_watchdog();
    });
  }

  void on_watchdog() {
    const auto now = Clock::now();
    const std::string waited = std::to_string(target_->options.command_timeout.count()) + " ms";
    while (!queued_.empty() && queued_.front().deadline <= now) {
      fail(queued_.front(), "no connection to " + address_ + " within " + waited);
      queued_.pop_front();
    }
    if (!sent_.empty() && sent_.front().deadline <= now) {
      teardown("no reply from " + address_ + " within " + waited, Retry::later);
    }
    arm_watchdog();
  }

  // Drops the connection and fails every waiting call with `error`.
  void teardown(const std::string& error, Retry retry) {
    ++generation_;
    state_ = State::disconnected;
    if (transport_) transport_->close();
    transport_.reset();
    resolver_.cancel();
    connect_timer_.cancel();
    writing_ = false;
    outbox_.clear();
    parser_.reset();
    last_error_ = error;
    if (retry == Retry::now) {
      retry_at_ = Clock::time_point::min();
    } else {
      back_off();
    }
    auto sent = std::move(sent_);
    auto queued = std::move(queued_);
    sent_.clear();
    queued_.clear();
    for (auto& pending : sent) fail(pending, error);
    for (auto& pending : queued) fail(pending, error);
  }

  bool pool_connected_since(Clock::time_point when) const {
    return target_->pool->last_connected.load(std::memory_order_relaxed) >
           when.time_since_epoch().count();
  }

  void back_off() {
    failed_at_ = Clock::now();
    retry_at_ = failed_at_ + backoff_;
    backoff_ = std::min(backoff_ * 2, target_->options.backoff_max);
  }

  Strand strand_;
  std::shared_ptr<const ConnectionTarget> target_;
  tcp::resolver resolver_;
  asio::steady_timer watchdog_;
  asio::steady_timer connect_timer_;
  std::chrono::milliseconds backoff_;
  const std::string address_;

  State state_ = State::disconnected;
  bool closed_ = false;
  bool writing_ = false;
  bool watchdog_armed_ = false;
  // Bumped whenever the socket is dropped, so that late completions of an older socket
  // (reads, writes, the connect timer) see that they are stale.
  std::uint64_t generation_ = 0;
  std::shared_ptr<Transport> transport_;
  RespParser parser_;
  std::deque<Pending> queued_;  // waiting for the connection to be ready
  std::deque<Pending> sent_;    // in the outbox or on the wire, in reply order
  std::string outbox_;
  Clock::time_point retry_at_ = Clock::time_point::min();
  Clock::time_point failed_at_ = Clock::time_point::min();
  std::string last_error_;
};

}  // namespace

std::shared_ptr<Connection> make_connection(const boost::asio::any_io_executor& executor,
                                            std::shared_ptr<const ConnectionTarget> target) {
  return std::make_shared<PipelinedConnection>(executor, std::move(target));
}

std::string endpoint_text(const RedisSettings& settings) {
  const bool v6 = settings.host.find(':') != std::string::npos;
  return (v6 ? "[" + settings.host + "]" : settings.host) + ":" + std::to_string(settings.port);
}

}  // namespace volkrin::redis
