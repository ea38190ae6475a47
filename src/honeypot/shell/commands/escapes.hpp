// Backslash escapes as echo -e and printf read them (\n, \t, \xHH, \0NNN, \c, …).
#pragma once

#include <string>
#include <string_view>

namespace decnet::honeypot::shell {

// `echo_style`: octal is \0NNN (echo -e, printf %b); otherwise \NNN (printf's format).
// `stop` is set by \c (no more output).
std::string backslash_escapes(std::string_view text, bool echo_style, bool& stop);

}  // namespace decnet::honeypot::shell
