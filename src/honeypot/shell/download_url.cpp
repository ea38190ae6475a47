// The downloader's pure parts (downloader.hpp): URLs as wget and curl read them, CIDR
// networks, and the SSRF guard's address classes.
#include <ifaddrs.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <memory>

#include "core/text.hpp"
#include "honeypot/shell/downloader.hpp"

namespace decnet::honeypot::shell {
namespace {

namespace ip = boost::asio::ip;

std::uint16_t default_port(std::string_view scheme) {
    if (scheme == "https") return 443;
    if (scheme == "ftp") return 21;
    if (scheme == "tftp") return 69;
    return 80;
}

// A DNS name or an IPv4 literal: letters, digits, '-', '.', '_' (some droppers' hosts
// have them), at most 253 characters.
bool valid_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// The path as a client sends it: the fragment dropped, spaces escaped; control bytes make
// the URL invalid (no tool puts them on the wire).
std::optional<std::string> clean_path(std::string_view path) {
    if (const auto hash = path.find('#'); hash != std::string_view::npos)
        path = path.substr(0, hash);
    std::string out;
    if (path.empty() || path.front() != '/') out += '/';
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return std::nullopt;
        if (c == ' ')
            out += "%20";
        else
            out += c;
    }
    return out;
}

bool in_v4(std::uint32_t address, std::uint32_t network, int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (address & mask) == (network & mask);
}

bool internal_v4(const ip::address_v4& address) {
    struct Block {
        std::uint32_t network;
        int prefix;
    };
    // IANA special-purpose IPv4 registry: what is not the public internet.
    static constexpr std::array<Block, 14> kBlocks{{
        {0x00000000, 8},   // "this network", 0.0.0.0
        {0x0a000000, 8},   // RFC 1918
        {0x64400000, 10},  // CGNAT, RFC 6598
        {0x7f000000, 8},   // loopback
        {0xa9fe0000, 16},  // link-local (cloud metadata 169.254.169.254)
        {0xac100000, 12},  // RFC 1918
        {0xc0000000, 24},  // IETF protocol assignments
        {0xc0000200, 24},  // TEST-NET-1
        {0xc0a80000, 16},  // RFC 1918
        {0xc6120000, 15},  // benchmarking
        {0xc6336400, 24},  // TEST-NET-2
        {0xcb007100, 24},  // TEST-NET-3
        {0xe0000000, 4},   // multicast
        {0xf0000000, 4},   // reserved and broadcast
    }};
    const auto value = address.to_uint();
    for (const auto& block : kBlocks)
        if (in_v4(value, block.network, block.prefix)) return true;
    return false;
}

// An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4): the
// guard judges the IPv4 address, or a request could reach 127.0.0.1 as ::ffff:127.0.0.1.
std::optional<ip::address_v4> embedded_v4(const ip::address_v6& address) {
    const auto b = address.to_bytes();
    auto v4_at = [&](std::size_t at) {
        return ip::address_v4(ip::address_v4::bytes_type{b[at], b[at + 1], b[at + 2], b[at + 3]});
    };
    if (address.is_v4_mapped()) return v4_at(12);
    bool zero_prefix = true;  // ::a.b.c.d (deprecated "compatible")
    for (std::size_t i = 0; i < 12; ++i) zero_prefix = zero_prefix && b[i] == 0;
    if (zero_prefix) return v4_at(12);
    static constexpr std::array<unsigned char, 12> kNat64{0, 0x64, 0xff, 0x9b, 0, 0,
                                                          0, 0,    0,    0,    0, 0};
    if (std::equal(kNat64.begin(), kNat64.end(), b.begin())) return v4_at(12);
    if (b[0] == 0x20 && b[1] == 0x02) return v4_at(2);  // 6to4 2002::/16
    return std::nullopt;
}

bool internal_v6(const ip::address_v6& address) {
    if (const auto v4 = embedded_v4(address)) return internal_v4(*v4);
    if (address.is_unspecified() || address.is_loopback() || address.is_link_local() ||
        address.is_site_local() || address.is_multicast())
        return true;
    const auto b = address.to_bytes();
    if ((b[0] & 0xfe) == 0xfc) return true;                                         // ULA fc00::/7
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // docs
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return true;  // Teredo tunnels
    return false;
}

// This machine's interface addresses, read at each check: deckies' addresses come and go.
bool own_address(const ip::address& address) {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return false;
    std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owner(list, &::freeifaddrs);
    for (auto* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr) continue;
        if (entry->ifa_addr->sa_family == AF_INET && address.is_v4()) {
            const auto* in = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
            if (ntohl(in->sin_addr.s_addr) == address.to_v4().to_uint()) return true;
        } else if (entry->ifa_addr->sa_family == AF_INET6 && address.is_v6()) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr);
            ip::address_v6::bytes_type bytes;
            std::copy(std::begin(in6->sin6_addr.s6_addr), std::end(in6->sin6_addr.s6_addr),
                      bytes.begin());
            if (ip::address_v6(bytes) == address.to_v6()) return true;
        }
    }
    return false;
}

}  // namespace

std::string Url::text() const {
    std::string out = scheme + "://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != default_port(scheme)) out += ":" + std::to_string(port);
    return out + path;
}

bool Url::host_is_address() const {
    boost::system::error_code ec;
    (void)ip::make_address(host, ec);
    return !ec;
}

std::optional<Url> parse_url(std::string_view text, std::string_view default_scheme) {
    text = trim(text);
    if (text.empty() || text.size() > kMaxUrlLength) return std::nullopt;
    Url url;
    if (const auto colon = text.find("://"); colon != std::string_view::npos) {
        url.scheme = ascii_lower(text.substr(0, colon));
        text.remove_prefix(colon + 3);
    } else {
        url.scheme = std::string(default_scheme);
    }
    if (url.scheme != "http" && url.scheme != "https" && url.scheme != "ftp" &&
        url.scheme != "tftp")
        return std::nullopt;
    const auto path_at = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, path_at);
    const std::string_view rest =
        path_at == std::string_view::npos ? std::string_view() : text.substr(path_at);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const auto userinfo = authority.substr(0, at);
        const auto colon = userinfo.find(':');
        url.user = std::string(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) url.password = std::string(userinfo.substr(colon + 1));
        authority.remove_prefix(at + 1);
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        url.host = std::string(authority.substr(1, close - 1));
        boost::system::error_code ec;
        if (ip::make_address_v6(url.host, ec), ec) return std::nullopt;
        const auto after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') return std::nullopt;
        if (!after.empty()) port_text = after.substr(1);
    } else {
        const auto colon = authority.find(':');
        url.host = ascii_lower(authority.substr(0, colon));
        if (!valid_host_name(url.host)) return std::nullopt;
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    url.port = default_port(url.scheme);
    if (!port_text.empty()) {
        const auto port = parse_port(port_text);
        if (!port) return std::nullopt;
        url.port = *port;
    }
    auto path = clean_path(rest.empty() || rest.front() != '?' ? rest : "/" + std::string(rest));
    if (!path) return std::nullopt;
    url.path = std::move(*path);
    return url;
}

std::optional<Url> resolve_reference(const Url& base, std::string_view location) {
    location = trim(location);
    if (location.find("://") != std::string_view::npos) return parse_url(location);
    if (location.starts_with("//")) return parse_url(base.scheme + ":" + std::string(location));
    std::string authority =
        base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host;
    authority += ":" + std::to_string(base.port);
    std::string path(location);
    if (!location.starts_with("/")) {
        const auto directory = base.path.substr(0, base.path.find('?'));
        path = directory.substr(0, directory.rfind('/') + 1) + path;
    }
    auto url = parse_url(base.scheme + "://" + authority + path);
    if (url) {
        url->user = base.user;
        url->password = base.password;
    }
    return url;
}

bool IpNetwork::contains(const ip::address& address) const {
    if (network.is_v4() && address.is_v4())
        return in_v4(address.to_v4().to_uint(), network.to_v4().to_uint(), prefix);
    if (network.is_v6() && address.is_v6()) {
        const auto a = address.to_v6().to_bytes();
        const auto n = network.to_v6().to_bytes();
        for (int bit = 0; bit < prefix; ++bit) {
            const auto byte = static_cast<std::size_t>(bit / 8);
            const int mask = 0x80 >> (bit % 8);
            if ((a[byte] & mask) != (n[byte] & mask)) return false;
        }
        return true;
    }
    // An IPv4 network also covers the IPv4-mapped form of its addresses.
    if (network.is_v4() && address.is_v6() && address.to_v6().is_v4_mapped())
        return contains(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
    return false;
}

std::optional<IpNetwork> parse_network(std::string_view text) {
    text = trim(text);
    const auto slash = text.find('/');
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::nullopt;
    const int max_prefix = address.is_v4() ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (error != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
            prefix < 0 || prefix > max_prefix)
            return std::nullopt;
    }
    return IpNetwork{address, prefix};
}

bool is_internal_address(const ip::address& address) {
    return address.is_v4() ? internal_v4(address.to_v4()) : internal_v6(address.to_v6());
}

bool may_connect(const ip::address& address, std::span<const IpNetwork> allowed) {
    for (const auto& network : allowed)
        if (network.contains(address)) return true;
    return !is_internal_address(address) && !own_address(address);
}

std::string_view to_string(DownloadStatus status) {
    switch (status) {
        case DownloadStatus::fetched:
            return "fetched";
        case DownloadStatus::recorded:
            return "recorded";
        case DownloadStatus::refused:
            return "refused";
        case DownloadStatus::failed:
            return "failed";
    }
    return "failed";
}

}  // namespace decnet::honeypot::shell
