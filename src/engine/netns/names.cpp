// Name derivation for namespaces and links (see names.hpp).
#include "engine/netns/names.hpp"

#include <algorithm>
#include <cstdio>

namespace decnet::engine::netns {
namespace {

std::string hex8(std::uint64_t h) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(h & 0xffffffffu));
    return buf;
}

bool name_chars(std::string_view name) {
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string namespace_name(std::string_view decky) {
    std::string name = std::string(kNamespacePrefix) + std::string(decky);
    if (name.size() <= kMaxNamespaceName) return name;
    const std::size_t keep = kMaxNamespaceName - kNamespacePrefix.size() - 9;  // "-" + 8 hex
    return std::string(kNamespacePrefix) + std::string(decky.substr(0, keep)) + "-" +
           hex8(stable_hash(decky));
}

std::string host_link_name(std::string_view decky) {
    return "dnv" + hex8(stable_hash(decky));
}

std::string peer_link_name(std::string_view decky) {
    return "dnp" + hex8(stable_hash(decky));
}

bool valid_interface_name(std::string_view name) {
    return !name.empty() && name.size() <= kMaxInterfaceName && name != "." && name != ".." &&
           name_chars(name);
}

bool is_decnet_namespace_name(std::string_view name) {
    return name.size() > kNamespacePrefix.size() && name.size() <= kMaxNamespaceName &&
           name.substr(0, kNamespacePrefix.size()) == kNamespacePrefix && name_chars(name);
}

}  // namespace decnet::engine::netns
