// One webhook POST over HTTP/1.1 or HTTPS (Boost.Beast), one connection per request,
// everything (resolve, connect, TLS, write, the answer's head) under one deadline.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace decnet::intel::alerts {

struct WebhookUrl;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct PostResult {
    int status = 0;     // the HTTP status; 0 when no answer was read
    std::string error;  // why, when status is 0
};

// `tls` is used for https URLs (its verify mode decides whether the peer is checked; the
// host name is checked whenever it is). Only the status line and headers of the answer are
// read (16 KiB at most): a receiver's body is never needed.
boost::asio::awaitable<PostResult> post_webhook(boost::asio::any_io_executor executor,
                                                boost::asio::ssl::context* tls,
                                                const WebhookUrl& url, const Headers& headers,
                                                const std::string& body,
                                                std::chrono::steady_clock::time_point deadline);

}  // namespace decnet::intel::alerts
