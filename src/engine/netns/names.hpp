// Names of what netns mode creates on the host: one namespace per decky ("dn-<decky>"),
// the host end of its veth pair, and the default bridge. Every name carries a decnet
// prefix, so leftovers are recognisable and nothing else on the host is ever touched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::engine::netns {

inline constexpr std::string_view kNamespacePrefix = "dn-";
inline constexpr std::size_t kMaxNamespaceName = 40;
inline constexpr std::string_view kDefaultBridge = "decnet0";
// Linux interface names are at most 15 characters (IFNAMSIZ − 1).
inline constexpr std::size_t kMaxInterfaceName = 15;
// The decky's interface as seen inside its own namespace.
inline constexpr std::string_view kDeckyInterface = "eth0";

// FNV-1a 64: stable across machines and builds (std::hash is not), so names and MACs
// survive restarts.
std::uint64_t stable_hash(std::string_view text);

// "dn-<decky>"; names longer than kMaxNamespaceName keep a prefix of the decky name and
// end in 8 hex digits of its hash, so they stay unique.
std::string namespace_name(std::string_view decky);
// Host end of the decky's veth pair: "dnv" + 8 hex digits (11 characters).
std::string host_link_name(std::string_view decky);
// Temporary name of the decky's link before it is moved into the namespace and renamed
// kDeckyInterface: "dnp" + 8 hex digits.
std::string peer_link_name(std::string_view decky);

// True for 1..15 characters of [A-Za-z0-9._-] (what `ip` is ever given as a link name).
bool valid_interface_name(std::string_view name);
// True for names this code can produce (prefix, length, characters).
bool is_decnet_namespace_name(std::string_view name);

}  // namespace decnet::engine::netns
