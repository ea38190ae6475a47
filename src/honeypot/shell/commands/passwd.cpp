// passwd and chpasswd: the new password is read from stdin when a script pipes it (and must
// be typed twice alike); a prompt-only session gets the prompts and PAM's success line.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> passwd(Invocation& inv) {
    auto& state = inv.state;
    std::string user = state.user;
    for (std::size_t i = 1; i < inv.argv.size(); ++i)
        if (!inv.argv[i].starts_with('-')) user = inv.argv[i];
    if (!state.world.accounts.find(user)) {
        inv.write_err("passwd: user '" + user + "' does not exist\n");
        co_return 1;
    }
    if (user != state.user && state.uid != 0) {
        inv.write_err("passwd: You may not view or modify password information for " + user +
                      ".\n");
        co_return 1;
    }
    const auto lines = split_lines(inv.input);
    inv.write_err("New password: \nRetype new password: \n");
    if (lines.size() >= 2 && lines[0] != lines[1]) {
        inv.write_err(
            "Sorry, passwords do not match.\npasswd: Authentication token manipulation "
            "error\npasswd: password unchanged\n");
        co_return 10;
    }
    inv.write_out("passwd: password updated successfully\n");
    co_return 0;
}

boost::asio::awaitable<int> chpasswd(Invocation& inv) {
    auto& state = inv.state;
    if (state.uid != 0) {
        inv.write_err("chpasswd: Permission denied.\n");
        co_return 1;
    }
    int line = 0, status = 0;
    for (const auto l : split_lines(inv.input)) {
        ++line;
        const auto colon = l.find(':');
        if (colon == std::string_view::npos) {
            inv.write_err("chpasswd: line " + std::to_string(line) + ": missing new password\n");
            status = 1;
        } else if (!state.world.accounts.find(std::string(l.substr(0, colon)))) {
            inv.write_err("chpasswd: line " + std::to_string(line) + ": user '" +
                          std::string(l.substr(0, colon)) + "' does not exist\n");
            status = 1;
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
