// docker_api: an exposed Docker Engine API (2375 plain, 2376 TLS; services.md §2.26) deep
// enough for the real docker CLI — _ping, version, info, ps, images, and the whole `docker
// run` sequence (create, pull with its progress stream, hijacked attach, wait, start, logs,
// exec) — until the container fails to start the way a sick host fails. Every request is a
// `request` event; what an attacker tries to run (image, command, env, binds: `-v /:/host`
// is the classic escape) is a `container_create`/`exec_create` event; pulled images and
// uploaded tar contexts are kept (artifacts).

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/docker_api/docker_persona.hpp"
#include "honeypot/services/docker_api/docker_request.hpp"
#include "honeypot/services/http/go_server.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
using json = nlohmann::ordered_json;
using namespace http;
using docker::CreatedContainer;

constexpr std::size_t kMaxRequests = 200;          // per connection
constexpr std::size_t kKeepBody = 64 * 1024;       // of a JSON body, parsed
constexpr std::size_t kMaxJsonBody = 1024 * 1024;  // refused above
constexpr std::size_t kMaxUpload = 64 * 1024 * 1024;
constexpr std::size_t kLogged = 512;
constexpr std::size_t kMaxStdinEvents = 16;

const DockerSettings& settings_of(const Session& s) {
    return s.context().settings_as<DockerSettings>();
}

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::string random_hex(std::size_t bytes) {
    std::array<std::uint8_t, 32> raw{};
    bytes = std::min(bytes, raw.size());
    if (RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1)
        for (auto& b : raw) b = static_cast<std::uint8_t>(std::rand());
    return to_hex(std::span<const std::uint8_t>(raw.data(), bytes));
}

// "2023-07-21T20:35:45.123456789Z" as the engine writes times.
std::string rfc3339(std::int64_t t, bool nanos = true) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  nanos ? ".481207334" : "");
    return out;
}

// "Up 3 weeks" as docker ps words it.
std::string up_for(std::int64_t seconds) {
    const auto plural = [](std::int64_t n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
    };
    if (seconds < 60) return "Up " + plural(std::max<std::int64_t>(seconds, 1), "second");
    if (seconds < 3600) return "Up " + plural(seconds / 60, "minute");
    if (seconds < 2 * 86400) return "Up " + plural(seconds / 3600, "hour");
    if (seconds < 14 * 86400) return "Up " + plural(seconds / 86400, "day");
    if (seconds < 60 * 86400) return "Up " + plural(seconds / (7 * 86400), "week");
    return "Up " + plural(seconds / (30 * 86400), "month");
}

// ---- responses -----------------------------------------------------------------------

// The headers the engine's version middleware puts on every routed answer.
Fields engine_headers(const Session& s) {
    const auto& r = *settings_of(s).release;
    return {{"Api-Version", std::string(r.api)},
            {"Docker-Experimental", "false"},
            {"Ostype", "linux"},
            {"Server", "Docker/" + std::string(r.version) + " (linux)"}};
}

std::string reply(const Session& s, const ApiRequest& request, int code, const json& body) {
    auto headers = engine_headers(s);
    headers.emplace_back("Content-Type", "application/json");
    return go_response(request, code, std::move(headers),
                       body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

std::string reply_error(const Session& s, const ApiRequest& request, int code,
                        std::string_view message) {
    return reply(s, request, code, json{{"message", message}});
}

std::string reply_empty(const Session& s, const ApiRequest& request, int code) {
    return go_response(request, code, engine_headers(s), "");
}

// An unknown route: the router's answer, without the version middleware's headers.
std::string page_not_found(const ApiRequest& request) {
    return go_response(request, 404, {{"Content-Type", "application/json"}},
                       "{\"message\":\"page not found\"}\n");
}

// The head of a streamed (chunked) answer; chunk() frames each piece.
std::string stream_head(const Session& s, const ApiRequest& request, std::string_view type) {
    std::string out = request.http10 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n";
    auto headers = engine_headers(s);
    headers.emplace_back("Content-Type", std::string(type));
    std::sort(headers.begin(), headers.end());
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "Date: " + rfc1123_now() + "\r\n";
    if (!request.http10) out += "Transfer-Encoding: chunked\r\n";
    return out + "\r\n";
}

std::string chunk(const ApiRequest& request, std::string_view data) {
    if (request.http10) return std::string(data);
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + std::string(data) + "\r\n";
}

// A multiplexed-stream frame (stdout 1, stderr 2) as attach and logs send them.
std::string frame(std::uint8_t stream, std::string_view data) {
    std::string out = {static_cast<char>(stream), 0, 0, 0};
    const auto n = static_cast<std::uint32_t>(data.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
    return out + std::string(data);
}

// ---- the host's own facts --------------------------------------------------------------

json version_json(const Session& s) {
    const auto& r = *settings_of(s).release;
    const auto& world = *s.context().world;
    json engine = {{"ApiVersion", r.api},
                   {"Arch", "amd64"},
                   {"BuildTime", r.build_time},
                   {"Experimental", "false"},
                   {"GitCommit", r.git_commit},
                   {"GoVersion", r.go_version},
                   {"KernelVersion", world.host.kernel_release},
                   {"MinAPIVersion", "1.12"},
                   {"Os", "linux"}};
    json components = json::array(
        {{{"Name", "Engine"}, {"Version", r.version}, {"Details", engine}},
         {{"Name", "containerd"},
          {"Version", r.containerd},
          {"Details", {{"GitCommit", r.containerd_commit}}}},
         {{"Name", "runc"}, {"Version", r.runc}, {"Details", {{"GitCommit", r.runc_commit}}}}});
    if (!r.init_commit.empty())
        components.push_back({{"Name", "docker-init"},
                              {"Version", "0.19.0"},
                              {"Details", {{"GitCommit", r.init_commit}}}});
    const bool debian = r.version.find("dfsg") != std::string_view::npos;
    return {{"Platform", {{"Name", debian ? "" : "Docker Engine - Community"}}},
            {"Components", components},
            {"Version", r.version},
            {"ApiVersion", r.api},
            {"MinAPIVersion", "1.12"},
            {"GitCommit", r.git_commit},
            {"GoVersion", r.go_version},
            {"Os", "linux"},
            {"Arch", "amd64"},
            {"KernelVersion", world.host.kernel_release},
            {"BuildTime", r.build_time}};
}

json info_json(const Session& s) {
    const auto& settings = settings_of(s);
    const auto& r = *settings.release;
    const auto& world = *s.context().world;
    const auto created = settings.state->containers();
    const auto running = settings.containers.size();
    const auto images = settings.containers.size() + settings.state->images().size();
    const std::string pretty(distro_files(world.distro).pretty_name);
    const auto id = stable_hex(settings.seed, "engine-id", 32);
    return {
        {"ID", id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" +
                   id.substr(16, 4) + "-" + id.substr(20, 12)},
        {"Containers", running + created.size()},
        {"ContainersRunning", running},
        {"ContainersPaused", 0},
        {"ContainersStopped", created.size()},
        {"Images", images},
        {"Driver", "overlay2"},
        {"DriverStatus", json::array({{"Backing Filesystem", "extfs"},
                                      {"Supports d_type", "true"},
                                      {"Using metacopy", "false"},
                                      {"Native Overlay Diff", "true"},
                                      {"userxattr", "false"}})},
        {"Plugins",
         {{"Volume", {"local"}},
          {"Network", {"bridge", "host", "ipvlan", "macvlan", "null", "overlay"}},
          {"Authorization", nullptr},
          {"Log",
           {"awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local", "logentries",
            "splunk", "syslog"}}}},
        {"MemoryLimit", true},
        {"SwapLimit", true},
        {"CpuCfsPeriod", true},
        {"CpuCfsQuota", true},
        {"CPUShares", true},
        {"CPUSet", true},
        {"PidsLimit", true},
        {"IPv4Forwarding", true},
        {"BridgeNfIptables", true},
        {"BridgeNfIp6tables", true},
        {"Debug", false},
        {"NFd", 47 + running * 6},
        {"OomKillDisable", false},
        {"NGoroutines", 61 + running * 9},
        {"SystemTime", rfc3339(now_seconds())},
        {"LoggingDriver", "json-file"},
        {"CgroupDriver", "systemd"},
        {"CgroupVersion", "2"},
        {"NEventsListener", 0},
        {"KernelVersion", world.host.kernel_release},
        {"OperatingSystem", pretty},
        {"OSVersion", ""},
        {"OSType", "linux"},
        {"Architecture", world.host.machine},
        {"IndexServerAddress", "https://index.docker.io/v1/"},
        {"RegistryConfig",
         {{"AllowNondistributableArtifactsCIDRs", nullptr},
          {"AllowNondistributableArtifactsHostnames", nullptr},
          {"InsecureRegistryCIDRs", {"127.0.0.0/8"}},
          {"IndexConfigs",
           {{"docker.io",
             {{"Name", "docker.io"},
              {"Mirrors", json::array()},
              {"Secure", true},
              {"Official", true}}}}},
          {"Mirrors", nullptr}}},
        {"NCPU", world.host.cpu_count},
        {"MemTotal", world.host.mem_total_kb * 1024},
        {"GenericResources", nullptr},
        {"DockerRootDir", "/var/lib/docker"},
        {"HttpProxy", ""},
        {"HttpsProxy", ""},
        {"NoProxy", ""},
        {"Name", s.context().hostname},
        {"Labels", json::array()},
        {"ExperimentalBuild", false},
        {"ServerVersion", r.version},
        {"Runtimes", {{"io.containerd.runc.v2", {{"path", "runc"}}}, {"runc", {{"path", "runc"}}}}},
        {"DefaultRuntime", "runc"},
        {"Swarm",
         {{"NodeID", ""},
          {"NodeAddr", ""},
          {"LocalNodeState", "inactive"},
          {"ControlAvailable", false},
          {"Error", ""},
          {"RemoteManagers", nullptr}}},
        {"LiveRestoreEnabled", false},
        {"Isolation", ""},
        {"InitBinary", "docker-init"},
        {"ContainerdCommit", {{"ID", r.containerd_commit}, {"Expected", r.containerd_commit}}},
        {"RuncCommit", {{"ID", r.runc_commit}, {"Expected", r.runc_commit}}},
        {"InitCommit", {{"ID", r.init_commit}, {"Expected", r.init_commit}}},
        {"SecurityOptions", {"name=apparmor", "name=seccomp,profile=builtin", "name=cgroupns"}},
        // What a real daemon started with -H tcp://0.0.0.0:2375 says about itself.
        {"Warnings",
         {"WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n"
          "         Access to the remote API is equivalent to root access on the host. Refer\n"
          "         to the 'Docker daemon attack surface' section in the documentation for\n"
          "         more information: https://docs.docker.com/go/attack-surface/"}}};
}

json port_list(const PersonaContainer& c) {
    if (!c.public_port) return json::array({{{"PrivatePort", c.private_port}, {"Type", "tcp"}}});
    return json::array({{{"IP", "0.0.0.0"},
                         {"PrivatePort", c.private_port},
                         {"PublicPort", c.public_port},
                         {"Type", "tcp"}},
                        {{"IP", "::"},
                         {"PrivatePort", c.private_port},
                         {"PublicPort", c.public_port},
                         {"Type", "tcp"}}});
}

json bridge_network(const Session& s, const std::string& ip, const std::string& salt) {
    const auto seed = settings_of(s).seed;
    json net = {{"IPAMConfig", nullptr},
                {"Links", nullptr},
                {"Aliases", nullptr},
                {"NetworkID", stable_hex(seed, "bridge")},
                {"EndpointID", ip.empty() ? "" : stable_hex(seed, "ep" + salt)},
                {"Gateway", ip.empty() ? "" : "172.17.0.1"},
                {"IPAddress", ip},
                {"IPPrefixLen", ip.empty() ? 0 : 16},
                {"IPv6Gateway", ""},
                {"GlobalIPv6Address", ""},
                {"GlobalIPv6PrefixLen", 0},
                {"MacAddress", ""},
                {"DriverOpts", nullptr}};
    if (!ip.empty()) {
        const auto last = std::stoi(ip.substr(ip.rfind('.') + 1));
        char mac[24];
        std::snprintf(mac, sizeof mac, "02:42:ac:11:00:%02x", last & 0xff);
        net["MacAddress"] = mac;
    }
    return {{"Networks", {{"bridge", net}}}};
}

// When a persona container last started: its creation, or the host's last boot (they restart
// with the daemon), so `docker ps` agrees with the decky's uptime.
std::int64_t started_at(const Session& s, const PersonaContainer& c) {
    const auto boot = s.context().world->host.boot_time(now_seconds());
    return std::max(c.created + 1, boot + 20 + static_cast<std::int64_t>(c.private_port % 17));
}

json persona_summary(const Session& s, const PersonaContainer& c) {
    return {{"Id", c.id},
            {"Names", {"/" + c.name}},
            {"Image", c.image},
            {"ImageID", c.image_id},
            {"Command", c.command},
            {"Created", c.created},
            {"Ports", port_list(c)},
            {"Labels", json::object()},
            {"State", "running"},
            {"Status", up_for(now_seconds() - started_at(s, c))},
            {"HostConfig", {{"NetworkMode", "default"}}},
            {"NetworkSettings", bridge_network(s, c.ip, c.name)},
            {"Mounts", json::array()}};
}

json created_summary(const Session& s, const CreatedContainer& c) {
    return {{"Id", c.id},
            {"Names", {"/" + c.name}},
            {"Image", c.spec.image},
            {"ImageID", "sha256:" + stable_hex(settings_of(s).seed, c.spec.image)},
            {"Command",
             docker::join_command(c.spec.entrypoint.empty() ? c.spec.cmd : c.spec.entrypoint)},
            {"Created", c.created},
            {"Ports", json::array()},
            {"Labels", json::object()},
            {"State", "created"},
            {"Status", "Created"},
            {"HostConfig",
             {{"NetworkMode", c.spec.network_mode.empty() ? "default" : c.spec.network_mode}}},
            {"NetworkSettings", bridge_network(s, "", c.id)},
            {"Mounts", json::array()}};
}

std::int64_t image_size(std::uint64_t seed, std::string_view image) {
    return 3'000'000 + static_cast<std::int64_t>(stable_hash(image, seed) % 180'000'000);
}

json images_json(const Session& s) {
    const auto& settings = settings_of(s);
    json out = json::array();
    const auto add = [&](const std::string& tag, std::int64_t created, std::int64_t size) {
        const auto repo = tag.substr(0, tag.rfind(':'));
        out.push_back({{"Containers", -1},
                       {"Created", created},
                       {"Id", "sha256:" + stable_hex(settings.seed / 3, tag)},
                       {"Labels", nullptr},
                       {"ParentId", ""},
                       {"RepoDigests", {repo + "@sha256:" + stable_hex(7, tag)}},
                       {"RepoTags", {tag}},
                       {"SharedSize", -1},
                       {"Size", size}});
    };
    for (const auto& image : settings.state->images())
        add(image, now_seconds() - 86400 * 9, image_size(settings.seed, image));
    for (const auto& c : settings.containers) add(c.image, c.created - 86400 * 5, c.image_size);
    return out;
}

const PersonaContainer* persona_container(const Session& s, std::string_view ref) {
    if (ref.starts_with('/')) ref.remove_prefix(1);
    for (const auto& c : settings_of(s).containers)
        if (c.name == ref || (ref.size() >= 4 && c.id.starts_with(ref))) return &c;
    return nullptr;
}

bool image_known(const Session& s, const std::string& image) {
    for (const auto& c : settings_of(s).containers)
        if (c.image == image) return true;
    return settings_of(s).state->has_image(image);
}

json inspect_persona(const Session& s, const PersonaContainer& c) {
    return {{"Id", c.id},
            {"Created", rfc3339(c.created)},
            {"Path", c.command.substr(0, c.command.find(' '))},
            {"Args", c.args},
            {"State",
             {{"Status", "running"},
              {"Running", true},
              {"Paused", false},
              {"Restarting", false},
              {"OOMKilled", false},
              {"Dead", false},
              {"Pid", 1000 + static_cast<int>(stable_hash(c.id) % 30000)},
              {"ExitCode", 0},
              {"Error", ""},
              {"StartedAt", rfc3339(started_at(s, c))},
              {"FinishedAt", "0001-01-01T00:00:00Z"}}},
            {"Image", c.image_id},
            {"Name", "/" + c.name},
            {"RestartCount", 0},
            {"Driver", "overlay2"},
            {"Platform", "linux"},
            {"HostConfig",
             {{"Binds", nullptr},
              {"NetworkMode", "default"},
              {"Privileged", false},
              {"RestartPolicy", {{"Name", "unless-stopped"}, {"MaximumRetryCount", 0}}}}},
            {"Config",
             {{"Hostname", c.id.substr(0, 12)},
              {"Image", c.image},
              {"Cmd", c.args},
              {"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
              {"Tty", false},
              {"OpenStdin", false}}},
            {"Mounts", json::array()},
            {"NetworkSettings", bridge_network(s, c.ip, c.name)}};
}

json inspect_created(const Session& s, const CreatedContainer& c) {
    const auto& spec = c.spec;
    const auto& argv = spec.entrypoint.empty() ? spec.cmd : spec.entrypoint;
    json args = json::array();
    for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(argv[i]);
    if (!spec.entrypoint.empty())
        for (const auto& word : spec.cmd) args.push_back(word);
    return {{"Id", c.id},
            {"Created", rfc3339(c.created)},
            {"Path", argv.empty() ? "" : argv.front()},
            {"Args", args},
            {"State",
             {{"Status", c.status},
              {"Running", false},
              {"Paused", false},
              {"Restarting", false},
              {"OOMKilled", false},
              {"Dead", false},
              {"Pid", 0},
              {"ExitCode", c.exit_code},
              {"Error", c.error},
              {"StartedAt", "0001-01-01T00:00:00Z"},
              {"FinishedAt", "0001-01-01T00:00:00Z"}}},
            {"Image", "sha256:" + stable_hex(settings_of(s).seed / 3, spec.image)},
            {"Name", "/" + c.name},
            {"RestartCount", 0},
            {"Driver", "overlay2"},
            {"Platform", "linux"},
            {"HostConfig",
             {{"Binds", spec.binds},
              {"NetworkMode", spec.network_mode.empty() ? "default" : spec.network_mode},
              {"Privileged", spec.privileged},
              {"PidMode", spec.pid_mode},
              {"CapAdd", spec.cap_add}}},
            {"Config",
             {{"Hostname", c.id.substr(0, 12)},
              {"Image", spec.image},
              {"Cmd", spec.cmd},
              {"Entrypoint", spec.entrypoint.empty() ? json(nullptr) : json(spec.entrypoint)},
              {"Env", spec.env},
              {"User", spec.user},
              {"Tty", spec.tty},
              {"OpenStdin", spec.open_stdin}}},
            {"Mounts", json::array()},
            {"NetworkSettings", bridge_network(s, "", c.id)}};
}

// docker's own generator: an adjective and a notable scientist.
std::string random_name() {
    static constexpr std::array<std::string_view, 12> kLeft = {
        "admiring", "brave", "clever", "eager", "focused", "gracious",
        "hungry",   "jolly", "keen",   "nifty", "quirky",  "vibrant"};
    static constexpr std::array<std::string_view, 12> kRight = {
        "hopper",  "turing",  "lovelace", "curie",  "darwin", "einstein",
        "feynman", "galileo", "hawking",  "kepler", "newton", "tesla"};
    const auto r = std::stoull(random_hex(4), nullptr, 16);
    return std::string(kLeft[r % kLeft.size()]) + "_" +
           std::string(kRight[(r / 16) % kRight.size()]);
}

// ---- events ----------------------------------------------------------------------------

std::string joined(const std::vector<std::string>& items) {
    json list = items;
    return utf8_prefix(list.dump(-1, ' ', false, json::error_handler_t::replace), 2048);
}

void emit_create(Session& s, const CreatedContainer& c) {
    const auto& spec = c.spec;
    auto event =
        s.event("container_create", spec.escape.empty() ? Severity::info : Severity::warning);
    if (!c.id.empty()) event.add("container_id", c.id);
    event.add("name", c.name)
        .add("image", spec.image)
        .add("cmd", joined(spec.cmd))
        .add("entrypoint", joined(spec.entrypoint))
        .add("env", joined(spec.env))
        .add("binds", joined(spec.binds))
        .add("mounts", joined(spec.mounts))
        .add("privileged", spec.privileged ? "true" : "false")
        .add("cap_add", joined(spec.cap_add))
        .add("network_mode", spec.network_mode)
        .add("pid_mode", spec.pid_mode)
        .add("user", spec.user);
    if (!spec.escape.empty()) event.add("escape", spec.escape);
    s.emit(std::move(event));
}

// ---- handlers --------------------------------------------------------------------------

// The path split on '/', without the version prefix.
std::vector<std::string> segments_of(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size() && out.size() < 8) {
        const auto slash = path.find('/', start);
        const auto part =
            path.substr(start, slash == std::string::npos ? path.npos : slash - start);
        if (!part.empty()) out.push_back(part);
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

// The negotiated API version (the path's, else the engine's own).
struct Route {
    std::string api;
    std::vector<std::string> parts;
    bool is(std::string_view method, const ApiRequest& r,
            std::initializer_list<std::string_view> shape) const {
        if (r.line.method != method && !(method == "GET" && r.line.method == "HEAD")) return false;
        if (parts.size() != shape.size()) return false;
        std::size_t i = 0;
        for (const auto want : shape) {
            if (want != "*" && parts[i] != want) return false;
            ++i;
        }
        return true;
    }
};

std::string_view stream_type(const Route& route, bool tty) {
    if (tty) return "application/vnd.docker.raw-stream";
    return docker::api_version_less(route.api, "1.42")
               ? "application/vnd.docker.raw-stream"
               : "application/vnd.docker.multiplexed-stream";
}

// images/create: the pull, as a believable progress stream; the image is then "local".
awaitable<void> pull_image(Session& s, const ApiRequest& request, const std::string& image) {
    const auto& settings = settings_of(s);
    s.emit(s.event("image_pull").add("image", image));
    const std::string head = stream_head(s, request, "application/json");
    if (!co_await s.write(head)) co_return;
    const auto tag = image.substr(image.rfind(':') + 1);
    const auto repo = image.substr(0, image.rfind(':'));
    const auto seed = stable_hash(image, settings.seed);
    const int layers = 1 + static_cast<int>(seed % 3);
    std::vector<std::string> lines;
    lines.push_back(json{
        {"status",
         "Pulling from " + (repo.find('/') == std::string::npos ? "library/" + repo : repo)},
        {"id", tag}}.dump());
    std::vector<std::string> ids;
    for (int i = 0; i < layers; ++i) {
        ids.push_back(stable_hex(seed, "layer" + std::to_string(i), 12));
        lines.push_back(json{
            {"status", "Pulling fs layer"}, {"progressDetail", json::object()}, {"id", ids.back()}}
                            .dump());
    }
    for (const auto& id : ids) {
        const auto total = 1'000'000 + static_cast<std::int64_t>(stable_hash(id) % 30'000'000);
        for (const auto step : {"Downloading", "Verifying Checksum", "Download complete",
                                "Extracting", "Pull complete"}) {
            json line = {{"status", step}, {"progressDetail", json::object()}, {"id", id}};
            if (std::string_view(step) == "Downloading" || std::string_view(step) == "Extracting")
                line["progressDetail"] = {{"current", total / 3}, {"total", total}};
            lines.push_back(line.dump());
        }
    }
    lines.push_back(json{{"status", "Digest: sha256:" + stable_hex(7, image)}}.dump());
    lines.push_back(json{{"status", "Status: Downloaded newer image for " + image}}.dump());
    for (const auto& line : lines) {
        co_await s.pause(std::chrono::milliseconds(40));
        const std::string piece = chunk(request, line + "\r\n");
        if (!co_await s.write(piece)) co_return;
    }
    settings.state->add_image(image);
    if (!request.http10) co_await s.write("0\r\n\r\n");
}

awaitable<std::string> create_container(Session& s, const ApiRequest& request) {
    const auto& settings = settings_of(s);
    auto spec = docker::parse_container_spec(request.body);
    if (!spec) co_return reply_error(s, request, 400, "invalid JSON: invalid character in body");
    const auto image = docker::normalize_image(spec->image);
    if (image.empty()) co_return reply_error(s, request, 400, "invalid reference format");
    std::string name = request.param("name");
    if (name.starts_with('/')) name.erase(0, 1);
    if (!name.empty() && (settings.state->name_taken(name) || persona_container(s, name))) {
        std::string owner;
        if (const auto* p = persona_container(s, name)) owner = p->id;
        if (const auto c = settings.state->container(name)) owner = c->id;
        co_return reply_error(s, request, 409,
                              "Conflict. The container name \"/" + name +
                                  "\" is already in use by container \"" + owner +
                                  "\". You have to remove (or rename) that container to be "
                                  "able to reuse that name.");
    }
    // The attempt is the intelligence, whether or not the image is "local".
    CreatedContainer c;
    c.name = name.empty() ? random_name() : name;
    c.spec = std::move(*spec);
    c.spec.image = image;
    c.created = now_seconds();
    const bool known = image_known(s, image);
    if (known) c.id = random_hex(32);  // else no container: the CLI pulls and retries
    emit_create(s, c);
    if (!known) co_return reply_error(s, request, 404, "No such image: " + image);
    const auto id = c.id;
    settings.state->add_container(std::move(c));
    co_return reply(s, request, 201, json{{"Id", id}, {"Warnings", json::array()}});
}

std::string start_container(Session& s, const ApiRequest& request, const std::string& ref) {
    const auto& settings = settings_of(s);
    if (const auto* p = persona_container(s, ref)) {
        s.emit(s.event("container_start").add("container_id", p->id).add("image", p->image));
        return reply_empty(s, request, 304);
    }
    auto c = settings.state->container(ref);
    if (!c) return reply_error(s, request, 404, "No such container: " + ref);
    std::string error = settings.start_error;
    for (auto at = error.find("{id}"); at != std::string::npos; at = error.find("{id}", at))
        error.replace(at, 4, c->id);
    c->exit_code = 128;
    c->error = error;
    settings.state->update(*c);
    s.emit(s.event("container_start", Severity::warning)
               .add("container_id", c->id)
               .add("image", c->spec.image)
               .add("error", error));
    return reply_error(s, request, 500, error);
}

// attach (hijacked): the CLI's stdin and the container's output share the connection
// until one side gives up. Nothing ever runs, so nothing comes out.
awaitable<void> attach(Session& s, const ApiRequest& request, const Route& route,
                       const std::string& id, bool tty) {
    const std::string head = std::string("HTTP/1.1 101 UPGRADED\r\nContent-Type: ") +
                             std::string(stream_type(route, tty)) +
                             "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
    s.emit(s.event("attach").add("container_id", id).add("stdin", request.param("stdin")));
    if (!co_await s.write(head)) co_return;
    for (std::size_t n = 0;; ++n) {
        auto data = co_await s.read_some();
        if (!data) co_return;
        if (n < kMaxStdinEvents)
            s.emit(
                s.event("stdin").add("container_id", id).add("data", utf8_prefix(*data, kLogged)));
    }
}

// wait: the answer's head at once, its body when the container exits — never, here; the
// CLI hangs up when start fails.
awaitable<void> wait_container(Session& s, const ApiRequest& request) {
    const std::string head = stream_head(s, request, "application/json");
    if (!co_await s.write(head)) co_return;
    for (std::size_t n = 0; n < 64; ++n)
        if (!co_await s.read_some()) co_return;
}

std::string logs(const Session& s, const ApiRequest& request, const Route& route,
                 const std::string& ref) {
    auto headers = engine_headers(s);
    if (persona_container(s, ref)) {
        headers.emplace_back("Content-Type", std::string(stream_type(route, false)));
        std::string body;
        const auto t = now_seconds();
        for (int i = 0; i < 3; ++i) {
            const std::time_t when = static_cast<std::time_t>(t - 3600 * (3 - i) - 17 * i);
            std::tm tm{};
            gmtime_r(&when, &tm);
            static constexpr std::array<const char*, 12> kMonths = {
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            char line[200];
            std::snprintf(line, sizeof line,
                          "172.17.0.1 - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"GET /health "
                          "HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.27\"\n",
                          tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                          tm.tm_sec);
            body += frame(1, line);
        }
        return go_response(request, 200, headers, body);
    }
    const auto c = settings_of(s).state->container(ref);
    if (!c) return reply_error(s, request, 404, "No such container: " + ref);
    headers.emplace_back("Content-Type", std::string(stream_type(route, c->spec.tty)));
    return go_response(request, 200, headers, "");
}

std::string create_exec(Session& s, const ApiRequest& request, const std::string& ref) {
    auto spec = docker::parse_exec_spec(request.body);
    if (!spec) return reply_error(s, request, 400, "invalid JSON: invalid character in body");
    std::string container_id;
    bool running = false;
    if (const auto* p = persona_container(s, ref)) {
        container_id = p->id;
        running = true;
    } else if (const auto c = settings_of(s).state->container(ref)) {
        container_id = c->id;
    }
    s.emit(s.event("exec_create", Severity::warning)
               .add("container_id", container_id.empty() ? ref : container_id)
               .add("cmd", joined(spec->cmd))
               .add("env", joined(spec->env))
               .add("user", spec->user)
               .add("privileged", spec->privileged ? "true" : "false"));
    if (container_id.empty()) return reply_error(s, request, 404, "No such container: " + ref);
    if (!running)
        return reply_error(s, request, 409, "Container " + container_id + " is not running");
    docker::CreatedExec exec{random_hex(32), container_id, std::move(*spec)};
    const auto id = exec.id;
    settings_of(s).state->add_exec(std::move(exec));
    return reply(s, request, 201, json{{"Id", id}});
}

// exec start: the stream is hijacked, the runtime's error comes down it, and the exec's
// inspect then says 126 (what the CLI exits with).
awaitable<void> start_exec(Session& s, const Route& route, const docker::CreatedExec& exec) {
    const std::string error =
        "OCI runtime exec failed: exec failed: unable to start container process: error "
        "executing setns process: exit status 1: unknown\r\n";
    s.emit(s.event("exec_start", Severity::warning)
               .add("exec_id", exec.id)
               .add("container_id", exec.container_id)
               .add("cmd", joined(exec.spec.cmd))
               .add("error", error.substr(0, error.size() - 2)));
    const auto type = stream_type(route, exec.spec.tty);
    const std::string out = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + std::string(type) +
                            "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n" +
                            (type.ends_with("multiplexed-stream") ? frame(1, error) : error);
    co_await s.write(out);
}

std::string remove_container(Session& s, const ApiRequest& request, const std::string& ref) {
    s.emit(s.event("container_action").add("container_id", ref).add("action", "remove"));
    if (const auto* p = persona_container(s, ref)) {
        if (request.param("force") != "1" && request.param("force") != "true")
            return reply_error(s, request, 409,
                               "You cannot remove a running container " + p->id +
                                   ". Stop the container before attempting removal or force "
                                   "remove");
        return reply_empty(s, request, 204);
    }
    const auto c = settings_of(s).state->container(ref);
    if (!c) return reply_error(s, request, 404, "No such container: " + ref);
    settings_of(s).state->remove_container(c->id);
    return reply_empty(s, request, 204);
}

std::string container_action(Session& s, const ApiRequest& request, const std::string& ref,
                             const std::string& action) {
    s.emit(s.event("container_action").add("container_id", ref).add("action", action));
    if (persona_container(s, ref)) return reply_empty(s, request, 204);
    const auto c = settings_of(s).state->container(ref);
    if (!c) return reply_error(s, request, 404, "No such container: " + ref);
    if (action == "kill")
        return reply_error(s, request, 409, "Container " + c->id + " is not running");
    return reply_empty(s, request, action == "stop" ? 304 : 204);
}

json networks_json(const Session& s) {
    const auto seed = settings_of(s).seed;
    json out = json::array();
    for (const auto* name : {"bridge", "host", "none"})
        out.push_back({{"Name", name},
                       {"Id", stable_hex(seed, name)},
                       {"Created", rfc3339(settings_of(s).containers.front().created - 86400)},
                       {"Scope", "local"},
                       {"Driver", std::string(name) == "none" ? "null" : name},
                       {"EnableIPv6", false},
                       {"Internal", false},
                       {"Attachable", false},
                       {"Ingress", false},
                       {"Options", json::object()},
                       {"Labels", json::object()}});
    return out;
}

// An upload's reply (build context, image tarball, archive): it was read; it fails.
std::string upload_reply(Session& s, const ApiRequest& request, const Route& route) {
    const std::string disk = "write /var/lib/docker/tmp/docker-builder" +
                             random_hex(5).substr(0, 9) + "/context.tar: no space left on device";
    if (route.parts.front() == "build")
        return reply(s, request, 200, json{{"errorDetail", {{"message", disk}}}, {"error", disk}});
    return reply_error(s, request, 500, disk);
}

bool is_upload(const Route& route, const ApiRequest& request) {
    const auto& p = route.parts;
    if (p.empty()) return false;
    if (request.line.method == "POST" && p.size() == 1 && p[0] == "build") return true;
    if (request.line.method == "POST" && p.size() == 2 && p[0] == "images" && p[1] == "load")
        return true;
    if (request.line.method == "POST" && p.size() == 2 && p[0] == "images" && p[1] == "create" &&
        request.param("fromSrc") == "-")
        return true;
    return request.line.method == "PUT" && p.size() == 3 && p[0] == "containers" &&
           p[2] == "archive";
}

// One routed request. False: the connection is over (hijacked, streamed, or gone).
awaitable<bool> handle(Session& s, const ApiRequest& request, const Route& route) {
    const auto& settings = settings_of(s);
    const auto& r = request;
    std::string out;
    if (r.line.method == "OPTIONS") {
        out = reply_empty(s, r, 200);
    } else if (!route.api.empty() && docker::api_version_less(settings.release->api, route.api)) {
        out = reply_error(s, r, 400,
                          "client version " + route.api +
                              " is too new. Maximum supported API version is " +
                              std::string(settings.release->api));
    } else if (route.is("GET", r, {"_ping"})) {
        auto headers = engine_headers(s);
        headers.insert(headers.end(), {{"Builder-Version", "1"},
                                       {"Cache-Control", "no-cache, no-store, must-revalidate"},
                                       {"Content-Type", "text/plain; charset=utf-8"},
                                       {"Pragma", "no-cache"}});
        out = go_response(r, 200, headers, r.head_only ? "" : "OK");
    } else if (route.is("GET", r, {"version"})) {
        out = reply(s, r, 200, version_json(s));
    } else if (route.is("GET", r, {"info"})) {
        out = reply(s, r, 200, info_json(s));
    } else if (route.is("GET", r, {"containers", "json"})) {
        json list = json::array();
        const bool all = r.param("all") == "1" || r.param("all") == "true";
        if (all)
            for (const auto& c : settings.state->containers())
                list.push_back(created_summary(s, c));
        for (const auto& c : settings.containers) list.push_back(persona_summary(s, c));
        out = reply(s, r, 200, list);
    } else if (route.is("GET", r, {"images", "json"})) {
        out = reply(s, r, 200, images_json(s));
    } else if (route.is("POST", r, {"images", "create"})) {
        const auto image = docker::normalize_image(r.param("fromImage"), r.param("tag"));
        if (image.empty()) {
            out = reply_error(s, r, 400, "invalid reference format");
        } else {
            co_await pull_image(s, r, image);
            co_return !r.http10;
        }
    } else if (route.is("POST", r, {"containers", "create"})) {
        out = co_await create_container(s, r);
    } else if (route.is("GET", r, {"containers", "*", "json"})) {
        const auto& ref = route.parts[1];
        if (const auto* p = persona_container(s, ref))
            out = reply(s, r, 200, inspect_persona(s, *p));
        else if (const auto c = settings.state->container(ref))
            out = reply(s, r, 200, inspect_created(s, *c));
        else
            out = reply_error(s, r, 404, "No such container: " + ref);
    } else if (route.is("POST", r, {"containers", "*", "attach"})) {
        const auto& ref = route.parts[1];
        const auto c = settings.state->container(ref);
        const auto* p = persona_container(s, ref);
        if (!c && !p) {
            out = reply_error(s, r, 404, "No such container: " + ref);
        } else {
            co_await attach(s, r, route, c ? c->id : p->id, c && c->spec.tty);
            co_return false;
        }
    } else if (route.is("POST", r, {"containers", "*", "wait"})) {
        const auto& ref = route.parts[1];
        if (!settings.state->container(ref) && !persona_container(s, ref)) {
            out = reply_error(s, r, 404, "No such container: " + ref);
        } else {
            co_await wait_container(s, r);
            co_return false;
        }
    } else if (route.is("POST", r, {"containers", "*", "start"})) {
        out = start_container(s, r, route.parts[1]);
    } else if (route.is("GET", r, {"containers", "*", "logs"})) {
        out = logs(s, r, route, route.parts[1]);
    } else if (route.is("POST", r, {"containers", "*", "exec"})) {
        out = create_exec(s, r, route.parts[1]);
    } else if (route.is("POST", r, {"exec", "*", "start"})) {
        const auto exec = settings.state->exec(route.parts[1]);
        if (!exec) {
            out = reply_error(s, r, 404, "No such exec instance: " + route.parts[1]);
        } else {
            co_await start_exec(s, route, *exec);
            co_return false;
        }
    } else if (route.is("GET", r, {"exec", "*", "json"})) {
        const auto exec = settings.state->exec(route.parts[1]);
        out = exec ? reply(s, r, 200,
                           json{{"ID", exec->id},
                                {"Running", false},
                                {"ExitCode", 126},
                                {"ContainerID", exec->container_id},
                                {"Pid", 0}})
                   : reply_error(s, r, 404, "No such exec instance: " + route.parts[1]);
    } else if (route.is("DELETE", r, {"containers", "*"})) {
        out = remove_container(s, r, route.parts[1]);
    } else if (route.is("POST", r, {"containers", "*", "stop"}) ||
               route.is("POST", r, {"containers", "*", "kill"}) ||
               route.is("POST", r, {"containers", "*", "restart"}) ||
               route.is("POST", r, {"containers", "*", "pause"})) {
        out = container_action(s, r, route.parts[1], route.parts[2]);
    } else if (is_upload(route, r)) {
        out = upload_reply(s, r, route);
    } else if (route.is("GET", r, {"networks"})) {
        out = reply(s, r, 200, networks_json(s));
    } else if (route.is("GET", r, {"volumes"})) {
        out = reply(s, r, 200, json{{"Volumes", json::array()}, {"Warnings", nullptr}});
    } else {
        out = page_not_found(r);
    }
    const bool written = co_await s.write(out);
    co_return written;
}

awaitable<void> bad_request(Session& s, const std::string& error) {
    s.emit(s.event("bad_request", Severity::warning).add("error", error));
    co_await s.write(go_refusal(error));
}

awaitable<void> serve_docker(Session& s) {
    const auto dst_port = s.context().persona_value("port");
    for (std::size_t n = 0; n < kMaxRequests; ++n) {
        std::string error;
        auto request = co_await read_go_head(s, error);
        if (!request) {
            if (!error.empty()) co_await bad_request(s, error);
            co_return;
        }
        Route route;
        const auto path = docker::strip_api_version(request->line.path, route.api);
        route.parts = segments_of(path);
        const bool upload = is_upload(route, *request);
        std::optional<ArtifactCapture> capture;
        BodySink sink;
        if (upload) {
            capture.emplace(s.context().artifacts);
            sink = [&capture](std::string_view bytes) { capture->write(bytes); };
        }
        const bool read = co_await read_api_body(s, *request, upload ? kLogged : kKeepBody,
                                                 upload ? kMaxUpload : kMaxJsonBody, error, sink);
        if (!read) {
            if (!error.empty()) co_await bad_request(s, error);
            co_return;
        }
        const auto* agent = request->header("User-Agent");
        s.emit(s.event("request")
                   .add("method", request->line.method)
                   .add("path", request->line.path)
                   .add("query", request->line.query)
                   .add("dst_port", dst_port)
                   .add("user_agent", agent ? *agent : std::string())
                   .add("body", utf8_prefix(request->body, kLogged)));
        if (capture && capture->size() > 0) {
            auto captured = s.event("file_captured", Severity::warning);
            add_artifact_fields(captured, capture->finish(), request->line.path,
                                request->param("t").empty() ? "context.tar" : request->param("t"));
            s.emit(std::move(captured));
        }
        const bool more = co_await handle(s, *request, route);
        if (!more || !request->keep_alive) co_return;
    }
}

SessionLimits docker_limits(SessionLimits runtime) {
    runtime.max_bytes_in = std::max(runtime.max_bytes_in, kMaxUpload + 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"request", "src_ip src_port method path query dst_port user_agent body",
     "one Engine API request (every docker CLI call is one or more)"},
    {"container_create",
     "src_ip src_port container_id? name image cmd entrypoint env binds mounts privileged cap_add "
     "network_mode pid_mode user escape?",
     "what the attacker tried to run (no container_id: the image was not local yet); `escape` "
     "names host-takeover settings (root_bind, "
     "docker_socket, host_bind, privileged, pid_host, cap_sys_admin, devices)"},
    {"image_pull", "src_ip src_port image",
     "images/create: the image pulled (answered with "
     "a progress stream; the image is then local)"},
    {"container_start", "src_ip src_port container_id image error?",
     "a start; the attacker's containers fail with the persona's start_error"},
    {"attach", "src_ip src_port container_id stdin", "a hijacked attach stream opened"},
    {"stdin", "src_ip src_port container_id data", "bytes written into an attach stream"},
    {"exec_create", "src_ip src_port container_id cmd env user privileged",
     "a command to run in a container"},
    {"exec_start", "src_ip src_port exec_id container_id cmd error", "an exec started (it fails)"},
    {"container_action", "src_ip src_port container_id action",
     "stop, kill, restart, pause, "
     "remove"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "an uploaded build context, image tarball or archive, kept in the artifact store"},
    {"bad_request", "src_ip src_port error", "garbage or an oversized request (Go's 400)"},
};

}  // namespace

const ServiceModule& docker_api_module() {
    static const ServiceModule module{.slug = "docker_api",
                                      .configure = &configure_docker,
                                      .serve = &serve_docker,
                                      .events = kEvents,
                                      .session_limits = &docker_limits};
    return module;
}

}  // namespace decnet::honeypot
