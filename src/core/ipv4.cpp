// IPv4 parsing, subnet arithmetic and allocation.
#include "core/ipv4.hpp"

#include <algorithm>
#include <bit>
#include <charconv>

#include "core/error.hpp"

namespace decnet {
namespace {

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

std::uint32_t parse_octet(std::string_view octet, std::string_view whole) {
    if (octet.empty()) throw ConfigError("Empty octet not permitted in " + quoted(whole));
    if (!std::all_of(octet.begin(), octet.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw ConfigError("Only decimal digits permitted in " + quoted(octet) + " in " +
                          quoted(whole));
    if (octet.size() > 3)
        throw ConfigError("At most 3 characters permitted in " + quoted(octet) + " in " +
                          quoted(whole));
    if (octet.size() > 1 && octet[0] == '0')
        throw ConfigError("Leading zeros are not permitted in " + quoted(octet) + " in " +
                          quoted(whole));
    unsigned value = 0;
    std::from_chars(octet.data(), octet.data() + octet.size(), value);
    if (value > 255)
        throw ConfigError("Octet " + std::to_string(value) + " (> 255) not permitted in " +
                          quoted(whole));
    return value;
}

std::uint32_t mask_of(int prefix) {
    return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
}

}  // namespace

Ipv4 Ipv4::parse(std::string_view text) {
    if (text.empty()) throw ConfigError("Address cannot be empty");
    // Count octets first, as Python's ipaddress does, so "abc" says "Expected 4 octets".
    std::string_view parts[4];
    std::size_t count = 0, pos = 0;
    while (true) {
        const auto dot = text.find('.', pos);
        if (count == 4) throw ConfigError("Expected 4 octets in " + quoted(text));
        parts[count++] = text.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
        if (dot == std::string_view::npos) break;
        pos = dot + 1;
    }
    if (count != 4) throw ConfigError("Expected 4 octets in " + quoted(text));
    std::uint32_t value = 0;
    for (const auto part : parts) value = (value << 8) | parse_octet(part, text);
    return Ipv4{value};
}

std::optional<Ipv4> Ipv4::try_parse(std::string_view text) {
    try {
        return parse(text);
    } catch (const ConfigError&) {
        return std::nullopt;
    }
}

std::string Ipv4::str() const {
    return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 255) + "." +
           std::to_string((value >> 8) & 255) + "." + std::to_string(value & 255);
}

Subnet Subnet::parse(std::string_view text) {
    Subnet subnet;
    subnet.text = std::string(text);
    const auto slash = text.find('/');
    const Ipv4 address = Ipv4::parse(text.substr(0, slash));
    if (slash != std::string_view::npos) {
        const auto p = text.substr(slash + 1);
        int prefix = -1;
        const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || prefix < 0 ||
            prefix > 32)
            throw ConfigError("Invalid netmask in " + quoted(text));
        subnet.prefix = prefix;
    }
    subnet.network = Ipv4{address.value & mask_of(subnet.prefix)};
    return subnet;
}

Ipv4 Subnet::broadcast() const {
    return Ipv4{network.value | ~mask_of(prefix)};
}

bool Subnet::contains(Ipv4 ip) const {
    return (ip.value & mask_of(prefix)) == network.value;
}

std::string Subnet::cidr() const {
    return network.str() + "/" + std::to_string(prefix);
}

std::vector<Ipv4> allocate_ips(const Subnet& subnet, const IpReservations& reserved,
                               std::size_t count, std::optional<Ipv4> start) {
    std::vector<Ipv4> found;
    const std::uint64_t first =
        std::max<std::uint64_t>(subnet.network.value + std::uint64_t{1}, start ? start->value : 0);
    const std::uint64_t last = subnet.broadcast().value;  // exclusive: broadcast is reserved
    for (std::uint64_t v = first; v < last && found.size() < count; ++v) {
        const Ipv4 ip{static_cast<std::uint32_t>(v)};
        if (ip == reserved.gateway || ip == reserved.host) continue;
        found.push_back(ip);
    }
    if (found.size() < count)
        throw ConfigError("Not enough free IPs in " + subnet.text + " for " +
                          std::to_string(count) + " deckies (found " +
                          std::to_string(found.size()) + ").");
    return found;
}

std::string covering_range(std::span<const Ipv4> ips) {
    if (ips.empty()) return {};
    const auto [lo, hi] = std::minmax_element(ips.begin(), ips.end());
    const int prefix = 32 - static_cast<int>(std::bit_width(lo->value ^ hi->value));
    return Ipv4{lo->value & mask_of(prefix)}.str() + "/" + std::to_string(prefix);
}

}  // namespace decnet
