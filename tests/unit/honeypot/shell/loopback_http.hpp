// A tiny HTTP(S) server on 127.0.0.1 for the downloader's tests: canned answers by path,
// every accepted connection counted (record mode and refused addresses must make none). It
// runs on its own thread and stops at destruction; each connection is one bounded request.
// The answer kHang never comes (a timeout test); with TLS the client's SNI is kept.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "honeypot/world/certificates.hpp"

namespace decnet::testing {

class LoopbackHttp {
  public:
    // path → full response bytes (status line, headers, body); others get a 404.
    static constexpr const char* kHang = "<hang>";

    explicit LoopbackHttp(std::map<std::string, std::string> answers, bool tls = false)
        : answers_(std::move(answers)),
          acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        if (tls) {
            // A P-256 certificate made in memory: quick, and nothing is verified anyway.
            honeypot::CertificateProfile profile;
            profile.common_name = "localhost";
            profile.key = honeypot::KeyType::ecdsa_p256;
            const auto pem = honeypot::load_or_make_certificate(profile, "", "", "");
            tls_ =
                std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
            tls_->use_certificate_chain(boost::asio::buffer(pem.certificate));
            tls_->use_private_key(boost::asio::buffer(pem.key), boost::asio::ssl::context::pem);
        }
        boost::asio::co_spawn(io_, serve(), boost::asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~LoopbackHttp() {
        io_.stop();
        thread_.join();
    }
    LoopbackHttp(const LoopbackHttp&) = delete;
    LoopbackHttp& operator=(const LoopbackHttp&) = delete;

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port()) + path;
    }
    int connections() const { return connections_.load(); }
    std::string last_request() const {
        std::lock_guard lock(mutex_);
        return last_request_;
    }
    std::string last_sni() const {
        std::lock_guard lock(mutex_);
        return last_sni_;
    }

    static std::string ok(const std::string& body, const std::string& type = "text/plain") {
        return "HTTP/1.1 200 OK\r\nContent-Type: " + type +
               "\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\nConnection: close\r\n\r\n" + body;
    }
    static std::string redirect(const std::string& location) {
        return "HTTP/1.1 302 Found\r\nLocation: " + location +
               "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }

  private:
    boost::asio::awaitable<void> serve() {
        for (int i = 0; i < 1000; ++i) {  // bounded: a test makes a handful
            boost::system::error_code ec;
            auto socket = co_await acceptor_.async_accept(
                boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec) co_return;
            ++connections_;
            boost::asio::co_spawn(io_, start(std::move(socket)), boost::asio::detached);
        }
    }

    boost::asio::awaitable<void> start(boost::asio::ip::tcp::socket socket) {
        if (!tls_) {
            co_await answer(socket);
            co_return;
        }
        boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), *tls_);
        boost::system::error_code ec;
        co_await stream.async_handshake(
            boost::asio::ssl::stream_base::server,
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (ec) co_return;
        {
            const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
            std::lock_guard lock(mutex_);
            last_sni_ = sni ? sni : "";
        }
        co_await answer(stream);
    }

    template <class Stream>
    boost::asio::awaitable<void> answer(Stream& socket) {
        boost::asio::streambuf buffer(16 * 1024);
        boost::system::error_code ec;
        co_await boost::asio::async_read_until(
            socket, buffer, "\r\n\r\n",
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (ec) co_return;
        std::string request(boost::asio::buffers_begin(buffer.data()),
                            boost::asio::buffers_end(buffer.data()));
        {
            std::lock_guard lock(mutex_);
            last_request_ = request;
        }
        const auto start = request.find(' ') + 1;
        const std::string path = request.substr(start, request.find(' ', start) - start);
        const auto found = answers_.find(path);
        const std::string response =
            found != answers_.end()
                ? found->second
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (response == kHang) {  // keep the connection, say nothing (ends with the server)
            boost::asio::steady_timer wait(io_, std::chrono::seconds(30));
            co_await wait.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            co_return;
        }
        co_await boost::asio::async_write(
            socket, boost::asio::buffer(response),
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

    std::map<std::string, std::string> answers_;
    boost::asio::io_context io_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::string last_request_;
    std::string last_sni_;
};

}  // namespace decnet::testing
