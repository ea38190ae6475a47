// env: the environment (NAME=value lines), or `env NAME=v cmd` running cmd with them.
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> env(Invocation& inv) {
    auto& state = inv.state;
    std::size_t i = 1;
    bool empty = false;
    for (; i < inv.argv.size() && inv.argv[i].starts_with('-'); ++i)
        if (inv.argv[i] == "-i" || inv.argv[i] == "-") empty = true;
    std::vector<std::pair<std::string, std::string>> set;
    for (; i < inv.argv.size() && inv.argv[i].find('=') != std::string::npos; ++i) {
        const auto eq = inv.argv[i].find('=');
        set.emplace_back(inv.argv[i].substr(0, eq), inv.argv[i].substr(eq + 1));
    }
    if (i < inv.argv.size() && state.runner) {
        const auto saved = state.env;
        if (empty) state.env.clear();
        for (const auto& [k, v] : set) state.env[k] = v;
        std::vector<std::string> argv(inv.argv.begin() + static_cast<std::ptrdiff_t>(i),
                                      inv.argv.end());
        const int status = co_await state.runner->run_argv(inv, std::move(argv));
        state.env = saved;
        co_return status;
    }
    auto shown = empty ? std::map<std::string, std::string>() : state.env;
    for (const auto& [k, v] : set) shown[k] = v;
    std::string out;
    for (const auto& [k, v] : shown) out += k + "=" + v + "\n";
    inv.write_out(out);
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
