// Standard base64 (RFC 4648 §4): what ssh fingerprints, authorized_keys lines and the
// shell's base64 command use. Decoding ignores whitespace and refuses anything else invalid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace decnet {

std::string base64_encode(std::string_view bytes, bool pad = true);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace decnet
