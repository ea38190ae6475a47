// busybox: applet dispatch (`busybox wget …`, `/bin/busybox cat …`) to the shell's own
// commands, its usage text and applet list, and "applet not found" for the rest — the line
// Mirai-style bots probe with (`/bin/busybox MIRAI`).
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr std::string_view kApplets[] = {
    "[",        "[[",    "ash",     "base64", "cat",    "chmod", "chown", "clear",    "cp",
    "crontab",  "echo",  "env",     "false",  "ftpget", "grep",  "head",  "hostname", "id",
    "ifconfig", "kill",  "killall", "ls",     "md5sum", "mkdir", "mount", "mv",       "netstat",
    "nohup",    "nproc", "passwd",  "ps",     "pwd",    "rm",    "sh",    "sha1sum",  "sha256sum",
    "sleep",    "su",    "tail",    "test",   "tftp",   "top",   "touch", "true",     "uname",
    "uptime",   "wc",    "wget",    "which",  "whoami"};

bool is_applet(std::string_view name) {
    for (const auto a : kApplets)
        if (a == name) return true;
    return false;
}

std::string usage() {
    std::string out =
        "BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\nBusyBox is copyrighted by "
        "many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for "
        "detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox "
        "--list[-full]\n   or: busybox --show SCRIPT\n   or: busybox --install [-s] [DIR]\n   or: "
        "function [arguments]...\n\n\tBusyBox is a multi-call binary that combines many common "
        "Unix\n\tutilities into a single executable.  Most people will create a\n\tlink to busybox "
        "for each function they wish to use and BusyBox\n\twill act like whatever it was invoked "
        "as.\n\nCurrently defined functions:\n";
    std::string line = "\t";
    for (const auto a : kApplets) {
        if (line.size() + a.size() + 2 > 78) {
            out += line + "\n";
            line = "\t";
        }
        line += std::string(a) + ", ";
    }
    line.resize(line.size() - 2);
    return out + line + "\n\n";
}

}  // namespace

boost::asio::awaitable<int> busybox(Invocation& inv) {
    if (inv.argv.size() < 2) {
        inv.write_out(usage());
        co_return 0;
    }
    const auto& applet = inv.argv[1];
    if (applet == "--list") {
        std::string out;
        for (const auto a : kApplets) out += std::string(a) + "\n";
        inv.write_out(out);
        co_return 0;
    }
    if (applet == "--help") {
        inv.write_out(usage());
        co_return 0;
    }
    if (!is_applet(applet) || !inv.state.runner) {
        inv.write_err(applet + ": applet not found\n");
        co_return 127;
    }
    std::vector<std::string> argv(inv.argv.begin() + 1, inv.argv.end());
    co_return co_await inv.state.runner->run_argv(inv, std::move(argv));
}

// yes: its argument (or "y") over and over until the reader stops it — here, the output cap.
boost::asio::awaitable<int> yes(Invocation& inv) {
    std::string word = "y";
    if (inv.argv.size() > 1) {
        word = inv.argv[1];
        for (std::size_t i = 2; i < inv.argv.size(); ++i) word += " " + inv.argv[i];
    }
    const std::string line = word + "\n";
    std::string block;
    while (block.size() < 65536) block += line;
    while (inv.write_out(block)) {
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
