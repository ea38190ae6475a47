// Downloader: what wget, curl, tftp and ftpget do behind their output. It parses the URL
// (bounded), and in `fetch` mode resolves the host and connects only to addresses the SSRF
// guard lets through (never loopback, link-local, private, multicast, unspecified or this
// machine's own addresses unless the persona's download_allow names them), re-checking
// every redirect; in `record` mode it never resolves or connects. The commands format the
// tool's own text from the FetchResult; record_download() emits the events and puts the
// file in the session's overlay and the artifact store.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {
struct EventDecl;
}

namespace decnet::honeypot::shell {

struct ShellSettings;
struct ShellState;

// Longest URL a tool accepts here (real ones take more; droppers never need it).
constexpr std::size_t kMaxUrlLength = 4096;

struct Url {
    std::string scheme;  // http, https, ftp, tftp (lower case)
    std::string host;    // name or address, without IPv6 brackets
    std::uint16_t port = 0;
    std::string path = "/";  // with the query, never empty
    std::string user, password;
    std::string text() const;  // normalised: scheme://host[:port]/path
    bool host_is_address() const;
};

// `text` as a tool reads it: a missing scheme means `default_scheme` (wget and curl
// assume http). nullopt when it is no URL of a supported scheme, or too long.
std::optional<Url> parse_url(std::string_view text, std::string_view default_scheme = "http");
// `location` (a redirect's Location) against the URL that answered.
std::optional<Url> resolve_reference(const Url& base, std::string_view location);

struct IpNetwork {
    boost::asio::ip::address network;
    int prefix = 0;
    bool contains(const boost::asio::ip::address& address) const;
};
// "10.0.0.0/8", "fd00::/8", or a bare address (/32, /128); nullopt when malformed.
std::optional<IpNetwork> parse_network(std::string_view text);

// The SSRF guard: whether a `fetch` may connect to `address` — a public unicast address
// that is not this machine's, or one inside an allowed network.
bool may_connect(const boost::asio::ip::address& address, std::span<const IpNetwork> allowed);
// Special-purpose addresses the guard refuses by default (loopback, link-local, RFC 1918,
// CGNAT, ULA, multicast, unspecified, broadcast, documentation, mapped forms of those).
bool is_internal_address(const boost::asio::ip::address& address);

enum class DownloadStatus { fetched, recorded, refused, failed };
std::string_view to_string(DownloadStatus status);

// One request of a fetch (the first, then each redirect).
struct FetchHop {
    Url url;
    std::vector<std::string> addresses;  // what the host resolved to ([] for an address)
    bool resolved = false;               // the name (or address) gave addresses
    std::string connected;               // the address connected to; "" when none
    int status = 0;                      // HTTP status, 0 when none
    std::string reason_phrase;           // "OK"
    std::string location;                // a redirect's target
};

struct FetchResult {
    DownloadStatus status = DownloadStatus::recorded;
    // Why not fetched: record_mode, bad_url, unsupported_scheme, no_such_host,
    // refused_address, connect_failed, timeout, tls_failed, protocol_error, http_error,
    // too_large, too_many_redirects, redirect_not_followed (its body is kept).
    std::string reason;
    std::vector<FetchHop> hops;  // at least one once the URL parsed
    std::string body;            // when fetched (≤ max_download_bytes)
    std::string content_type;
    std::optional<std::uint64_t> content_length;  // what the server announced
};

// What a tool asks for: the URL, its own name and User-Agent.
struct FetchRequest {
    Url url;
    std::string_view tool;         // wget, curl, tftp, ftpget
    std::string_view user_agent;   // HTTP only
    bool follow_redirects = true;  // curl only with -L
};

// Record or fetch `request` under `settings` (download mode, allow list, size and time).
// Never throws for network trouble: that is a failed result.
boost::asio::awaitable<FetchResult> fetch(boost::asio::any_io_executor executor,
                                          const FetchRequest& request,
                                          const ShellSettings& settings);

// After a tool ran: the `download` event, and when fetched the artifact (`file_captured`)
// and the file at `save_path` in the session overlay ("" when the body goes to stdout).
// False when the overlay refused the file (disk full for the session).
bool record_download(ShellState& state, const FetchRequest& request, const FetchResult& result,
                     std::string_view save_path);

// The events record_download emits (download, file_captured): ssh and telnet add them to
// their declarations.
std::span<const EventDecl> download_events();

}  // namespace decnet::honeypot::shell
