// The deployment flags shared by `deploy` and `up` (the reference's deploy flags plus
// --mode, --seed and --log-target).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/deployment_plan.hpp"

namespace CLI {
class App;
}

namespace decnet::cli {

struct DeployFlags {
    engine::DeployOptions options;
    int deckies = 0;  // raw --deckies; range-checked by finish()
    bool dry_run = false;
    bool json = false;
    std::optional<std::string> output;         // docker mode: compose file ("-" = stdout)
    std::optional<std::string> templates_dir;  // docker mode: build contexts

    // Copies raw values into options; throws UsageError for range violations.
    void finish(const CLI::App& command);
};

std::shared_ptr<DeployFlags> add_deploy_flags(CLI::App& command);

// Prints the plan: the reference's network line and a table, or JSON.
void print_plan(const engine::DeploymentPlan& plan, bool json);

// Docker mode dry run: writes the compose file (--output, default ./decnet-compose.yml)
// and says how to start it. Throws UsageError for --output outside a docker dry run.
// Returns the exit code; a docker-mode run that is not a dry run is "not available".
int export_compose(const engine::DeploymentPlan& plan, const DeployFlags& flags,
                   std::string_view verb);

// Plans with the system's network detector and the current time.
engine::DeploymentPlan make_plan(const engine::DeployOptions& options);

}  // namespace decnet::cli
