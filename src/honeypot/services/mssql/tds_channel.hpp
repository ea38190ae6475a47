// TdsChannel: TDS messages over a Session, and TLS inside TDS as SQL Server does it: the
// handshake's records travel in PRELOGIN packets, then the records go bare on the connection
// (for the whole session, or only for the LOGIN7 when client and server agreed on
// ENCRYPT_OFF). The decky's certificate (or the service's own) is the one start_tls would
// use; TLS 1.2 at most, as SQL Server before 2022 offers over TDS 7.x.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace decnet::honeypot {

class Session;

namespace tds {

struct Request {
    std::uint8_t type = 0;
    std::string payload;  // the packets' data, reassembled up to EOM
};

class TdsChannel {
  public:
    explicit TdsChannel(Session& session);
    ~TdsChannel();
    TdsChannel(const TdsChannel&) = delete;
    TdsChannel& operator=(const TdsChannel&) = delete;

    // The next message (packets up to the one marked EOM), at most `max_size` bytes of data;
    // nullopt when the peer is gone or lied (error() then says what was wrong; "" when the
    // peer just left).
    boost::asio::awaitable<std::optional<Request>> read(std::size_t max_size);
    // A message as packets of the negotiated size.
    boost::asio::awaitable<bool> send(std::uint8_t type, std::string_view payload);

    // The server side of the TLS handshake, its records wrapped in PRELOGIN packets. False
    // when it failed (error() says why; "" when the peer just left).
    boost::asio::awaitable<bool> start_tls();
    // A client that skipped the handshake and sent its LOGIN7 in clear (a bot that ignored the
    // server's ENCRYPT_OFF): that message, once start_tls() has returned false over it.
    std::optional<Request> take_plain_login() { return std::exchange(plain_login_, {}); }
    // Back to plain TDS (login-only encryption); the TLS session is dropped without a word.
    void stop_tls();
    bool tls() const { return tls_ != nullptr; }
    std::string tls_version() const;

    const std::string& error() const { return error_; }
    std::size_t packet_size = 4096;
    std::uint16_t spid = 0;

  private:
    struct Tls;
    boost::asio::awaitable<std::optional<std::string>> read_exact(std::size_t n);
    boost::asio::awaitable<bool> write(std::string_view bytes);

    Session& session_;
    std::unique_ptr<Tls> tls_;
    std::string plain_;  // decrypted bytes not read yet
    std::optional<Request> plain_login_;
    std::string error_;
};

}  // namespace tds
}  // namespace decnet::honeypot
