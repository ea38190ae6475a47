// ISO-8601 parsing and Python-style printing for the correlation engine.
#include "intel/correlation/iso_time.hpp"

#include <chrono>
#include <cstdio>

namespace decnet::intel {
namespace {

bool digit(char c) {
    return c >= '0' && c <= '9';
}

std::optional<int> number(std::string_view text, std::size_t& pos, std::size_t count) {
    if (text.size() < pos + count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!digit(text[pos + i])) return std::nullopt;
        value = value * 10 + (text[pos + i] - '0');
    }
    pos += count;
    return value;
}

std::int64_t days_from_civil(int y, int m, int d) {
    using namespace std::chrono;
    return sys_days(year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)})
        .time_since_epoch()
        .count();
}

// Wall-clock parts of the instant shifted by the offset.
struct Parts {
    int year, month, day, hour, minute, second, micros;
};

Parts parts_of(const IsoTime& t) {
    using namespace std::chrono;
    const std::int64_t local = t.utc_micros + std::int64_t{t.offset_seconds.value_or(0)} * 1000000;
    std::int64_t days = local / 86400000000LL;
    std::int64_t rest = local % 86400000000LL;
    if (rest < 0) {
        rest += 86400000000LL;
        --days;
    }
    const year_month_day ymd{sys_days{std::chrono::days{days}}};
    const auto secs = rest / 1000000;
    return {static_cast<int>(ymd.year()),
            static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(secs / 3600),
            static_cast<int>(secs / 60 % 60),
            static_cast<int>(secs % 60),
            static_cast<int>(rest % 1000000)};
}

}  // namespace

std::optional<IsoTime> parse_iso_time(std::string_view s) {
    std::size_t pos = 0;
    const auto y = number(s, pos, 4);
    if (!y || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    const auto mo = number(s, pos, 2);
    if (!mo || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    const auto d = number(s, pos, 2);
    if (!d || *y < 1 || *mo < 1 || *mo > 12 || *d < 1) return std::nullopt;
    {
        using namespace std::chrono;
        const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                                 day{static_cast<unsigned>(*d)}};
        if (!ymd.ok()) return std::nullopt;
    }
    int hour = 0, minute = 0, second = 0, micros = 0;
    IsoTime out;
    if (pos < s.size()) {
        const unsigned char sep = static_cast<unsigned char>(s[pos]);
        if (sep >= 0x80) return std::nullopt;  // one ASCII character, as Python accepts
        ++pos;
        const auto h = number(s, pos, 2);
        if (!h || *h > 23) return std::nullopt;
        hour = *h;
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            const auto m = number(s, pos, 2);
            if (!m || *m > 59) return std::nullopt;
            minute = *m;
            if (pos < s.size() && s[pos] == ':') {
                ++pos;
                const auto sec = number(s, pos, 2);
                if (!sec || *sec > 59) return std::nullopt;
                second = *sec;
                if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
                    ++pos;
                    std::size_t n = 0;
                    while (pos < s.size() && digit(s[pos])) {
                        if (n < 6) micros = micros * 10 + (s[pos] - '0');
                        ++n;
                        ++pos;
                    }
                    if (n == 0) return std::nullopt;
                    for (std::size_t i = n; i < 6; ++i) micros *= 10;
                }
            }
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z') {
                ++pos;
                out.offset_seconds = 0;
            } else if (s[pos] == '+' || s[pos] == '-') {
                const int sign = s[pos] == '-' ? -1 : 1;
                ++pos;
                const auto oh = number(s, pos, 2);
                if (!oh || *oh > 23) return std::nullopt;
                int offset = *oh * 3600;
                if (pos < s.size() && s[pos] == ':') {
                    ++pos;
                    const auto om = number(s, pos, 2);
                    if (!om || *om > 59) return std::nullopt;
                    offset += *om * 60;
                    if (pos < s.size() && s[pos] == ':') {
                        ++pos;
                        const auto os = number(s, pos, 2);
                        if (!os || *os > 59) return std::nullopt;
                        offset += *os;
                    }
                }
                out.offset_seconds = sign * offset;
            }
        }
        if (pos != s.size()) return std::nullopt;
    }
    const std::int64_t local_seconds =
        days_from_civil(*y, *mo, *d) * 86400 + hour * 3600 + minute * 60 + second;
    out.utc_micros = (local_seconds - out.offset_seconds.value_or(0)) * 1000000 + micros;
    return out;
}

std::string format_iso_time(const IsoTime& t) {
    const auto p = parts_of(t);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", p.year, p.month, p.day,
                          p.hour, p.minute, p.second);
    std::string out(buf, static_cast<std::size_t>(n));
    if (p.micros != 0) {
        n = std::snprintf(buf, sizeof buf, ".%06d", p.micros);
        out.append(buf, static_cast<std::size_t>(n));
    }
    if (t.offset_seconds) {
        int off = *t.offset_seconds;
        const char sign = off < 0 ? '-' : '+';
        if (off < 0) off = -off;
        n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, off / 3600, off / 60 % 60);
        out.append(buf, static_cast<std::size_t>(n));
        if (off % 60 != 0) {
            n = std::snprintf(buf, sizeof buf, ":%02d", off % 60);
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    return out;
}

std::string format_wall_clock(const IsoTime& t) {
    const auto p = parts_of(t);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", p.year, p.month,
                                p.day, p.hour, p.minute, p.second);
    return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<IsoTime> parse_store_time(std::string_view text) {
    auto t = parse_iso_time(text);
    if (!t) return std::nullopt;
    if (!t->offset_seconds) t->offset_seconds = 0;
    return t;
}

}  // namespace decnet::intel
