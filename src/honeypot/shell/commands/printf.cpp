// printf: bash's builtin — the format reused while arguments remain; %s %b %c %d %i %u %x
// %X %o %f %e %g %%, flags, width and precision (widths bounded); \ escapes in the format.
#include <cctype>
#include <cstdlib>

#include "honeypot/shell/commands/escapes.hpp"
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr int kMaxWidth = 4096;  // "%999999999s" must not allocate a gigabyte

// One pass of the format over args from `next`; false when \c stopped the output.
bool format_once(std::string_view format, const std::vector<std::string>& args, std::size_t& next,
                 std::string& out, std::string& err, bool& used) {
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == '\\' && i + 1 < format.size()) {
            // One escape: \n, \xHH (up to two digits), \NNN (up to three).
            const char e = format[i + 1];
            std::size_t len = 2;
            const auto digit = [&](char d) {
                return e == 'x' ? std::isxdigit(static_cast<unsigned char>(d)) != 0
                                : d >= '0' && d <= '7';
            };
            if (e == 'x' || (e >= '0' && e <= '7'))
                while (len < (e == 'x' ? 4u : 4u) && i + len < format.size() &&
                       digit(format[i + len]))
                    ++len;
            bool stop = false;
            out += backslash_escapes(format.substr(i, len), false, stop);
            if (stop) return false;
            i += len - 1;
            continue;
        }
        if (c != '%') {
            out += c;
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '%') {
            out += '%';
            ++i;
            continue;
        }
        // %[flags][width][.precision][length]conversion, width and precision bounded.
        std::size_t j = i + 1;
        std::string bounded = "%";
        while (j < format.size() &&
               std::string_view("-+ #0").find(format[j]) != std::string_view::npos)
            bounded += format[j++];
        auto number = [&] {
            long v = 0;
            while (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j])))
                v = std::min<long>(v * 10 + (format[j++] - '0'), kMaxWidth);
            return v;
        };
        if (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j])))
            bounded += std::to_string(number());
        if (j < format.size() && format[j] == '.') {
            ++j;
            bounded += "." + std::to_string(number());
        }
        while (j < format.size() && (format[j] == 'l' || format[j] == 'h' || format[j] == 'z')) ++j;
        if (j >= format.size()) {
            out += format.substr(i);
            return true;
        }
        const char conv = format[j];
        const std::string arg = next < args.size() ? args[next] : "";
        if (next < args.size()) {
            ++next;
            used = true;
        }
        char buffer[kMaxWidth + 64];
        switch (conv) {
            case 's':
                std::snprintf(buffer, sizeof buffer, (bounded + "s").c_str(),
                              arg.substr(0, kMaxWidth).c_str());
                out += buffer;
                break;
            case 'b': {
                bool stop = false;
                out += backslash_escapes(arg, true, stop);
                if (stop) return false;
                break;
            }
            case 'c':
                if (!arg.empty()) out += arg[0];
                break;
            case 'd':
            case 'i':
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                char* end = nullptr;
                long long v = 0;
                if (!arg.empty() && (arg[0] == '\'' || arg[0] == '"'))
                    v = arg.size() > 1 ? static_cast<unsigned char>(arg[1]) : 0;
                else
                    v = std::strtoll(arg.c_str(), &end, 0);
                if (end && *end) {
                    err += "-bash: printf: " + arg + ": invalid number\n";
                }
                const std::string f = bounded + "ll" + std::string(1, conv == 'i' ? 'd' : conv);
                std::snprintf(buffer, sizeof buffer, f.c_str(), v);
                out += buffer;
                break;
            }
            case 'f':
            case 'e':
            case 'g':
            case 'E':
            case 'G': {
                const double v = std::strtod(arg.c_str(), nullptr);
                std::snprintf(buffer, sizeof buffer, (bounded + std::string(1, conv)).c_str(), v);
                out += buffer;
                break;
            }
            default:
                err += "-bash: printf: `" + std::string(1, conv) + "': invalid format character\n";
                return false;
        }
        i = j;
        if (out.size() > kMaxCommandOutput) return false;
    }
    return true;
}

}  // namespace

boost::asio::awaitable<int> printf(Invocation& inv) {
    if (inv.argv.size() < 2) {
        inv.write_err(inv.state.error_prefix +
                      ": printf: usage: printf [-v var] format [arguments]\n");
        co_return 2;
    }
    std::size_t first = 1;
    if (inv.argv[1] == "--") ++first;
    if (first >= inv.argv.size()) co_return 0;
    const std::string format = inv.argv[first];
    const std::vector<std::string> args(inv.argv.begin() + static_cast<std::ptrdiff_t>(first) + 1,
                                        inv.argv.end());
    std::string out, err;
    std::size_t next = 0;
    for (int round = 0; round < 10000; ++round) {
        bool used = false;
        if (!format_once(format, args, next, out, err, used)) break;
        if (!used || next >= args.size()) break;
    }
    inv.write_err(err);
    inv.write_out(out);
    co_return err.empty() ? 0 : 1;
}

}  // namespace decnet::honeypot::shell::cmd
