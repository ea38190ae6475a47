// A bounded passive-mode FTP download (download_ftp.hpp).
#include "honeypot/shell/download_ftp.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <charconv>

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxReply = 8 * 1024;
constexpr int kMaxReplyLines = 64;

struct Reply {
    int code = 0;  // 0: the connection failed or the reply was malformed
    std::string line;
};

class Control {
  public:
    explicit Control(beast::tcp_stream stream) : stream_(std::move(stream)) {}

    // One reply, multi-line ones ("220-...", "220 ...") read to their last line.
    asio::awaitable<Reply> reply() {
        Reply r;
        for (int i = 0; i < kMaxReplyLines; ++i) {
            boost::system::error_code ec;
            const std::size_t n = co_await asio::async_read_until(
                stream_, asio::dynamic_buffer(buffer_, kMaxReply), "\n",
                asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return Reply{};
            std::string line = buffer_.substr(0, n);
            buffer_.erase(0, n);
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
            if (line.size() < 3) continue;
            int code = 0;
            const auto [end, error] = std::from_chars(line.data(), line.data() + 3, code);
            if (error != std::errc() || end != line.data() + 3) continue;
            if (line.size() == 3 || line[3] == ' ') {
                r.code = code;
                r.line = std::move(line);
                co_return r;
            }
        }
        co_return Reply{};
    }

    asio::awaitable<Reply> command(const std::string& text) {
        boost::system::error_code ec;
        const std::string wire = text + "\r\n";
        co_await asio::async_write(stream_, asio::buffer(wire),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return Reply{};
        auto answer = co_await reply();
        co_return answer;
    }

    beast::tcp_stream& stream() { return stream_; }

  private:
    beast::tcp_stream stream_;
    std::string buffer_;
};

// The port of "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)."; 0 when malformed.
std::uint16_t pasv_port(const std::string& line) {
    const auto open = line.find('(');
    const auto close = line.find(')', open);
    if (open == std::string::npos || close == std::string::npos) return 0;
    int numbers[6] = {};
    const char* at = line.data() + open + 1;
    const char* end = line.data() + close;
    for (int i = 0; i < 6; ++i) {
        const auto [next, ec] = std::from_chars(at, end, numbers[i]);
        if (ec != std::errc() || numbers[i] < 0 || numbers[i] > 255) return 0;
        at = next + (i < 5 ? 1 : 0);
    }
    return static_cast<std::uint16_t>(numbers[4] * 256 + numbers[5]);
}

FtpOutcome refused(const std::string& command, const Reply& reply) {
    FtpOutcome outcome;
    outcome.reason = reply.code == 0     ? "protocol_error"
                     : reply.code == 550 ? "not_found"
                                         : "protocol_error";
    outcome.command = command;
    outcome.response = reply.line;
    return outcome;
}

}  // namespace

asio::awaitable<FtpOutcome> ftp_get(beast::tcp_stream stream, const std::string& user,
                                    const std::string& password, const std::string& path,
                                    std::size_t max_bytes, Clock::time_point deadline) {
    stream.expires_at(deadline);
    boost::system::error_code unused;
    const auto server = stream.socket().remote_endpoint(unused).address();
    Control control(std::move(stream));
    auto reply = co_await control.reply();
    if (reply.code != 220) co_return refused("connect", reply);
    reply = co_await control.command("USER " + user);
    if (reply.code == 331) reply = co_await control.command("PASS " + password);
    if (reply.code != 230)
        co_return refused(reply.line.starts_with("331") ? "USER" : "PASS", reply);
    reply = co_await control.command("TYPE I");
    if (reply.code != 200) co_return refused("TYPE", reply);
    reply = co_await control.command("PASV");
    const std::uint16_t port = reply.code == 227 ? pasv_port(reply.line) : 0;
    if (port == 0) co_return refused("PASV", reply);
    beast::tcp_stream data(control.stream().get_executor());
    data.expires_at(deadline);
    boost::system::error_code ec;
    co_await data.async_connect(asio::ip::tcp::endpoint(server, port),
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return refused("PASV", Reply{});
    reply = co_await control.command("RETR " + path);
    if (reply.code != 150 && reply.code != 125) co_return refused("RETR", reply);
    FtpOutcome outcome;
    std::string chunk(16 * 1024, '\0');
    for (;;) {  // ends at EOF, the size bound or the deadline (the stream's expiry)
        const std::size_t n = co_await data.async_read_some(
            asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        if (outcome.body.size() + n > max_bytes) {
            outcome.reason = "too_large";
            co_return outcome;
        }
        outcome.body.append(chunk, 0, n);
        if (ec == asio::error::eof) break;
        if (ec) {
            outcome.reason = ec == beast::error::timeout ? "timeout" : "protocol_error";
            co_return outcome;
        }
    }
    reply = co_await control.reply();
    if (reply.code != 226 && reply.code != 250) co_return refused("RETR", reply);
    co_await control.command("QUIT");
    co_return outcome;
}

}  // namespace decnet::honeypot::shell
