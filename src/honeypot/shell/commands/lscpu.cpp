// lscpu: util-linux's summary of the CPU /proc/cpuinfo describes (a KVM guest's).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_lscpu(Invocation& inv) {
    const auto& host = inv.state.world.host;
    const bool amd = host.cpu_vendor == "AuthenticAMD";
    const int n = host.cpu_count;
    auto line = [&](const char* name, const std::string& value) {
        inv.write_out(format("%-39s %s\n", (std::string(name) + ":").c_str(), value.c_str()));
    };
    line("Architecture", host.machine);
    line("  CPU op-mode(s)", "32-bit, 64-bit");
    line("  Address sizes",
         amd ? "48 bits physical, 48 bits virtual" : "46 bits physical, 48 bits virtual");
    line("  Byte Order", "Little Endian");
    line("CPU(s)", std::to_string(n));
    line("  On-line CPU(s) list", n == 1 ? "0" : "0-" + std::to_string(n - 1));
    line("Vendor ID", host.cpu_vendor);
    line("  Model name", host.cpu_model);
    line("    CPU family", std::to_string(host.cpu_family));
    line("    Model", std::to_string(host.cpu_model_number));
    line("    Thread(s) per core", "1");
    line("    Core(s) per socket", std::to_string(n));
    line("    Socket(s)", "1");
    line("    Stepping", std::to_string(host.cpu_stepping));
    line("    BogoMIPS", format("%.2f", host.cpu_mhz * 2));
    line("Virtualization features", "");
    line("  Hypervisor vendor", "KVM");
    line("  Virtualization type", "full");
    line("Caches (sum of all)", "");
    line("  L1d", format("%d KiB (%d instance%s)", 32 * n, n, n == 1 ? "" : "s"));
    line("  L1i", format("%d KiB (%d instance%s)", 32 * n, n, n == 1 ? "" : "s"));
    line("  L2", format("%d MiB (%d instance%s)", n, n, n == 1 ? "" : "s"));
    line("  L3", format("%d MiB (1 instance)", host.cache_kb / 1024));
    line("NUMA", "");
    line("  NUMA node(s)", "1");
    line("  NUMA node0 CPU(s)", n == 1 ? "0" : "0-" + std::to_string(n - 1));
    co_return 0;
}

}  // namespace decnet::honeypot::shell
