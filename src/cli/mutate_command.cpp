// `decnet mutate`: rotate deckies' services now, through the running instance (which
// also rotates due deckies by itself on their intervals).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/instance_client.hpp"
#include "core/error.hpp"

namespace decnet::cli {
namespace {

std::string join(const nlohmann::json& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : ", ") + item.get<std::string>();
    return out;
}

int run_mutate(const std::string& state_dir, const std::string& decky, bool all) {
    nlohmann::json request = {{"cmd", "mutate"}};
    if (!decky.empty())
        request["decky"] = decky;
    else if (all)
        request["all"] = true;
    const auto response =
        nlohmann::json::parse(ask_instance(engine::state_paths(state_dir), request.dump()));
    if (!response.value("ok", false))
        throw ConfigError(response.value("error", std::string("mutation refused")));
    int failed = 0;
    for (const auto& m : response.at("mutations")) {
        const auto name = m.value("decky", "");
        if (m.value("ok", false)) {
            std::cout << "Mutated '" << name << "': " << join(m.at("old_services")) << " → "
                      << join(m.at("new_services")) << std::endl;
        } else {
            ++failed;
            std::cerr << "Failed to mutate '" << name << "': " << m.value("error", "") << std::endl;
        }
    }
    if (response.at("mutations").empty()) std::cout << "No deckies are due for mutation.\n";
    return failed ? kExitError : kExitOk;
}

}  // namespace

void add_mutate_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("mutate", "Rotate the services of deckies");
    auto watch = std::make_shared<bool>(false);
    auto all = std::make_shared<bool>(false);
    auto daemon = std::make_shared<bool>(false);
    auto decky = std::make_shared<std::string>();
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--watch,-w", *watch, "Keep running and mutate deckies when they are due");
    cmd->add_option("--decky", *decky, "Mutate this decky now");
    cmd->add_flag("--all", *all, "Mutate every decky now");
    cmd->add_flag("--daemon,-d", *daemon, "Detach into the background");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance");
    cmd->callback([&exit_code, watch, all, decky, state_dir] {
        if (*watch) {
            exit_code = not_available(
                "mutate --watch",
                "a separate watcher; the running instance (`up`/`deploy`) mutates due deckies "
                "itself");
            return;
        }
        exit_code = run_mutate(*state_dir, *decky, *all);
    });
}

}  // namespace decnet::cli
