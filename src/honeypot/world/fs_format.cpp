// Listing formats (see fs_format.hpp).
#include "honeypot/world/fs_format.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace decnet::honeypot {

std::string mode_string(const FsStat& stat) {
    std::string out = stat.type == FsType::directory ? "d"
                      : stat.type == FsType::symlink ? "l"
                                                     : "-";
    const auto m = stat.meta.mode;
    static constexpr std::array<char, 3> kRwx = {'r', 'w', 'x'};
    for (int i = 8; i >= 0; --i) out += (m >> i) & 1 ? kRwx[(8 - i) % 3] : '-';
    auto special = [&](std::size_t at, std::uint32_t bit, char set, char unset) {
        if (m & bit) out[at] = out[at] == 'x' ? set : unset;
    };
    special(3, 04000, 's', 'S');
    special(6, 02000, 's', 'S');
    special(9, 01000, 't', 'T');
    return out;
}

std::string listing_date(std::int64_t mtime, std::int64_t now, bool zero_pad_day) {
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = mtime;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    const bool recent = mtime <= now && now - mtime < 182 * 86400;
    const char* day = zero_pad_day ? "%s %02d " : "%s %2d ";
    const int n = std::snprintf(out, sizeof out, day, kMonths[tm.tm_mon], tm.tm_mday);
    if (recent)
        std::snprintf(out + n, sizeof out - n, "%02d:%02d", tm.tm_hour, tm.tm_min);
    else
        std::snprintf(out + n, sizeof out - n, " %04d", tm.tm_year + 1900);
    return out;
}

std::string mdtm_stamp(std::int64_t mtime) {
    const std::time_t t = mtime;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[80];
    std::snprintf(out, sizeof out, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

}  // namespace decnet::honeypot
