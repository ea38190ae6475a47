// uname: the world's kernel (host profile) with coreutils' flags. Ubuntu's and Red Hat's
// coreutils report the processor and hardware platform (so -a shows x86_64 three times);
// Debian's, Kali's and Arch's say "unknown" and -a leaves them out. Alpine's is busybox.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> uname(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "asnrvmpio");
    if (args.invalid) {
        inv.write_err(invalid_option("uname", args.invalid));
        co_return 1;
    }
    if (!args.operands.empty()) {
        inv.write_err("uname: extra operand '" + args.operands[0] +
                      "'\nTry 'uname --help' for more information.\n");
        co_return 1;
    }
    const auto& state = inv.state;
    const auto& h = state.world.host;
    const auto& distro = distro_files(state.world.distro);
    const bool patched = distro.family == DistroFamily::rhel || distro.slug.starts_with("ubuntu") ||
                         distro.family == DistroFamily::alpine;
    const std::string platform = patched ? h.machine : "unknown";
    const bool all = args.has('a') || args.has_long("all");
    std::string flags = args.flags;
    for (const auto& l : args.long_flags) {
        if (l == "kernel-name") flags += 's';
        if (l == "nodename") flags += 'n';
        if (l == "kernel-release") flags += 'r';
        if (l == "kernel-version") flags += 'v';
        if (l == "machine") flags += 'm';
        if (l == "processor") flags += 'p';
        if (l == "hardware-platform") flags += 'i';
        if (l == "operating-system") flags += 'o';
    }
    if (flags.empty()) flags = "s";
    auto want = [&](char c) { return all || flags.find(c) != std::string::npos; };
    std::vector<std::string> parts;
    if (want('s')) parts.push_back("Linux");
    if (want('n')) parts.push_back(state.hostname);
    if (want('r')) parts.push_back(h.kernel_release);
    if (want('v')) parts.push_back(h.kernel_version);
    if (want('m')) parts.push_back(h.machine);
    if ((all && patched) || (!all && flags.find('p') != std::string::npos))
        parts.push_back(platform);
    if ((all && patched) || (!all && flags.find('i') != std::string::npos))
        parts.push_back(platform);
    if (want('o')) parts.push_back(distro.family == DistroFamily::alpine ? "Linux" : h.os_name);
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
    inv.write_out(out + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
