// The downloader's network side (downloader.hpp): resolve, guard, connect, HTTP(S) GET with
// redirects, all under one deadline and the persona's size bound; then the events.
#include "honeypot/shell/downloader.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/session.hpp"
#include "honeypot/shell/download_ftp.hpp"
#include "honeypot/shell/download_tftp.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/fs_overlay.hpp"

// GCC 12 false positive (PR 109224), as in http.cpp: Asio's sized frame operator delete is
// reported as mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// wget's and curl's own default: more hops is a loop.
constexpr int kMaxRedirects = 5;
// Addresses of one name tried in turn (a name with hundreds of records gets no more).
constexpr std::size_t kMaxAddressesTried = 4;
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

FetchResult failed(FetchResult result, std::string reason,
                   DownloadStatus status = DownloadStatus::failed) {
    result.status = status;
    result.reason = std::move(reason);
    return result;
}

// The host's addresses, within the deadline (the resolver has no timeout of its own).
asio::awaitable<std::vector<tcp::endpoint>> resolve(asio::any_io_executor executor, const Url& url,
                                                    Clock::time_point deadline) {
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor, deadline);
    timer.async_wait([&resolver](boost::system::error_code ec) {
        if (!ec) resolver.cancel();
    });
    boost::system::error_code ec;
    auto results = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    std::vector<tcp::endpoint> endpoints;
    if (!ec)
        for (const auto& entry : results)
            if (endpoints.size() < 16) endpoints.push_back(entry.endpoint());
    co_return endpoints;
}

struct Connection {
    std::optional<beast::tcp_stream> stream;
    std::string reason;  // refused_address, connect_failed, timeout when no stream
};

// The first endpoint the guard lets through and that answers. Only resolved endpoints are
// connected to (never the name again), so a DNS answer cannot change between check and use.
asio::awaitable<Connection> connect_guarded(asio::any_io_executor executor,
                                            const std::vector<tcp::endpoint>& endpoints,
                                            std::span<const IpNetwork> allowed,
                                            Clock::time_point deadline, FetchHop& hop) {
    Connection connection{std::nullopt, "refused_address"};
    std::size_t tried = 0;
    for (const auto& endpoint : endpoints) {
        if (!may_connect(endpoint.address(), allowed)) continue;
        if (tried++ == kMaxAddressesTried) break;
        beast::tcp_stream stream(executor);
        stream.expires_at(deadline);
        boost::system::error_code ec;
        co_await stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            hop.connected = endpoint.address().to_string();
            connection.stream.emplace(std::move(stream));
            co_return connection;
        }
        connection.reason = ec == beast::error::timeout ? "timeout" : "connect_failed";
    }
    co_return connection;
}

struct Exchange {
    std::string reason;  // "" on a complete response
    http::response<http::string_body> response;
};

template <class Stream>
asio::awaitable<Exchange> get(Stream& stream, const FetchRequest& request, const Url& url,
                              std::size_t max_bytes) {
    Exchange exchange;
    http::request<http::empty_body> get{http::verb::get, url.path, 11};
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (url.port != (url.scheme == "https" ? 443 : 80)) host += ":" + std::to_string(url.port);
    get.set(http::field::host, host);
    get.set(http::field::user_agent, std::string(request.user_agent));
    get.set(http::field::accept, "*/*");
    get.set(http::field::connection, "close");
    boost::system::error_code ec;
    co_await http::async_write(stream, get, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        exchange.reason = ec == beast::error::timeout ? "timeout" : "protocol_error";
        co_return exchange;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(max_bytes);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    // Beast 1.74 compares an announced Content-Length with body_limit wrongly (only chunked
    // and read-to-close bodies are checked): refuse an oversized announcement here.
    // (Only once the header is complete: content_length() asserts that it is.)
    if (!ec && parser.is_header_done()) {
        const auto announced = parser.content_length();
        if (announced && *announced > max_bytes) ec = http::error::body_limit;
    }
    if (!ec)
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit)
        exchange.reason = "too_large";
    else if (ec == beast::error::timeout)
        exchange.reason = "timeout";
    else if (ec)
        exchange.reason = "protocol_error";
    else
        exchange.response = parser.release();
    co_return exchange;
}

// One GET over a connected stream, in TLS for https (no verification: a malware host's
// certificate is whatever it is; SNI so virtual hosts answer).
asio::awaitable<Exchange> exchange_on(beast::tcp_stream stream, const FetchRequest& request,
                                      const Url& url, std::size_t max_bytes) {
    if (url.scheme != "https") {
        auto exchange = co_await get(stream, request, url, max_bytes);
        co_return exchange;
    }
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.set_verify_mode(asio::ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), context);
    if (!url.host_is_address()) SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str());
    boost::system::error_code ec;
    co_await tls.async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        Exchange exchange;
        exchange.reason = ec == beast::error::timeout ? "timeout" : "tls_failed";
        co_return exchange;
    }
    auto exchange = co_await get(tls, request, url, max_bytes);
    co_return exchange;
}

// A tftp:// URL: the first address the guard accepts gets the read request.
asio::awaitable<FetchResult> fetch_tftp(asio::any_io_executor executor, FetchResult result,
                                        const std::vector<tcp::endpoint>& endpoints,
                                        std::span<const IpNetwork> allowed,
                                        const ShellSettings& settings, Clock::time_point deadline) {
    FetchHop& hop = result.hops.back();
    for (const auto& endpoint : endpoints) {
        if (!may_connect(endpoint.address(), allowed)) continue;
        hop.connected = endpoint.address().to_string();
        const asio::ip::udp::endpoint server(endpoint.address(), endpoint.port());
        auto outcome = co_await tftp_get(executor, server, hop.url.path.substr(1),
                                         settings.max_download_bytes, deadline);
        if (!outcome.reason.empty()) {
            hop.reason_phrase = outcome.error_message;
            hop.status = outcome.error_code;
            co_return failed(std::move(result), outcome.reason);
        }
        result.body = std::move(outcome.body);
        result.content_length = result.body.size();
        result.status = DownloadStatus::fetched;
        co_return result;
    }
    co_return failed(std::move(result), "refused_address", DownloadStatus::refused);
}

// An ftp:// URL over its guarded control connection.
asio::awaitable<FetchResult> fetch_ftp(beast::tcp_stream control, FetchResult result,
                                       const ShellSettings& settings, Clock::time_point deadline) {
    const Url& url = result.hops.back().url;
    const std::string user = url.user.empty() ? "anonymous" : url.user;
    const std::string password = url.user.empty() ? "anonymous@" : url.password;
    auto outcome = co_await ftp_get(std::move(control), user, password, url.path.substr(1),
                                    settings.max_download_bytes, deadline);
    if (!outcome.reason.empty()) {
        FetchHop& hop = result.hops.back();
        hop.reason_phrase = outcome.command + ": " + outcome.response;
        co_return failed(std::move(result), outcome.reason);
    }
    result.body = std::move(outcome.body);
    result.content_length = result.body.size();
    result.status = DownloadStatus::fetched;
    co_return result;
}

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

asio::awaitable<FetchResult> fetch(asio::any_io_executor executor, const FetchRequest& request,
                                   const ShellSettings& settings) {
    FetchResult result;
    FetchHop first;
    first.url = request.url;
    result.hops.push_back(std::move(first));
    if (settings.downloads == DownloadMode::record)
        co_return failed(std::move(result), "record_mode", DownloadStatus::recorded);
    std::vector<IpNetwork> allowed;
    for (const auto& text : settings.download_allow)
        if (auto network = parse_network(text)) allowed.push_back(*network);
    const auto deadline = Clock::now() + settings.download_timeout;
    for (int redirects = 0;; ++redirects) {
        FetchHop& hop = result.hops.back();
        const auto endpoints = co_await resolve(executor, hop.url, deadline);
        for (const auto& endpoint : endpoints)
            hop.addresses.push_back(endpoint.address().to_string());
        hop.resolved = !endpoints.empty();
        if (endpoints.empty()) co_return failed(std::move(result), "no_such_host");
        if (hop.url.scheme == "tftp") {
            auto done = co_await fetch_tftp(executor, std::move(result), endpoints, allowed,
                                            settings, deadline);
            co_return done;
        }
        auto connection = co_await connect_guarded(executor, endpoints, allowed, deadline, hop);
        if (!connection.stream) {
            const auto status = connection.reason == "refused_address" ? DownloadStatus::refused
                                                                       : DownloadStatus::failed;
            co_return failed(std::move(result), connection.reason, status);
        }
        if (hop.url.scheme == "ftp") {
            auto done = co_await fetch_ftp(std::move(*connection.stream), std::move(result),
                                           settings, deadline);
            co_return done;
        }
        auto exchange = co_await exchange_on(std::move(*connection.stream), request, hop.url,
                                             settings.max_download_bytes);
        if (!exchange.reason.empty()) co_return failed(std::move(result), exchange.reason);
        auto& response = exchange.response;
        hop.status = static_cast<int>(response.result_int());
        hop.reason_phrase = std::string(response.reason());
        if (is_redirect(hop.status)) {
            hop.location = std::string(response[http::field::location]);
            if (!request.follow_redirects) {
                result.body = std::move(response.body());
                co_return failed(std::move(result), "redirect_not_followed");
            }
            auto next = resolve_reference(hop.url, hop.location);
            if (!next) co_return failed(std::move(result), "bad_url");
            if (redirects == kMaxRedirects)
                co_return failed(std::move(result), "too_many_redirects");
            FetchHop following;
            following.url = std::move(*next);
            result.hops.push_back(std::move(following));
            continue;
        }
        result.content_type = std::string(response[http::field::content_type]);
        if (const auto length = response.payload_size()) result.content_length = *length;
        // An error page's body too: curl without -f prints it.
        result.body = std::move(response.body());
        if (hop.status != 200) co_return failed(std::move(result), "http_error");
        result.status = DownloadStatus::fetched;
        co_return result;
    }
}

bool record_download(ShellState& state, const FetchRequest& request, const FetchResult& result,
                     std::string_view save_path) {
    Session& session = state.session;
    const Url& url = request.url;
    auto event = session.event("download", Severity::warning);
    event.add("user", state.user)
        .add("url", url.text())
        .add("host", url.host)
        .add("port", url.port)
        .add("tool", request.tool)
        .add("status", to_string(result.status));
    if (!result.reason.empty()) event.add("reason", result.reason);
    if (result.status != DownloadStatus::fetched) {
        session.emit(std::move(event));
        return true;
    }
    const auto artifact = ArtifactCapture::whole(session.context().artifacts, result.body);
    event.add("size", artifact.size).add("sha256", artifact.sha256);
    session.emit(std::move(event));
    auto captured = session.event("file_captured", Severity::warning);
    const std::string_view name = save_path.empty() ? artifact_filename(url.path) : save_path;
    add_artifact_fields(captured, artifact, url.text(), artifact_filename(name));
    captured.add("transfer", request.tool);  // as ssh's uploads say scp or sftp
    session.emit(std::move(captured));
    if (save_path.empty()) return true;
    return state.fs.write(save_path, result.body, state.scope()) == FsError::ok;
}

std::span<const EventDecl> download_events() {
    static constexpr EventDecl kEvents[] = {
        {"download", "src_ip src_port user? url host port tool status reason? size? sha256?",
         "wget/curl/tftp/ftpget in the shell: fetched, recorded (persona downloads=record), "
         "refused (the SSRF guard) or failed"},
        {"file_captured",
         "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason? "
         "transfer",
         "bytes kept in the artifact store: a fetched download (transfer: the tool) or an ssh "
         "upload (transfer: scp or sftp)"},
    };
    return kEvents;
}

}  // namespace decnet::honeypot::shell
