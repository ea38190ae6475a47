// hostname: the decky's name (-f with its domain, -i/-I its address, -s short, -d domain);
// root may rename it for this session, as root could on the real host.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> hostname(Invocation& inv) {
    auto& state = inv.state;
    const auto args = parse_args(inv.argv, "", "fiIsdAaby");
    if (args.invalid) {
        inv.write_err(invalid_option("hostname", args.invalid));
        co_return 1;
    }
    const auto& domain = state.world.domain;
    const std::string short_name = state.hostname.substr(0, state.hostname.find('.'));
    if (!args.operands.empty()) {
        if (state.uid != 0) {
            inv.write_err("hostname: you must be root to change the host name\n");
            co_return 1;
        }
        state.hostname = args.operands[0];
        co_return 0;
    }
    std::string out = state.hostname;
    if (args.has('f') || args.has('A'))
        out = domain.empty() || state.hostname.find('.') != std::string::npos
                  ? state.hostname
                  : short_name + "." + domain;
    else if (args.has('i'))
        out = state.world.ip.empty() ? "127.0.1.1" : state.world.ip;
    else if (args.has('I'))
        out = (state.world.ip.empty() ? "127.0.1.1" : state.world.ip) + " ";
    else if (args.has('s'))
        out = short_name;
    else if (args.has('d'))
        out = domain;
    inv.write_out(out + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
