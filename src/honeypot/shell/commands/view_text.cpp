// Formats shared by the shell-extras commands (view_text.hpp).
#include "honeypot/shell/commands/view_text.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "honeypot/session.hpp"
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {
namespace {

std::tm utc(std::int64_t t) {
    const std::time_t value = static_cast<std::time_t>(t);
    std::tm out{};
    gmtime_r(&value, &out);
    return out;
}

std::string strftime_utc(const char* pattern, std::int64_t t) {
    const std::tm tm = utc(t);
    char text[64];
    const auto n = std::strftime(text, sizeof text, pattern, &tm);
    return std::string(text, n);
}

}  // namespace

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

LoginView login_view(const Invocation& inv) {
    LoginView view;
    view.user = inv.state.user;
    view.tty = inv.state.tty;
    view.from = inv.state.session.peer_ip();
    view.login_time = inv.state.login_time;
    view.command.clear();
    for (const auto& word : inv.argv) view.command += (view.command.empty() ? "" : " ") + word;
    return view;
}

std::string format(const char* fmt, ...) {
    char text[1024];
    va_list args;
    va_start(args, fmt);
    const int n = std::vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    return std::string(
        text, n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), sizeof text - 1));
}

std::string date_time(std::int64_t t) {
    return strftime_utc("%Y-%m-%d %H:%M:%S", t);
}
std::string hour_minute(std::int64_t t) {
    return strftime_utc("%H:%M", t);
}
std::string month_day(std::int64_t t) {
    return strftime_utc("%b%d", t);
}

std::string human_size(std::uint64_t bytes, std::string_view suffix) {
    static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    const std::string tail = unit == 0 ? "" : std::string(suffix);
    if (unit == 0) return std::to_string(bytes) + (suffix.empty() ? "" : "B");
    if (value < 10.0) return format("%.1f%s%s", value, kUnits[unit], tail.c_str());
    return format("%.0f%s%s", value, kUnits[unit], tail.c_str());
}

std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& left) {
    std::vector<std::size_t> widths(left.size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            if (i > 0) line += ' ';
            const std::string pad(widths[i] - row[i].size(), ' ');
            const bool last = i + 1 == row.size();
            line += left[i] ? row[i] + (last ? "" : pad) : pad + row[i];
        }
        out += line + "\n";
    }
    return out;
}

bool utf8_locale(const ShellState& state) {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const auto found = state.env.find(name);
        if (found != state.env.end() && !found->second.empty()) {
            const auto& value = found->second;
            return value.find("UTF-8") != std::string::npos ||
                   value.find("utf8") != std::string::npos;
        }
    }
    return true;  // Debian and Ubuntu servers set LANG=C.UTF-8 or en_US.UTF-8
}

std::string user_column(const std::string& user, std::size_t width) {
    return user.size() <= width ? user : user.substr(0, width - 1) + "+";
}

bool has_flag(const std::vector<std::string>& argv, char flag) {
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto& word = argv[i];
        if (word.size() > 1 && word[0] == '-' && word[1] != '-' &&
            word.find(flag) != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace decnet::honeypot::shell
