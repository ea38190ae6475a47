// How a webhook body is signed (docs/ALERTS.md): the receiver recomputes the MAC over the
// timestamp header and the exact body bytes, and rejects old timestamps (replays).
#pragma once

#include <string>
#include <string_view>

namespace decnet::intel::alerts {

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The X-Decnet-Signature value: "sha256=" + hmac_sha256_hex(secret, timestamp + "." + body),
// where timestamp is the X-Decnet-Timestamp value (Unix seconds).
std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body);

}  // namespace decnet::intel::alerts
