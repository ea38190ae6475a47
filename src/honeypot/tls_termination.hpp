// TLS in front of an emulator (http on 443): the runtime completes the handshake, then
// hands the emulator the plaintext side of a socket pair while a relay coroutine pumps
// bytes between it and the TLS stream. Emulators stay plain-text scripts and never know.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"

namespace boost::asio::ssl {
class context;
}

namespace decnet::honeypot {

// The server identity of one decky's TLS port: the persona's `tls_cert`/`tls_key` PEM files
// when both load, else a self-signed RSA-2048 certificate (10 years, subject = issuer =
// CN=<tls_cn, else the decky's hostname>) generated on first use and kept for the life of
// the process, so a decky shows the same certificate across mutations. TLS 1.2–1.3.
std::shared_ptr<boost::asio::ssl::context> tls_server_context(const std::string& decky,
                                                              const std::string& hostname,
                                                              const PersonaConfig& persona);

struct TlsAccepted {
    std::optional<boost::asio::ip::tcp::socket> plain;  // the emulator's side; nullopt: failed
    std::string error;                                  // why the handshake failed
    bool silent = false;  // the peer closed before saying anything (a connect scan)
    std::string version;  // "TLSv1.3"
    // On failure the raw connection comes back, so the caller can still report it.
    std::optional<boost::asio::ip::tcp::socket> raw;
};

// Handshakes on `socket` within `timeout`, then starts the relay on the socket's executor.
boost::asio::awaitable<TlsAccepted> accept_tls(boost::asio::ip::tcp::socket socket,
                                               std::shared_ptr<boost::asio::ssl::context> context,
                                               std::chrono::steady_clock::duration timeout);

}  // namespace decnet::honeypot
