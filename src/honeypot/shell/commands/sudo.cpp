// sudo and su. The logins that reach this shell are root or sudoers, so sudo runs the
// command (no password dance); `sudo -l` lists ALL. su to another account changes who the
// shell is for the rest of the session; a non-root su fails authentication.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> sudo(Invocation& inv) {
    auto& state = inv.state;
    std::size_t i = 1;
    bool shell = false;
    for (; i < inv.argv.size() && inv.argv[i].starts_with('-'); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-l") {
            inv.write_out("Matching Defaults entries for " + state.user + " on " + state.hostname +
                          ":\n    env_reset, mail_badpass,\n    "
                          "secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/"
                          "sbin\\:/bin\\:/snap/bin,\n    use_pty\n\nUser " +
                          state.user + " may run the following commands on " + state.hostname +
                          ":\n    (ALL : ALL) ALL\n");
            co_return 0;
        }
        if (a == "-V") {
            inv.write_out(
                "Sudo version 1.9.13p3\nSudoers policy plugin version 1.9.13p3\nSudoers file "
                "grammar version 50\nSudoers I/O plugin version 1.9.13p3\nSudoers audit plugin "
                "version 1.9.13p3\n");
            co_return 0;
        }
        if (a == "-i" || a == "-s" || a == "su") shell = true;
        if (a == "-u" || a == "-g" || a == "-C" || a == "-p") ++i;  // their argument
        if (a == "--") {
            ++i;
            break;
        }
    }
    if (i >= inv.argv.size()) {
        if (shell) co_return 0;  // a root shell in this shell: nothing changes
        inv.write_err(
            "usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p "
            "prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U "
            "user]\n            [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-r role] "
            "[-t type] [-C num] [-D directory]\n            [-g group] [-h host] [-p prompt] [-R "
            "directory] [-T timeout]\n            [-u user] [VAR=value] [-i | -s] [command [arg "
            "...]]\nusage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]\n         "
            "   [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]\n            [-u "
            "user] file ...\n");
        co_return 1;
    }
    if (!state.runner) co_return 0;
    std::vector<std::string> argv(inv.argv.begin() + static_cast<std::ptrdiff_t>(i),
                                  inv.argv.end());
    // The command runs as root.
    const auto uid = state.uid, gid = state.gid;
    state.uid = state.gid = 0;
    const int status = co_await state.runner->run_argv(inv, std::move(argv));
    state.uid = uid;
    state.gid = gid;
    co_return status;
}

boost::asio::awaitable<int> su(Invocation& inv) {
    auto& state = inv.state;
    std::string target = "root";
    bool login = false;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-" || a == "-l" || a == "--login")
            login = true;
        else if (a == "-c" && i + 1 < inv.argv.size())
            ++i;
        else if (!a.starts_with('-'))
            target = a;
    }
    const auto* account = state.world.accounts.find(target);
    if (!account) {
        inv.write_err(
            "su: user " + target +
            " does not exist or the user entry does not contain all the required fields\n");
        co_return 1;
    }
    if (state.uid != 0) {
        inv.write_err("Password: \nsu: Authentication failure\n");
        co_return 1;
    }
    state.user = account->name;
    state.uid = account->uid;
    state.gid = account->gid;
    state.home = account->home;
    state.env["USER"] = state.env["LOGNAME"] = account->name;
    state.env["HOME"] = account->home;
    if (login && state.fs.is_dir(account->home)) state.cwd = account->home;
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
