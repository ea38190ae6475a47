// ss: iproute2's socket statistics (-t -u -l -n -p -a): the decky's listening services and
// the attacker's own connection.
#include "honeypot/session.hpp"
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_ss(Invocation& inv) {
    const bool listening = has_flag(inv.argv, 'l');
    const bool all = has_flag(inv.argv, 'a');
    const bool programs = has_flag(inv.argv, 'p');
    bool tcp = has_flag(inv.argv, 't'), udp = has_flag(inv.argv, 'u');
    if (!tcp && !udp) tcp = udp = true;
    const auto& state = inv.state;
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port",
                    "Process"});
    auto add = [&](const std::string& netid, const std::string& st, const std::string& local,
                   const std::string& peer, const std::string& process) {
        std::vector<std::string> row{netid};
        row.insert(row.end(),
                   {st, "0", st == "LISTEN" ? "128" : "0", local, peer, programs ? process : ""});
        rows.push_back(std::move(row));
    };
    if (listening || all) {
        for (const auto& s : listening_sockets(state.world, now_seconds())) {
            const bool is_tcp = s.protocol.starts_with("tcp");
            if ((is_tcp && !tcp) || (!is_tcp && !udp)) continue;
            const bool v6 = s.protocol.ends_with("6");
            const std::string process = s.pid ? format("users:((\"%s\",pid=%d,fd=%d))",
                                                       s.process.c_str(), s.pid, v6 ? 4 : 3)
                                              : "";
            add(is_tcp ? "tcp" : "udp", is_tcp ? "LISTEN" : "UNCONN",
                (v6 ? "[::]" : s.local) + ":" + std::to_string(s.port), v6 ? "[::]:*" : "0.0.0.0:*",
                process);
        }
    }
    if (!listening && tcp) {
        const auto local =
            state.session.local_ip().empty() ? state.world.ip : state.session.local_ip();
        const auto& service = state.session.context().service;
        add("tcp", "ESTAB", local + ":" + (service == "telnet" ? "23" : "22"),
            state.session.peer_ip() + ":" + std::to_string(state.session.peer_port()), "");
    }
    std::vector<bool> left(rows.front().size(), true);
    // Recv-Q/Send-Q left, addresses right-aligned as ss prints them.
    left[rows.front().size() - 3] = false;
    left[rows.front().size() - 2] = false;
    inv.write_out(table(rows, left));
    co_return 0;
}

}  // namespace decnet::honeypot::shell
