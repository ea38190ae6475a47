// crontab: -l shows, -r removes, `crontab file` / `crontab -` installs (droppers' favourite
// persistence) the user's table in the overlay (/var/spool/cron/crontabs/<user>); -e has no
// editor to open and changes nothing.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> crontab(Invocation& inv) {
    auto& state = inv.state;
    const auto args = parse_args(inv.argv, "u", "lreiu");
    std::string user = state.user;
    if (args.values.count('u')) {
        if (state.uid != 0) {
            inv.write_err("must be privileged to use -u\n");
            co_return 1;
        }
        user = args.values.at('u');
    }
    const bool debian = distro_files(state.world.distro).family == DistroFamily::debian;
    const std::string dir = debian ? "/var/spool/cron/crontabs" : "/var/spool/cron";
    const std::string table = dir + "/" + user;
    const auto current = state.fs.read(table);
    if (args.has('l')) {
        if (!current) {
            inv.write_err("no crontab for " + user + "\n");
            co_return 1;
        }
        inv.write_out(current.value);
        co_return 0;
    }
    if (args.has('r')) {
        if (!current) {
            inv.write_err("no crontab for " + user + "\n");
            co_return 1;
        }
        (void)state.fs.remove(table);
        co_return 0;
    }
    if (args.has('e')) {
        if (!current) inv.write_err("no crontab for " + user + " - using an empty one\n");
        inv.write_err("No modification made\n");
        co_return 0;
    }
    std::string text;
    if (args.operands.empty() || args.operands[0] == "-") {
        text = std::string(inv.input);
    } else {
        auto read = read_for_command(state, args.operands[0]);
        if (!read.ok()) {
            inv.write_err(args.operands[0] + ": " + read.error + "\n");
            co_return 1;
        }
        text = std::move(read.data);
    }
    if (!state.fs.is_dir(dir)) (void)state.fs.mkdir(dir, {}, 01730);
    if (state.fs.write(table, text) != FsError::ok) {
        inv.write_err("crontab: installing new crontab\n" + dir +
                      "/#tmp: No space left on device\n");
        co_return 1;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
