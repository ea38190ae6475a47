// mkdir: -p (parents, no error if there), -m MODE; coreutils' curly-quoted errors.
#include <cstdlib>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> mkdir(Invocation& inv) {
    const auto args = parse_args(inv.argv, "m", "pvm");
    if (args.invalid) {
        inv.write_err(invalid_option("mkdir", args.invalid));
        co_return 1;
    }
    if (args.operands.empty()) {
        inv.write_err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
        co_return 1;
    }
    auto& state = inv.state;
    std::uint32_t mode = 0755;
    if (args.values.count('m'))
        mode = static_cast<std::uint32_t>(std::strtoul(args.values.at('m').c_str(), nullptr, 8)) &
               07777;
    int status = 0;
    for (const auto& path : args.operands) {
        const auto fail = [&](std::string_view why) {
            inv.write_err("mkdir: cannot create directory \u2018" + path +
                          "\u2019: " + std::string(why) + "\n");
            status = 1;
        };
        if (args.has('p')) {
            // Each missing parent in turn.
            const auto absolute = absolute_path(state, path);
            std::string at;
            for (const auto& part : split_path(absolute)) {
                at += "/" + part;
                if (state.fs.is_dir(at, state.scope())) continue;
                if (!may_write_parent(state, at)) {
                    fail("Permission denied");
                    break;
                }
                const auto error = state.fs.mkdir(at, state.scope(), mode);
                if (error != FsError::ok) {
                    fail(fs_error_text(error));
                    break;
                }
            }
            continue;
        }
        if (!may_write_parent(state, path)) {
            fail("Permission denied");
            continue;
        }
        const auto error = state.fs.mkdir(path, state.scope(), mode);
        if (error != FsError::ok) fail(fs_error_text(error));
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
