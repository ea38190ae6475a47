// The downloader's FTP client: login, binary mode, passive RETR of one file, bounded. The
// data connection goes to the control connection's address whatever PASV says (as curl's
// --ftp-skip-pasv-ip): a server cannot point the honeypot at another host.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <string>

namespace decnet::honeypot::shell {

struct FtpOutcome {
    std::string reason;  // "" when the file arrived; timeout, too_large, protocol_error, not_found
    std::string body;
    std::string command;   // the command the server refused (USER, PASS, RETR, ...)
    std::string response;  // its reply line ("550 Failed to open file.")
};

// Over an already connected (and guarded) control connection.
boost::asio::awaitable<FtpOutcome> ftp_get(boost::beast::tcp_stream control,
                                           const std::string& user, const std::string& password,
                                           const std::string& path, std::size_t max_bytes,
                                           std::chrono::steady_clock::time_point deadline);

}  // namespace decnet::honeypot::shell
