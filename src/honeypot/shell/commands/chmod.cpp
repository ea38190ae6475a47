// chmod: octal or symbolic modes (u+x, go-w, a=r, +x, 755), -R, on the overlay; a non-root
// login may only change its own files.
#include <optional>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

// The new mode, or nullopt for a mode chmod would call invalid.
std::optional<std::uint32_t> apply_mode(std::string_view spec, std::uint32_t mode, bool is_dir) {
    if (!spec.empty() && spec.find_first_not_of("01234567") == std::string_view::npos) {
        if (spec.size() > 4) return std::nullopt;
        return static_cast<std::uint32_t>(std::stoul(std::string(spec), nullptr, 8));
    }
    std::size_t at = 0;
    while (at <= spec.size()) {
        auto end = spec.find(',', at);
        if (end == std::string_view::npos) end = spec.size();
        auto clause = spec.substr(at, end - at);
        at = end + 1;
        std::uint32_t who = 0;
        std::size_t i = 0;
        for (; i < clause.size() &&
               std::string_view("ugoa").find(clause[i]) != std::string_view::npos;
             ++i)
            who |= clause[i] == 'u'   ? 04700
                   : clause[i] == 'g' ? 02070
                   : clause[i] == 'o' ? 01007
                                      : 07777;
        if (who == 0) who = 07777;
        if (i >= clause.size()) return std::nullopt;
        while (i < clause.size()) {
            const char op = clause[i++];
            if (op != '+' && op != '-' && op != '=') return std::nullopt;
            std::uint32_t bits = 0;
            for (; i < clause.size() &&
                   std::string_view("rwxXst").find(clause[i]) != std::string_view::npos;
                 ++i) {
                switch (clause[i]) {
                    case 'r':
                        bits |= 0444;
                        break;
                    case 'w':
                        bits |= 0222;
                        break;
                    case 'x':
                        bits |= 0111;
                        break;
                    case 'X':
                        if (is_dir || (mode & 0111)) bits |= 0111;
                        break;
                    case 's':
                        bits |= 06000;
                        break;
                    case 't':
                        bits |= 01000;
                        break;
                }
            }
            bits &= who;
            if (op == '+')
                mode |= bits;
            else if (op == '-')
                mode &= ~bits;
            else
                mode = (mode & ~who) | bits;
        }
        if (end == spec.size()) break;
    }
    return mode & 07777;
}

}  // namespace

boost::asio::awaitable<int> chmod(Invocation& inv) {
    // Modes such as -x or -w look like options: they are the mode when nothing else is.
    std::vector<std::string> operands;
    bool recursive = false;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-R" || a == "--recursive")
            recursive = true;
        else if (a == "-f" || a == "-v" || a == "-c")
            continue;
        else
            operands.push_back(a);
    }
    if (operands.size() < 2) {
        inv.write_err(operands.empty()
                          ? "chmod: missing operand\nTry 'chmod --help' for more information.\n"
                          : "chmod: missing operand after '" + operands[0] +
                                "'\nTry 'chmod --help' for more information.\n");
        co_return 1;
    }
    auto& state = inv.state;
    const std::string spec = operands[0];
    int status = 0;
    std::vector<std::string> paths(operands.begin() + 1, operands.end());
    for (std::size_t i = 0; i < paths.size() && i < 5000; ++i) {
        const auto& path = paths[i];
        const auto st = state.fs.stat(path, state.scope());
        if (!st) {
            inv.write_err("chmod: cannot access '" + path +
                          "': " + std::string(fs_error_text(st.error)) + "\n");
            status = 1;
            continue;
        }
        const auto mode = apply_mode(spec, st.value.meta.mode, st.value.type == FsType::directory);
        if (!mode) {
            inv.write_err("chmod: invalid mode: '" + spec +
                          "'\nTry 'chmod --help' for more information.\n");
            co_return 1;
        }
        if (state.uid != 0 && st.value.meta.uid != state.uid) {
            inv.write_err("chmod: changing permissions of '" + path +
                          "': Operation not permitted\n");
            status = 1;
            continue;
        }
        const auto error = state.fs.chmod(path, *mode, state.scope());
        if (error != FsError::ok) {
            inv.write_err("chmod: changing permissions of '" + path +
                          "': " + std::string(fs_error_text(error)) + "\n");
            status = 1;
        }
        if (recursive && st.value.type == FsType::directory) {
            const auto entries = state.fs.list(path, state.scope());
            if (entries)
                for (const auto& e : entries.value) paths.push_back(path + "/" + e.name);
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
