// netstat: net-tools' socket table (-t -u -l -n -p -a): the decky's listening services and
// the attacker's own connection.
#include "honeypot/session.hpp"
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_netstat(Invocation& inv) {
    const bool listening = has_flag(inv.argv, 'l');
    const bool all = has_flag(inv.argv, 'a');
    const bool programs = has_flag(inv.argv, 'p');
    bool tcp = has_flag(inv.argv, 't'), udp = has_flag(inv.argv, 'u');
    if (!tcp && !udp) tcp = udp = true;
    const auto& state = inv.state;
    inv.write_out(listening ? "Active Internet connections (only servers)\n"
                  : all     ? "Active Internet connections (servers and established)\n"
                            : "Active Internet connections (w/o servers)\n");
    inv.write_out(std::string("Proto Recv-Q Send-Q Local Address           Foreign Address         "
                              "State      ") +
                  (programs ? " PID/Program name    \n" : "\n"));
    auto row = [&](const std::string& proto, const std::string& local, const std::string& peer,
                   const std::string& st, const std::string& program) {
        std::string line = format("%-5s %6d %6d %-23s %-23s %-11s", proto.c_str(), 0, 0,
                                  local.c_str(), peer.c_str(), st.c_str());
        if (programs) line += " " + format("%-20s", program.c_str());
        inv.write_out(line + "\n");
    };
    if (listening || all) {
        for (const auto& s : listening_sockets(state.world, now_seconds())) {
            const bool is_tcp = s.protocol.starts_with("tcp");
            if ((is_tcp && !tcp) || (!is_tcp && !udp)) continue;
            const bool v6 = s.protocol.ends_with("6");
            const std::string program =
                s.pid ? format("%d/%s", s.pid, s.process.substr(0, 15).c_str()) : "-";
            row(s.protocol, (v6 ? ":::" : s.local + ":") + std::to_string(s.port),
                v6 ? ":::*" : "0.0.0.0:*", s.state, program);
        }
    }
    if (!listening && tcp) {
        const auto local =
            state.session.local_ip().empty() ? state.world.ip : state.session.local_ip();
        const auto& service = state.session.context().service;
        row("tcp", local + ":" + (service == "telnet" ? "23" : "22"),
            state.session.peer_ip() + ":" + std::to_string(state.session.peer_port()),
            "ESTABLISHED", "-");
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
