// normalize_timestamp: the collector's TIMESTAMP → "YYYY-MM-DD HH:MM:SS" (engine.md §7.4),
// following Python 3.11 datetime.fromisoformat closely enough for every form a syslog
// sender writes: extended and basic dates, ISO week dates, any one-character date/time
// separator, HH[:MM[:SS[.f]]], and Z / ±HH[:MM[:SS[.f]]] offsets (validated, not applied).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "events/rfc5424.hpp"

namespace decnet {

namespace {

struct WallClock {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Exactly `count` digits at text[pos]; advances pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
    if (pos > text.size() || text.size() - pos < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

// Where the date ends, as Python's _find_isoformat_datetime_separator decides it.
std::size_t date_length(std::string_view s) {
    if (s.size() == 7) return 7;
    if (s[4] == '-') {
        if (s[5] != 'W') return 10;         // YYYY-MM-DD
        if (s.size() > 8 && s[8] == '-') {  // YYYY-Www-D
            return s.size() > 10 && is_digit(s[10]) ? 8 : 10;
        }
        return 8;  // YYYY-Www
    }
    if (s[4] != 'W') return 8;  // YYYYMMDD
    std::size_t end = 7;        // YYYYWww or YYYYWwwD
    while (end < s.size() && is_digit(s[end])) ++end;
    if (end < 9) return end;
    return end % 2 == 0 ? 7 : 8;
}

std::optional<std::chrono::year_month_day> week_date(int year, int week, int day_of_week) {
    using namespace std::chrono;
    // Week 1 is the week holding January 4th; a year has 53 weeks when it starts on a
    // Thursday, or on a Wednesday in a leap year.
    const sys_days jan4{std::chrono::year{year} / January / 4};
    const sys_days week1_monday = jan4 - days{weekday{jan4}.iso_encoding() - 1};
    const year_month_day jan1{std::chrono::year{year} / January / 1};
    const unsigned jan1_weekday = weekday{sys_days{jan1}}.iso_encoding();
    const bool long_year = jan1_weekday == 4 || (jan1_weekday == 3 && jan1.year().is_leap());
    if (week < 1 || week > (long_year ? 53 : 52) || day_of_week < 1 || day_of_week > 7) {
        return std::nullopt;
    }
    return year_month_day{week1_monday + days{(week - 1) * 7 + (day_of_week - 1)}};
}

bool parse_date(std::string_view s, WallClock& out) {
    std::size_t pos = 0;
    const auto year = digits(s, pos, 4);
    if (!year || *year < 1) return false;
    const bool dashed = s.size() > 4 && s[4] == '-';
    pos += dashed ? 1 : 0;
    std::chrono::year_month_day date;
    if (pos < s.size() && s[pos] == 'W') {
        ++pos;
        const auto week = digits(s, pos, 2);
        int weekday = 1;
        if (pos < s.size()) {
            if ((s[pos] == '-') != dashed) return false;
            pos += dashed ? 1 : 0;
            const auto day = digits(s, pos, 1);
            if (!day) return false;
            weekday = *day;
        }
        const auto resolved = week ? week_date(*year, *week, weekday) : std::nullopt;
        if (!resolved) return false;
        date = *resolved;
    } else {
        const auto month = digits(s, pos, 2);
        if (pos >= s.size() || (s[pos] == '-') != dashed) return false;
        pos += dashed ? 1 : 0;
        const auto day = digits(s, pos, 2);
        if (!month || !day) return false;
        date = std::chrono::year{*year} / *month / *day;
    }
    if (pos != s.size() || !date.ok() || static_cast<int>(date.year()) > 9999) return false;
    out.year = static_cast<int>(date.year());
    out.month = static_cast<int>(static_cast<unsigned>(date.month()));
    out.day = static_cast<int>(static_cast<unsigned>(date.day()));
    return true;
}

// HH[:MM[:SS[{.,}digits]]] or HH[MM[SS[{.,}digits]]]; fills up to three components.
bool parse_clock(std::string_view s, int (&parts)[3]) {
    std::size_t pos = 0;
    bool colons = false;
    for (int i = 0; i < 3; ++i) {
        const auto value = digits(s, pos, 2);
        if (!value) return false;
        parts[i] = *value;
        if (pos == s.size()) return true;
        if (i == 0) colons = s[pos] == ':';
        if (i < 2 && colons) {
            if (s[pos] != ':') return false;
            ++pos;
        }
        if (i < 2 && !colons && !is_digit(s[pos])) return false;
    }
    if (s[pos] != '.' && s[pos] != ',') return false;
    ++pos;
    if (pos == s.size()) return false;
    for (; pos < s.size(); ++pos) {
        if (!is_digit(s[pos])) return false;
    }
    return true;
}

bool parse_time(std::string_view s, WallClock& out) {
    const std::size_t tz = s.find_first_of("+-Z");
    int clock[3] = {0, 0, 0};
    if (!parse_clock(s.substr(0, tz), clock)) return false;
    if (clock[0] > 23 || clock[1] > 59 || clock[2] > 59) return false;
    out.hour = clock[0];
    out.minute = clock[1];
    out.second = clock[2];
    if (tz == std::string_view::npos) return true;
    if (s[tz] == 'Z') return tz + 1 == s.size();
    const auto offset = s.substr(tz + 1);
    if (offset.size() < 2 || offset.size() == 3) return false;
    int parts[3] = {0, 0, 0};
    return parse_clock(offset, parts) && parts[0] <= 23 && parts[1] <= 59 && parts[2] <= 59;
}

std::optional<WallClock> parse_iso8601(std::string_view s) {
    if (s.size() < 7) return std::nullopt;
    const std::size_t date_end = date_length(s);
    if (date_end > s.size()) return std::nullopt;
    WallClock out;
    if (!parse_date(s.substr(0, date_end), out)) return std::nullopt;
    if (date_end == s.size()) return out;
    // Any single character separates date and time; an empty time is an error.
    if (date_end + 1 >= s.size() || !parse_time(s.substr(date_end + 1), out)) {
        return std::nullopt;
    }
    return out;
}

void append_two(std::string& out, int value) {
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

std::string normalize_timestamp(std::string_view timestamp) {
    const auto parsed = parse_iso8601(timestamp);
    if (!parsed) return std::string(timestamp);
    // Python's strftime("%Y") on glibc does not pad years below 1000; nor do we.
    std::string out = std::to_string(parsed->year);
    out.push_back('-');
    append_two(out, parsed->month);
    out.push_back('-');
    append_two(out, parsed->day);
    out.push_back(' ');
    append_two(out, parsed->hour);
    out.push_back(':');
    append_two(out, parsed->minute);
    out.push_back(':');
    append_two(out, parsed->second);
    return out;
}

}  // namespace decnet
