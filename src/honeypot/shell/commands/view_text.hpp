// Helpers the shell-extras commands share: the clock, the login as the system views see
// it, and the number and table formats of procps, coreutils and wget.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/system_view.hpp"

namespace decnet::honeypot::shell {

struct Invocation;
struct ShellState;

std::int64_t now_seconds();
// The attacker's login for ps, w and who; `command` is the invocation's argv joined.
LoginView login_view(const Invocation& inv);
// printf into a std::string (lines are short; longer output is cut at 1 KiB).
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "2026-12-04 23:56:00" (UTC), "23:56", "Dec04".
std::string date_time(std::int64_t t);
std::string hour_minute(std::int64_t t);
std::string month_day(std::int64_t t);
// 1024-based with one decimal under 10 ("3.8G", "812M"); `suffix` "i" gives free's "Gi".
std::string human_size(std::uint64_t bytes, std::string_view suffix = "");
// Columns padded to the widest cell: left-aligned where `left[i]`, one space apart.
std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& left);
// Whether a locale with UTF-8 is set (wget's ‘quotes’ then), as on a stock server.
bool utf8_locale(const ShellState& state);
// A user name in a column of `width`: procps cuts longer ones to width-1 and a '+'.
std::string user_column(const std::string& user, std::size_t width);
// A short option cluster ("-tulpn") contains `flag`.
bool has_flag(const std::vector<std::string>& argv, char flag);

}  // namespace decnet::honeypot::shell
