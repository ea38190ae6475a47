// A request target's query string and the encoding of paths in redirects (Starlette's
// rules: '+' is a space in query values, %XX anywhere).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::api {

std::string percent_encode(std::string_view text, bool keep_slash);
// Splits "a=1&b=2" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace decnet::api
