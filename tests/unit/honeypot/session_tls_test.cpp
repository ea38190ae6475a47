// Session::start_tls on a real loopback connection: an SMTP-like dialogue upgraded with
// STARTTLS and checked with the real `openssl s_client -starttls smtp` (the certificate is
// the decky's, the EHLO after the handshake arrives over TLS, local_ip() still works);
// commands pipelined behind STARTTLS are discarded; a silent client times out and a
// connect-and-close is no TLS error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdio>
#include <functional>
#include <future>
#include <thread>

#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using ::testing::HasSubstr;

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

// One accepted connection on 127.0.0.1 served by `script` on its own thread.
class OneConnectionServer {
  public:
    using Script = std::function<asio::awaitable<void>(Session&)>;

    OneConnectionServer(Script script, SessionLimits limits = {})
        : limits_(limits), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        DeckyConfig decky;
        decky.name = "mail-1";
        decky.hostname = "mail01";
        decky.ip = "127.0.0.1";
        world_ = make_decky_world(decky, "");
        context_.decky = "mail-1";
        context_.hostname = "mail01";
        context_.service = "smtp";
        context_.log_name = "smtp";
        context_.world = world_.get();
        asio::co_spawn(io_, serve(std::move(script)), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~OneConnectionServer() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    // Waits (≤ 30 s) for the script to end.
    bool finished() {
        return done_.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    }

  private:
    asio::awaitable<void> serve(Script script) {
        tcp::endpoint peer;
        auto socket = co_await acceptor_.async_accept(peer, asio::use_awaitable);
        {
            Session session(std::move(socket), peer, context_, limits_);
            co_await script(session);
            session.close();
        }
        done_.set_value();
    }

    SessionLimits limits_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::shared_ptr<const DeckyWorld> world_;
    ServiceContext context_;
    std::promise<void> done_;
    std::thread thread_;
};

TEST(SessionTls, StartTlsSmtpCheckedWithOpensslClient) {
    std::vector<std::string> plain, secure;
    bool upgraded = false, tls_now = false;
    std::string local_ip, version;
    OneConnectionServer server([&](Session& s) -> asio::awaitable<void> {
        co_await s.write("220 mail01 ESMTP Postfix (Debian/GNU)\r\n");
        for (int i = 0; i < 10; ++i) {
            auto line = co_await s.read_line();
            if (!line) co_return;
            plain.push_back(*line);
            if (line->starts_with("EHLO")) {
                co_await s.write(
                    "250-mail01\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
            } else if (*line == "STARTTLS") {
                co_await s.write("220 2.0.0 Ready to start TLS\r\n");
                upgraded = co_await s.start_tls();
                break;
            }
        }
        if (!upgraded) co_return;
        tls_now = s.tls_active();
        local_ip = s.local_ip();
        version = s.tls_version();
        for (int i = 0; i < 10; ++i) {
            auto line = co_await s.read_line();
            if (!line) co_return;
            secure.push_back(*line);
            if (line->starts_with("EHLO")) {
                co_await s.write("250-mail01\r\n250 AUTH PLAIN LOGIN\r\n");
            } else if (*line == "QUIT") {
                co_await s.write("221 2.0.0 Bye\r\n");
                co_return;
            }
        }
    });
    const auto out =
        run("printf 'EHLO after-tls.example\\nQUIT\\n' | timeout 20 openssl s_client "
            "-starttls smtp -crlf -ign_eof -connect 127.0.0.1:" +
            std::to_string(server.port()) + " 2>&1");
    ASSERT_TRUE(server.finished()) << out;
    EXPECT_THAT(out, HasSubstr("subject=CN = mail01"));
    EXPECT_THAT(out, HasSubstr("250 AUTH PLAIN LOGIN"));
    EXPECT_THAT(out, HasSubstr("221 2.0.0 Bye"));
    EXPECT_TRUE(upgraded);
    EXPECT_TRUE(tls_now);
    EXPECT_EQ(local_ip, "127.0.0.1");
    EXPECT_THAT(version, HasSubstr("TLSv1."));
    ASSERT_FALSE(plain.empty());
    EXPECT_EQ(plain.back(), "STARTTLS");
    ASSERT_EQ(secure.size(), 2u) << out;
    EXPECT_EQ(secure[0], "EHLO after-tls.example");
    EXPECT_EQ(secure[1], "QUIT");
}

TEST(SessionTls, CommandsPipelinedBehindStartTlsAreDiscarded) {
    std::optional<std::string> first_secure;
    std::size_t discarded = 0;
    OneConnectionServer server([&](Session& s) -> asio::awaitable<void> {
        co_await s.write("220 ready\r\n");
        const auto line = co_await s.read_line();
        if (line != "STARTTLS") co_return;
        co_await s.write("220 go ahead\r\n");
        const bool started = co_await s.start_tls();
        if (!started) co_return;
        discarded = s.discarded_before_tls();
        first_secure = co_await s.read_line();
        co_await s.write("250 ok\r\n");
    });

    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    asio::streambuf in;
    asio::read_until(socket, in, "\r\n");
    in.consume(in.size());
    // One segment: the injected command arrives with STARTTLS (CVE-2011-0411).
    asio::write(socket, asio::buffer(std::string("STARTTLS\r\nRSET injected\r\n")));
    const auto n = asio::read_until(socket, in, "\r\n");
    EXPECT_EQ(std::string(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n),
              "220 go ahead\r\n");
    ssl::context client(ssl::context::tls_client);
    ssl::stream<tcp::socket&> tls(socket, client);
    tls.handshake(ssl::stream_base::client);
    asio::write(tls, asio::buffer(std::string("EHLO x\r\n")));
    asio::streambuf reply;
    boost::system::error_code ec;
    asio::read_until(tls, reply, "\r\n", ec);
    EXPECT_FALSE(ec) << ec.message();
    ASSERT_TRUE(server.finished());
    EXPECT_EQ(first_secure, "EHLO x");
    EXPECT_EQ(discarded, std::string("RSET injected\r\n").size());
}

TEST(SessionTls, SilentClientTimesOutAndClosingClientIsNoError) {
    SessionLimits limits;
    limits.idle_timeout = std::chrono::seconds(1);
    bool started = true;
    std::string error, reason;
    {
        OneConnectionServer server(
            [&](Session& s) -> asio::awaitable<void> {
                started = co_await s.start_tls();
                error = s.tls_error();
                reason = s.close_reason();
            },
            limits);
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        ASSERT_TRUE(server.finished());
    }
    EXPECT_FALSE(started);
    EXPECT_EQ(error, "handshake timed out");
    EXPECT_EQ(reason, "tls_handshake_timeout");

    OneConnectionServer server([&](Session& s) -> asio::awaitable<void> {
        started = co_await s.start_tls();
        error = s.tls_error();
        reason = s.close_reason();
    });
    {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    }
    ASSERT_TRUE(server.finished());
    EXPECT_FALSE(started);
    EXPECT_EQ(error, "");
    EXPECT_EQ(reason, "peer_closed");

    // Plain text on a TLS port is a TLS error with OpenSSL's reason.
    OneConnectionServer http([&](Session& s) -> asio::awaitable<void> {
        started = co_await s.start_tls();
        error = s.tls_error();
    });
    {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), http.port()));
        asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        ASSERT_TRUE(http.finished());
    }
    EXPECT_FALSE(started);
    EXPECT_THAT(error, HasSubstr("http request"));
}

}  // namespace
}  // namespace decnet::honeypot
