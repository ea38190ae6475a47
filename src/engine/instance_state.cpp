// State file JSON and its atomic write.
#include "engine/instance_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"

namespace decnet::engine {
namespace {

using ordered = nlohmann::ordered_json;

ordered decky_json(const DeckyState& d) {
    return {
        {"name", d.name},
        {"ip", d.ip},
        {"mac", d.mac ? ordered(*d.mac) : ordered(nullptr)},
        {"hostname", d.hostname},
        {"os_family", d.os_family},
        {"distro", d.distro},
        {"archetype", d.archetype ? ordered(*d.archetype) : ordered(nullptr)},
        {"services", d.services},
        {"state", d.state},
        {"events", d.events},
        {"mutate_interval", d.mutate_interval},
        {"last_mutated", d.last_mutated},
    };
}

std::optional<std::string> optional_string(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<std::string>();
}

DeckyState decky_from_json(const nlohmann::json& j) {
    DeckyState d;
    d.name = j.at("name").get<std::string>();
    d.ip = j.at("ip").get<std::string>();
    d.mac = optional_string(j, "mac");
    d.hostname = j.value("hostname", "");
    d.os_family = j.value("os_family", "");
    d.distro = j.value("distro", "");
    d.archetype = optional_string(j, "archetype");
    d.services = j.value("services", std::vector<std::string>{});
    d.state = j.value("state", "");
    d.events = j.value("events", std::uint64_t{0});
    d.mutate_interval = j.value("mutate_interval", 0);
    d.last_mutated = j.value("last_mutated", 0.0);
    return d;
}

}  // namespace

std::string instance_state_to_json(const InstanceState& s, int indent) {
    ordered deckies = ordered::array();
    for (const auto& d : s.deckies) deckies.push_back(decky_json(d));
    const ordered doc = {
        {"version", 1},
        {"pid", s.pid},
        {"state_dir", s.state_dir},
        {"control_socket", s.control_socket},
        {"started_at", s.started_at},
        {"mode", s.mode},
        {"subnet", s.subnet},
        {"deckies", deckies},
    };
    return doc.dump(indent);
}

InstanceState instance_state_from_json(std::string_view text) {
    try {
        const auto j = nlohmann::json::parse(text);
        InstanceState s;
        s.pid = j.at("pid").get<long>();
        s.state_dir = j.value("state_dir", "");
        s.control_socket = j.value("control_socket", "");
        s.started_at = j.value("started_at", "");
        s.mode = j.value("mode", "");
        s.subnet = j.value("subnet", "");
        for (const auto& d : j.at("deckies")) s.deckies.push_back(decky_from_json(d));
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(std::string("malformed decnet state: ") + e.what());
    }
}

void write_state_file(const std::string& path, const InstanceState& state) {
    const auto text = instance_state_to_json(state) + "\n";
    const auto tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw ConfigError("cannot write " + tmp + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw ConfigError("cannot write " + tmp + ": " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    // fsync before rename: after a crash the file is the old or the new one, never empty.
    ::fsync(fd);
    ::close(fd);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw ConfigError("cannot replace " + path + ": " + why);
    }
}

std::optional<InstanceState> read_state_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        if (errno == ENOENT) return std::nullopt;
        throw ConfigError("cannot read " + path + ": " + std::strerror(errno));
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        return instance_state_from_json(text.str());
    } catch (const ConfigError& e) {
        throw ConfigError(path + ": " + e.what());
    }
}

}  // namespace decnet::engine
