// Percent-decoding (RFC 3986 §2.1), shared by every parser that reads URLs: the REST
// API's router, the http emulator and the MySQL URL of DECNET_DB_URL.
#pragma once

#include <string>
#include <string_view>

namespace decnet {

// "%XX" → that byte; a '%' not followed by two hex digits is kept as is (lenient, like
// urllib.parse.unquote and the servers attackers probe). `plus_is_space` for
// application/x-www-form-urlencoded and query strings.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

// 0–15 for a hex digit, -1 otherwise.
int hex_digit_value(char c);

}  // namespace decnet
