// nproc: the CPU count /proc/cpuinfo lists (--all the same: no CPU is offline).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_nproc(Invocation& inv) {
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& arg = inv.argv[i];
        if (arg != "--all" && !arg.starts_with("--ignore")) {
            inv.write_err("nproc: extra operand '" + arg +
                          "'\nTry 'nproc --help' for more information.\n");
            co_return 1;
        }
    }
    inv.write_out(std::to_string(inv.state.world.host.cpu_count) + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell
