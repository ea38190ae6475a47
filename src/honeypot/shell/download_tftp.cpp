// A bounded TFTP read (download_tftp.hpp): RRQ, then DATA/ACK in lock step with the
// server's transfer port. Every packet waits at most a second and is resent at most 5
// times; the whole transfer ends at the deadline or at max_bytes.
#include "honeypot/shell/download_tftp.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBlock = 512;
constexpr int kTries = 5;
constexpr auto kPacketWait = std::chrono::seconds(1);

std::string packet(std::uint16_t opcode, std::string_view rest) {
    std::string p;
    p += static_cast<char>(opcode >> 8);
    p += static_cast<char>(opcode & 0xff);
    return p + std::string(rest);
}

std::string ack(std::uint16_t block) {
    return packet(4, std::string{static_cast<char>(block >> 8), static_cast<char>(block & 0xff)});
}

std::uint16_t u16(const char* at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(at[0]) << 8 |
                                      static_cast<unsigned char>(at[1]));
}

// One datagram from the server's address (any port until the transfer port is known),
// within `wait`; 0 bytes on timeout.
asio::awaitable<std::size_t> receive(udp::socket& socket, char* buffer, std::size_t size,
                                     udp::endpoint& from, Clock::time_point until) {
    asio::steady_timer timer(socket.get_executor(), until);
    timer.async_wait([&socket](boost::system::error_code ec) {
        if (!ec) socket.cancel();
    });
    boost::system::error_code ec;
    const std::size_t n = co_await socket.async_receive_from(
        asio::buffer(buffer, size), from, asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    co_return ec ? 0 : n;
}

}  // namespace

asio::awaitable<TftpOutcome> tftp_get(asio::any_io_executor executor, const udp::endpoint& server,
                                      const std::string& file, std::size_t max_bytes,
                                      Clock::time_point deadline) {
    TftpOutcome outcome;
    udp::socket socket(executor, server.protocol());
    boost::system::error_code ec;
    std::string request = packet(1, file);
    request += '\0';
    request += "octet";
    request += '\0';
    std::string last_sent = request;
    udp::endpoint peer = server;  // the transfer port replaces the server's after DATA 1
    std::uint16_t expected = 1;
    char buffer[4 + kBlock + 16];
    // At most max_bytes / 512 + 1 blocks, each resent at most kTries times.
    const std::size_t max_blocks = max_bytes / kBlock + 2;
    for (std::size_t round = 0; round < max_blocks * kTries; ++round) {
        co_await socket.async_send_to(asio::buffer(last_sent), peer,
                                      asio::redirect_error(asio::use_awaitable, ec));
        bool progressed = false;
        for (int attempt = 0; attempt < kTries && !progressed; ++attempt) {
            const auto until = std::min(deadline, Clock::now() + kPacketWait);
            udp::endpoint from;
            const std::size_t n = co_await receive(socket, buffer, sizeof buffer, from, until);
            if (Clock::now() >= deadline) {
                outcome.reason = "timeout";
                co_return outcome;
            }
            if (n == 0) {  // lost: send the last packet again
                co_await socket.async_send_to(asio::buffer(last_sent), peer,
                                              asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            // Only the guarded address may answer (a spoofed datagram is ignored).
            if (from.address() != server.address() || n < 4) continue;
            if (expected > 1 && from.port() != peer.port()) continue;
            const auto opcode = u16(buffer);
            if (opcode == 5) {
                outcome.reason = "not_found";
                outcome.error_code = u16(buffer + 2);
                outcome.error_message.assign(buffer + 4, strnlen(buffer + 4, n - 4));
                co_return outcome;
            }
            if (opcode != 3 || u16(buffer + 2) != expected) continue;
            peer = from;
            const std::size_t data = n - 4;
            if (outcome.body.size() + data > max_bytes) {
                outcome.reason = "too_large";
                co_return outcome;
            }
            outcome.body.append(buffer + 4, data);
            last_sent = ack(expected);
            if (data < kBlock) {
                co_await socket.async_send_to(asio::buffer(last_sent), peer,
                                              asio::redirect_error(asio::use_awaitable, ec));
                co_return outcome;
            }
            ++expected;
            progressed = true;
        }
        if (!progressed) {
            outcome.reason = "timeout";
            co_return outcome;
        }
    }
    outcome.reason = "too_large";
    co_return outcome;
}

}  // namespace decnet::honeypot::shell
