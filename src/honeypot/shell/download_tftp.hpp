// The downloader's TFTP client (RFC 1350 read request, octet mode): used by fetch() for
// tftp:// URLs once the SSRF guard accepted the server's address.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <string>

namespace decnet::honeypot::shell {

struct TftpOutcome {
    std::string reason;  // "" when the file arrived; timeout, too_large, protocol_error, not_found
    std::string body;
    int error_code = -1;        // the server's ERROR packet, when it sent one
    std::string error_message;  // its text
};

boost::asio::awaitable<TftpOutcome> tftp_get(boost::asio::any_io_executor executor,
                                             const boost::asio::ip::udp::endpoint& server,
                                             const std::string& file, std::size_t max_bytes,
                                             std::chrono::steady_clock::time_point deadline);

}  // namespace decnet::honeypot::shell
