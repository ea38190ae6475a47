// `--since`: an ISO 8601 time or a duration back from now, as the store's time text.
#include <charconv>
#include <cstdio>
#include <ctime>

#include "intel/correlation/iso_time.hpp"
#include "intel/export/export.hpp"

namespace decnet::intel::exporting {

std::optional<std::string> parse_since(const std::string& text, std::int64_t now_micros) {
    if (text.empty()) return std::nullopt;
    std::int64_t micros = 0;
    // A duration: digits and one unit.
    std::int64_t amount = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, amount);
    if (ec == std::errc() && ptr + 1 == end && amount >= 0 && amount <= 100000000) {
        std::int64_t unit = 0;
        switch (*ptr) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            case 'w':
                unit = 7 * 86400;
                break;
            default:
                return std::nullopt;
        }
        micros = now_micros - amount * unit * 1000000;
    } else {
        const auto time = parse_iso_time(text);
        if (!time) return std::nullopt;
        micros = time->utc_micros;
    }
    if (micros < 0) micros = 0;
    const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[96];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros % 1000000));
    return std::string(out);
}

}  // namespace decnet::intel::exporting
