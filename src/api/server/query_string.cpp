#include "api/server/query_string.hpp"

#include <cctype>

#include "core/percent_encoding.hpp"

namespace decnet::api {

std::string percent_encode(std::string_view text, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (start <= query.size()) {
        auto end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        const auto item = query.substr(start, end - start);
        if (!item.empty()) {
            const auto eq = item.find('=');
            pairs.emplace_back(percent_decode(item.substr(0, eq), true),
                               eq == std::string_view::npos
                                   ? std::string()
                                   : percent_decode(item.substr(eq + 1), true));
        }
        start = end + 1;
    }
    return pairs;
}

}  // namespace decnet::api
