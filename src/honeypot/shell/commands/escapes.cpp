// Backslash escapes shared by echo and printf (see escapes.hpp).
#include "honeypot/shell/commands/escapes.hpp"

#include <cctype>

namespace decnet::honeypot::shell {

std::string backslash_escapes(std::string_view text, bool echo_style, bool& stop) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i];
            continue;
        }
        const char e = text[++i];
        switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case 'e':
                out += '\x1b';
                break;
            case '\\':
                out += '\\';
                break;
            case 'c':
                stop = true;
                return out;
            case 'x': {
                int value = 0, n = 0;
                while (n < 2 && i + 1 < text.size() &&
                       std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
                    const char h =
                        static_cast<char>(std::tolower(static_cast<unsigned char>(text[++i])));
                    value = value * 16 + (h <= '9' ? h - '0' : h - 'a' + 10);
                    ++n;
                }
                if (n == 0)
                    out += "\\x";
                else
                    out += static_cast<char>(value);
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int value = echo_style && e == '0' ? 0 : e - '0',
                        n = echo_style && e == '0' ? 0 : 1;
                    while (n < 3 && i + 1 < text.size() && text[i + 1] >= '0' &&
                           text[i + 1] <= '7') {
                        value = value * 8 + (text[++i] - '0');
                        ++n;
                    }
                    out += static_cast<char>(value & 0xff);
                } else {
                    out += '\\';
                    out += e;
                }
        }
    }
    return out;
}

}  // namespace decnet::honeypot::shell
