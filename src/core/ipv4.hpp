// IPv4 addresses and subnets, and the decky IP allocator (engine.md §5.2–§5.3).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

struct Ipv4 {
    std::uint32_t value = 0;

    // Dotted quad; throws ConfigError with Python ipaddress-style messages
    // ("Expected 4 octets in 'abc'").
    static Ipv4 parse(std::string_view text);
    static std::optional<Ipv4> try_parse(std::string_view text);
    std::string str() const;
    bool operator==(const Ipv4&) const = default;
    bool operator<(const Ipv4& other) const { return value < other.value; }
};

struct Subnet {
    Ipv4 network;      // host bits cleared
    int prefix = 32;   // 0..32
    std::string text;  // as the user wrote it, for messages

    // "a.b.c.d/p" or "a.b.c.d"; host bits are allowed (non-strict, like the reference).
    static Subnet parse(std::string_view text);
    Ipv4 broadcast() const;
    std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
    bool contains(Ipv4 ip) const;
    std::string cidr() const;  // normalised "network/prefix"
};

struct IpReservations {
    std::optional<Ipv4> gateway;
    std::optional<Ipv4> host;
};

// Picks `count` addresses from the subnet in ascending order, skipping the network and
// broadcast addresses, the gateway and the host, and everything below `start`.
// Throws ConfigError "Not enough free IPs in <subnet> for <n> deckies (found <k>)."
std::vector<Ipv4> allocate_ips(const Subnet& subnet, const IpReservations& reserved,
                               std::size_t count, std::optional<Ipv4> start = std::nullopt);

// The smallest aligned block covering every address (engine.md §5.3).
std::string covering_range(std::span<const Ipv4> ips);

}  // namespace decnet
