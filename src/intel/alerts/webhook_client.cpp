// The webhook POST: resolve (cancelled at the deadline), connect, optional TLS with SNI and
// host name verification, write the request, read the answer's head.
#include "intel/alerts/webhook_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "intel/alerts/alert_settings.hpp"

// GCC 12 false positive (PR 109224), as in the shell's downloader: Asio's sized frame
// operator delete is reported as mismatched in coroutines awaiting several sub-coroutines.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::intel::alerts {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxEndpoints = 4;

std::string describe(const boost::system::error_code& ec, const char* step) {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
        return std::string(step) + ": timed out";
    return std::string(step) + ": " + ec.message();
}

asio::awaitable<std::vector<tcp::endpoint>> resolve(asio::any_io_executor executor,
                                                    const WebhookUrl& url,
                                                    Clock::time_point deadline,
                                                    boost::system::error_code& ec) {
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor, deadline);
    timer.async_wait([&resolver](boost::system::error_code waited) {
        if (!waited) resolver.cancel();
    });
    auto results = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    std::vector<tcp::endpoint> endpoints;
    if (!ec)
        for (const auto& entry : results)
            if (endpoints.size() < kMaxEndpoints) endpoints.push_back(entry.endpoint());
    co_return endpoints;
}

template <class Stream>
asio::awaitable<PostResult> exchange(Stream& stream, const WebhookUrl& url, const Headers& headers,
                                     const std::string& body) {
    PostResult result;
    http::request<http::string_body> request{http::verb::post, url.target, 11};
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (url.port != (url.tls ? 443 : 80)) host += ":" + std::to_string(url.port);
    request.set(http::field::host, host);
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    boost::system::error_code ec;
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.error = describe(ec, "send");
        co_return result;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.error = describe(ec, "answer");
        co_return result;
    }
    result.status = static_cast<int>(parser.get().result_int());
    co_return result;
}

bool is_address(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

asio::awaitable<PostResult> post_webhook(asio::any_io_executor executor, asio::ssl::context* tls,
                                         const WebhookUrl& url, const Headers& headers,
                                         const std::string& body, Clock::time_point deadline) {
    PostResult result;
    boost::system::error_code ec;
    const auto endpoints = co_await resolve(executor, url, deadline, ec);
    if (endpoints.empty()) {
        result.error = ec ? describe(ec, "resolve") : "resolve: no address";
        co_return result;
    }
    beast::tcp_stream stream(executor);
    stream.expires_at(deadline);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.error = describe(ec, "connect");
        co_return result;
    }
    if (!url.tls) {
        result = co_await exchange(stream, url, headers, body);
        co_return result;
    }
    if (tls == nullptr) {
        result.error = "tls: no TLS context";
        co_return result;
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
    if (!is_address(url.host)) SSL_set_tlsext_host_name(secure.native_handle(), url.host.c_str());
    if ((SSL_get_verify_mode(secure.native_handle()) & SSL_VERIFY_PEER) != 0)
        secure.set_verify_callback(asio::ssl::host_name_verification(url.host));
    co_await secure.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.error = describe(ec, "tls");
        co_return result;
    }
    result = co_await exchange(secure, url, headers, body);
    co_return result;
}

}  // namespace decnet::intel::alerts
