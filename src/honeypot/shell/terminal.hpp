// Terminal: what a transport gives a shell — the bytes the user types and a way to show
// output. The ssh channel and telnet's option layer (IAC stripped) both implement it, so the
// shell never knows which protocol carries it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::shell {

class Terminal {
  public:
    virtual ~Terminal() = default;
    // The next bytes the user sent, raw (keys, escape sequences, ^C as 0x03); nullopt when
    // the transport is gone or reached end of input (ssh EOF on an exec channel).
    virtual boost::asio::awaitable<std::optional<std::string>> read() = 0;
    // Bytes to the user exactly as given (the shell already turned "\n" into "\r\n" on a
    // pty); false when the transport is gone.
    virtual boost::asio::awaitable<bool> write(std::string_view bytes) = 0;
    // The window size changed (ssh window-change, telnet NAWS): the shell reads it here.
    int cols = 80;
    int rows = 24;
};

}  // namespace decnet::honeypot::shell
