// The bounty dedup key's fixed-size part (api.md §5.5): both backends index
// (bounty_type, attacker_ip, payload_hash) instead of the payload text itself.
#pragma once

#include <string>
#include <string_view>

namespace decnet::store {

// Lower-case hex SHA-256 of the payload text, as MySQL's SHA2(payload, 256) gives it, so
// rows hashed by either the server or decnet compare equal.
std::string payload_hash(std::string_view payload);

}  // namespace decnet::store
