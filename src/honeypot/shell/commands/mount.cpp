// mount: the mounted filesystems as /proc/mounts lists them; mounting is refused like a
// non-root user's or a missing device's attempt.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/shell/system_view.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_mount(Invocation& inv) {
    std::vector<std::string> operands;
    std::string type_filter;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-t" && i + 1 < inv.argv.size())
            type_filter = inv.argv[++i];
        else if (!a.starts_with("-"))
            operands.push_back(a);
    }
    if (!operands.empty()) {
        if (inv.state.uid != 0) {
            inv.write_err("mount: only root can do that\n");
            co_return 1;
        }
        const std::string& device = operands.front();
        inv.write_err("mount: " + (operands.size() > 1 ? operands[1] : device) +
                      ": special device " + device + " does not exist.\n");
        co_return 32;
    }
    for (const auto& m : mount_table(inv.state.world)) {
        if (!type_filter.empty() && m.type != type_filter) continue;
        if (!inv.write_out(m.source + " on " + m.mount + " type " + m.type + " (" + m.options +
                           ")\n"))
            break;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
