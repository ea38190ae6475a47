// Builds the privilege-drop request of a running instance (see instance_privileges.hpp).
#include "cli/instance_privileges.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "store/database.hpp"

namespace decnet::cli {

std::string check_user_exists(const std::string& name) {
    try {
        engine::lookup_user(name);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

engine::PrivilegeDrop instance_privilege_drop(const InstanceOptions& options,
                                              const DeploymentConfig& config,
                                              const engine::StatePaths& paths) {
    engine::PrivilegeDrop drop;
    drop.user = options.user;
    drop.namespace_admin = config.mode == DeployMode::netns;
    drop.trees.push_back(paths.dir);
    const char* db_type = std::getenv("DECNET_DB_TYPE");
    if (!db_type || std::string_view(db_type) != "mysql") {
        const auto db = store::resolve_sqlite_path(options.db.empty() ? std::nullopt
                                                                      : std::optional(options.db));
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            drop.files.push_back(db + suffix);
    }
    if (config.log_file) {
        const int fd =
            ::open(config.log_file->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd >= 0) ::close(fd);
        drop.files.push_back(*config.log_file);
    }
    for (const auto& decky : config.deckies)
        for (const auto& [service, persona] : decky.service_config)
            if (const auto files = persona.find("files"); files != persona.end())
                drop.readable.push_back(files->second);
    return drop;
}

}  // namespace decnet::cli
