// ifconfig: net-tools' view of the decky's interfaces (its address and KVM MAC); changing
// them is refused like a non-root user's attempt, or ignored for root.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {
namespace {

std::string netmask(int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return format("%u.%u.%u.%u", mask >> 24, (mask >> 16) & 255, (mask >> 8) & 255, mask & 255);
}

// "(1.2 MB)": net-tools' decimal units.
std::string decimal_size(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1000.0 && unit + 1 < std::size(kUnits)) {
        value /= 1000.0;
        ++unit;
    }
    return format("%.1f %s", value, kUnits[unit]);
}

std::string describe(const InterfaceView& i) {
    const bool lo = i.mac.empty();
    std::string out =
        lo ? format("%s: flags=73<UP,LOOPBACK,RUNNING>  mtu %d\n", i.name.c_str(), i.mtu)
           : format("%s: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu %d\n", i.name.c_str(),
                    i.mtu);
    out += format("        inet %s  netmask %s", i.ipv4.c_str(), netmask(i.prefix).c_str());
    out += lo ? "\n" : format("  broadcast %s\n", i.broadcast.c_str());
    out += lo ? "        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n"
              : format("        inet6 %s  prefixlen 64  scopeid 0x20<link>\n",
                       i.ipv6_link_local.c_str());
    out += lo ? "        loop  txqueuelen 1000  (Local Loopback)\n"
              : format("        ether %s  txqueuelen 1000  (Ethernet)\n", i.mac.c_str());
    out += format("        RX packets %llu  bytes %llu (%s)\n",
                  static_cast<unsigned long long>(i.rx_packets),
                  static_cast<unsigned long long>(i.rx_bytes), decimal_size(i.rx_bytes).c_str());
    out += "        RX errors 0  dropped 0  overruns 0  frame 0\n";
    out += format("        TX packets %llu  bytes %llu (%s)\n",
                  static_cast<unsigned long long>(i.tx_packets),
                  static_cast<unsigned long long>(i.tx_bytes), decimal_size(i.tx_bytes).c_str());
    out += "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n";
    return out;
}

}  // namespace

boost::asio::awaitable<int> run_ifconfig(Invocation& inv) {
    auto list = interfaces(inv.state.world, now_seconds());
    // net-tools lists by name: eth0 before lo.
    std::swap(list.front(), list.back());
    std::string only;
    for (std::size_t i = 1; i < inv.argv.size(); ++i)
        if (!inv.argv[i].starts_with("-")) {
            if (!only.empty()) {  // ifconfig eth0 up / address: a configuration change
                if (inv.state.uid != 0) {
                    inv.write_err("SIOCSIFFLAGS: Operation not permitted\n");
                    co_return 1;
                }
                co_return 0;
            }
            only = inv.argv[i];
        }
    bool found = only.empty();
    for (const auto& i : list)
        if (only.empty() || only == i.name) {
            inv.write_out(describe(i));
            found = true;
        }
    if (!found) {
        inv.write_err(only + ": error fetching interface information: Device not found\n");
        co_return 1;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
