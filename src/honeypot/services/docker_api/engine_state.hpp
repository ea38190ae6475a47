// What an attacker changed on one decky's Docker engine, seen by all its connections (the
// docker CLI opens one per call: create, attach, start and wait meet here): containers
// created, images pulled, execs made. Bounded (oldest forgotten first) and guarded by one
// mutex; owned by the decky's DockerSettings, so it lives as long as the deployment.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "honeypot/services/docker_api/docker_request.hpp"

namespace decnet::honeypot::docker {

struct CreatedContainer {
    std::string id;  // 64 hex
    std::string name;
    ContainerSpec spec;
    std::int64_t created = 0;  // epoch seconds
    std::string status = "created";
    int exit_code = 0;
    std::string error;  // why it did not start
};

struct CreatedExec {
    std::string id;
    std::string container_id;
    ExecSpec spec;
};

class EngineState {
  public:
    static constexpr std::size_t kMaxEntries = 64;

    void add_container(CreatedContainer container);
    // By full id, unique id prefix, or name (with or without the leading '/').
    std::optional<CreatedContainer> container(std::string_view ref) const;
    std::vector<CreatedContainer> containers() const;
    void update(const CreatedContainer& container);
    bool remove_container(std::string_view id);
    // A name already taken by an attacker's container.
    bool name_taken(std::string_view name) const;

    void add_image(std::string image);  // "alpine:latest"
    bool has_image(std::string_view image) const;
    std::vector<std::string> images() const;

    void add_exec(CreatedExec exec);
    std::optional<CreatedExec> exec(std::string_view id) const;

  private:
    mutable std::mutex mutex_;
    std::deque<CreatedContainer> containers_;  // guarded by mutex_
    std::deque<std::string> images_;           // guarded by mutex_
    std::deque<CreatedExec> execs_;            // guarded by mutex_
};

}  // namespace decnet::honeypot::docker
