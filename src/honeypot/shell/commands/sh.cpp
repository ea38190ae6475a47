// sh, bash, dash, ash: `-c 'script' [name args…]`, a script file, or the script on stdin
// (`curl … | sh`), run by this same interpreter; --version as the distro's bash says it.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

std::string bash_version(std::string_view distro) {
    if (distro == "ubuntu22" || distro == "rocky9")
        return distro == "rocky9" ? "5.1.8(1)" : "5.1.16(1)";
    if (distro == "ubuntu20") return "5.0.17(1)";
    if (distro == "centos7") return "4.2.46(2)";
    if (distro == "fedora" || distro == "arch") return "5.2.26(1)";
    if (distro == "kali") return "5.2.21(1)";
    return "5.2.15(1)";  // Debian 12
}

}  // namespace

boost::asio::awaitable<int> sh(Invocation& inv) {
    auto& state = inv.state;
    const std::string self = inv.name().substr(inv.name().rfind('/') + 1);
    std::size_t i = 1;
    std::string script;
    bool from_string = false;
    for (; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "--version" && self == "bash") {
            inv.write_out("GNU bash, version " + bash_version(state.world.distro) +
                          "-release (x86_64-pc-linux-gnu)\nCopyright (C) 2022 Free Software "
                          "Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later "
                          "<http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are "
                          "free to change and redistribute it.\nThere is NO WARRANTY, to the "
                          "extent permitted by law.\n");
            co_return 0;
        }
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || (a[0] != '-' && a[0] != '+')) break;
        if (a.find('c') != std::string::npos && a[0] == '-') from_string = true;
    }
    if (!state.runner) co_return 0;
    std::vector<std::string> args;
    if (from_string) {
        if (i >= inv.argv.size()) {
            inv.write_err(self + ": -c: option requires an argument\n");
            co_return 2;
        }
        script = inv.argv[i++];
        args.push_back(i < inv.argv.size() ? inv.argv[i++] : self);
    } else if (i < inv.argv.size()) {
        const auto& file = inv.argv[i++];
        auto read = read_for_command(state, file);
        if (!read.ok()) {
            if (self == "sh" || self == "dash")
                inv.write_err(self + ": 0: cannot open " + file + ": No such file\n");
            else
                inv.write_err(self + ": " + file + ": " + read.error + "\n");
            co_return 127;
        }
        script = std::move(read.data);
        args.push_back(file);
    } else {
        script = std::string(inv.input);  // a script piped in
        args.push_back(self);
    }
    for (; i < inv.argv.size(); ++i) args.push_back(inv.argv[i]);
    // A child shell: its cd and variables end with it.
    const auto cwd = state.cwd;
    const auto env = state.env;
    const int status = co_await state.runner->run_script(inv, script, std::move(args));
    state.cwd = cwd;
    state.env = env;
    co_return status;
}

// eval: its arguments joined, run as a line.
boost::asio::awaitable<int> eval(Invocation& inv) {
    std::string script;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) script += (i > 1 ? " " : "") + inv.argv[i];
    if (!inv.state.runner || script.empty()) co_return 0;
    std::vector<std::string> args{inv.state.error_prefix};
    co_return co_await inv.state.runner->run_script(inv, script, std::move(args));
}

// source and `.`: a file's lines run in this shell.
boost::asio::awaitable<int> source(Invocation& inv) {
    auto& state = inv.state;
    if (inv.argv.size() < 2) {
        inv.write_err(state.error_prefix + ": " + inv.name() + ": filename argument required\n" +
                      inv.name() + ": usage: " + inv.name() + " filename [arguments]\n");
        co_return 2;
    }
    auto read = read_for_command(state, inv.argv[1]);
    if (!read.ok()) {
        inv.write_err(state.error_prefix + ": " + inv.argv[1] + ": " + read.error + "\n");
        co_return 1;
    }
    if (!state.runner) co_return 0;
    std::vector<std::string> args(inv.argv.begin() + 1, inv.argv.end());
    co_return co_await state.runner->run_script(inv, read.data, std::move(args));
}

}  // namespace decnet::honeypot::shell::cmd
