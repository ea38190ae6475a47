// Name-based UUIDs (RFC 4122 §4.3, version 5, SHA-1): the same name in the same namespace
// always gives the same id, so identities and STIX objects keep their ids when recomputed.
#pragma once

#include <string>
#include <string_view>

namespace decnet::intel {

// `ns` is a UUID in text form ("xxxxxxxx-xxxx-..."); throws std::invalid_argument if not.
std::string uuid_v5(std::string_view ns, std::string_view name);

// decnet's own namespace for identities (a fixed random v4 UUID).
inline constexpr std::string_view kIdentityNamespace = "6f1d3c2a-8b47-4e0f-9a35-2d6c1b8e7f40";

}  // namespace decnet::intel
