// The docker_api persona (see docker_persona.hpp): Docker Engine releases as `docker version`
// reports them, and the containers a decky already runs.
#include "honeypot/services/docker_api/docker_persona.hpp"

#include <array>
#include <ctime>

#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

// Debian's docker.io, then Docker CE releases attackers commonly find exposed.
constexpr std::array<EngineRelease, 4> kReleases = {{
    {"20.10.24+dfsg1", "1.41", "5d6db84", "go1.19.8", "2023-05-18T16:20:02.000000000+00:00",
     "1.6.20~ds1", "1.6.20~ds1-1+b1", "1.1.5+ds1", "1.1.5+ds1-1+deb12u1", ""},
    {"24.0.5", "1.43", "a61e2b4", "go1.20.6", "2023-07-21T20:35:45.000000000+00:00", "1.6.22",
     "8165feabfdfe38c65b599c4993d227328c231fca", "1.1.8", "v1.1.8-0-g82f18fe", "de40ad0"},
    {"26.1.4", "1.45", "de5c9cf", "go1.21.11", "2024-06-05T11:29:54.000000000+00:00", "1.6.33",
     "d2d58213f83a351ca8f528a95fbd145f5654e957", "1.1.12", "v1.1.12-0-g51d5e94", "de40ad0"},
    {"27.5.1", "1.47", "4c9b3b0", "go1.22.11", "2025-01-22T13:41:17.000000000+00:00", "1.7.25",
     "bcc810d6b9066471b0b6fa75f557a15a1cbf31bb", "1.2.4", "v1.2.4-0-g6c52b3f", "de40ad0"},
}};

constexpr std::array<std::string_view, 4> kVersions = {"20.10.24+dfsg1", "24.0.5", "26.1.4",
                                                       "27.5.1"};

constexpr std::string_view kStartError =
    "failed to create task for container: failed to create shim task: OCI runtime create "
    "failed: runc create failed: unable to start container process: unable to apply cgroup "
    "configuration: mkdir /sys/fs/cgroup/system.slice/docker-{id}.scope: no space left on "
    "device: unknown";

struct Template {
    std::string_view name, image, command;
    std::vector<std::string> args;
    std::uint16_t private_port, public_port;
    std::int64_t size;
};

std::vector<PersonaContainer> persona_containers(std::uint64_t seed) {
    static const std::array<Template, 4> kTemplates = {{
        {"webapp",
         "nginx:1.25-alpine",
         "/docker-entrypoint.sh nginx -g 'daemon off;'",
         {"nginx", "-g", "daemon off;"},
         80,
         80,
         43216811},
        {"api",
         "node:18-alpine",
         "docker-entrypoint.sh node server.js",
         {"node", "server.js"},
         3000,
         3000,
         176321440},
        {"redis",
         "redis:7.2-alpine",
         "docker-entrypoint.sh redis-server",
         {"redis-server"},
         6379,
         0,
         40968310},
        {"db", "postgres:15", "docker-entrypoint.sh postgres", {"postgres"}, 5432, 0, 412655327},
    }};
    // Deployed together some weeks ago, recreated once since (the api a few days later).
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const std::int64_t deployed = now - 86400 * (20 + static_cast<std::int64_t>(seed % 40)) -
                                  static_cast<std::int64_t>(seed % 86400);
    std::vector<PersonaContainer> out;
    int n = 0;
    for (const auto& t : kTemplates) {
        PersonaContainer c;
        c.name = t.name;
        c.id = stable_hex(seed, t.name);
        c.image = t.image;
        c.image_id = "sha256:" + stable_hex(seed / 3, t.image);
        c.command = t.command;
        c.args = t.args;
        c.created = deployed + (n == 1 ? 86400 * 3 + 3721 : 37 * n);
        c.private_port = t.private_port;
        c.public_port = t.public_port;
        c.ip = "172.17.0." + std::to_string(2 + n);
        c.image_size = t.size;
        out.push_back(std::move(c));
        ++n;
    }
    return out;
}

}  // namespace

std::string stable_hex(std::uint64_t seed, std::string_view salt, std::size_t digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    std::uint64_t h = stable_hash(salt, seed ^ 0x9e3779b97f4a7c15ULL);
    while (out.size() < digits) {
        for (int i = 0; i < 16 && out.size() < digits; ++i) out += kHex[(h >> (i * 4)) & 0xf];
        h = stable_hash(salt, h);
    }
    return out;
}

std::shared_ptr<const ServiceSettings> configure_docker(const PersonaReader& persona) {
    auto settings = std::make_shared<DockerSettings>();
    const auto version = persona.choice("version", kVersions);
    for (const auto& r : kReleases)
        if (r.version == version) settings->release = &r;
    settings->start_error = persona.line("start_error");
    if (settings->start_error.empty()) settings->start_error = std::string(kStartError);
    settings->hostname = persona.decky().hostname;
    settings->seed = stable_hash(persona.decky().name + "/" + persona.decky().hostname);
    settings->containers = persona_containers(settings->seed);
    return settings;
}

}  // namespace decnet::honeypot
