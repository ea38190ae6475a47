// ip: iproute2's `ip addr`, `ip route` and `ip link` (with -4/-6/-br left out) over the
// decky's interfaces; changes are refused for non-root users and ignored for root.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {
namespace {

constexpr std::string_view kUsage =
    "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
    "       ip [ -force ] -batch filename\n"
    "where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n"
    "                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n"
    "                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n"
    "                   ntbl | route | rule | sr | tap | tcpmetrics |\n"
    "                   token | tunnel | tuntap | vrf | xfrm }\n"
    "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n"
    "                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n"
    "                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n"
    "                    -4 | -6 | -M | -B | -0 |\n"
    "                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n"
    "                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n"
    "                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n"
    "                    -c[olor]}\n";

bool abbreviates(std::string_view word, std::string_view full) {
    return !word.empty() && full.starts_with(word);
}

std::string link_line(const InterfaceView& i, bool mode) {
    const bool lo = i.mac.empty();
    std::string out = format(
        "%d: %s: %s mtu %d qdisc %s state %s %sgroup default qlen 1000\n", i.index, i.name.c_str(),
        lo ? "<LOOPBACK,UP,LOWER_UP>" : "<BROADCAST,MULTICAST,UP,LOWER_UP>", i.mtu,
        lo ? "noqueue" : "fq_codel", lo ? "UNKNOWN" : "UP", mode ? "mode DEFAULT " : "");
    out += lo ? "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
              : "    link/ether " + i.mac + " brd ff:ff:ff:ff:ff:ff\n";
    if (!lo) out += "    altname enp0s3\n";
    return out;
}

std::string addresses(const std::vector<InterfaceView>& list) {
    std::string out;
    for (const auto& i : list) {
        const bool lo = i.mac.empty();
        out += link_line(i, false);
        out += lo ? "    inet 127.0.0.1/8 scope host lo\n"
                  : format("    inet %s/%d brd %s scope global %s\n", i.ipv4.c_str(), i.prefix,
                           i.broadcast.c_str(), i.name.c_str());
        out += "       valid_lft forever preferred_lft forever\n";
        out += lo ? "    inet6 ::1/128 scope host \n"
                  : "    inet6 " + i.ipv6_link_local + "/64 scope link \n";
        out += "       valid_lft forever preferred_lft forever\n";
    }
    return out;
}

}  // namespace

boost::asio::awaitable<int> run_ip(Invocation& inv) {
    std::vector<std::string> words;
    for (std::size_t i = 1; i < inv.argv.size(); ++i)
        if (!inv.argv[i].starts_with("-")) words.push_back(inv.argv[i]);
    if (words.empty()) {
        inv.write_err(std::string(kUsage));
        co_return 255;
    }
    const auto& world = inv.state.world;
    const auto list = interfaces(world, now_seconds());
    const std::string& object = words[0];
    const std::string verb = words.size() > 1 ? words[1] : "show";
    const bool show = abbreviates(verb, "show") || abbreviates(verb, "list");
    if (!show && (abbreviates(object, "address") || abbreviates(object, "route") ||
                  abbreviates(object, "link"))) {
        if (inv.state.uid != 0) {
            inv.write_err("RTNETLINK answers: Operation not permitted\n");
            co_return 2;
        }
        co_return 0;
    }
    if (object == "a" || abbreviates(object, "address")) {
        inv.write_out(addresses(list));
    } else if (object == "r" || abbreviates(object, "route")) {
        const auto& eth = list.back();
        const std::string network = eth.ipv4.substr(0, eth.ipv4.rfind('.') + 1) + "0";
        inv.write_out("default via " + default_gateway(world) + " dev " + eth.name + " onlink \n" +
                      network + "/24 dev " + eth.name + " proto kernel scope link src " + eth.ipv4 +
                      " \n");
    } else if (object == "l" || abbreviates(object, "link")) {
        for (const auto& i : list) inv.write_out(link_line(i, true));
    } else if (object == "n" || abbreviates(object, "neighbour") ||
               abbreviates(object, "neighbor")) {
        inv.write_out(default_gateway(world) + " dev " + list.back().name +
                      " lladdr 52:54:00:" + mac_address(world).substr(9, 5) + ":01 REACHABLE\n");
    } else {
        inv.write_err("Object \"" + object + "\" is unknown, try \"ip help\".\n");
        co_return 1;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
