// Kubernetes request paths and bodies (see k8s_request.hpp).
#include "honeypot/services/k8s/k8s_request.hpp"

#include <nlohmann/json.hpp>

#include "honeypot/services/http/json_body.hpp"

namespace decnet::honeypot::k8s {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSegments = 12;
constexpr std::size_t kMaxSegment = 253;  // a DNS subdomain, the longest object name
constexpr std::size_t kMaxContainers = 32;

std::optional<std::vector<std::string_view>> split(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.starts_with('/')) return std::nullopt;
    path.remove_prefix(1);
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        if (part.empty() || part.size() > kMaxSegment || out.size() >= kMaxSegments)
            return std::nullopt;
        out.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::string text(const json* j) {
    return j && j->is_string() ? http::utf8_prefix(j->get_ref<const std::string&>(), 512)
                               : std::string();
}

void add_reason(std::string& out, std::string_view reason) {
    if (out.find(reason) != std::string::npos) return;
    if (!out.empty()) out += ',';
    out += reason;
}

// The pod spec of a Pod, or of a workload's template (Deployment, DaemonSet, Job, …).
const json* pod_spec(const json& object) {
    const auto* spec = member(object, "spec");
    if (!spec) return nullptr;
    if (const auto* tmpl = member(*spec, "template")) return member(*tmpl, "spec");
    if (const auto* job = member(*spec, "jobTemplate"))  // CronJob
        if (const auto* job_spec = member(*job, "spec"))
            if (const auto* tmpl = member(*job_spec, "template")) return member(*tmpl, "spec");
    return spec;
}

void read_pod_spec(const json& spec, ObjectSummary& out) {
    for (const char* key : {"hostPID", "hostNetwork", "hostIPC"})
        if (const auto* v = member(spec, key); v && v->is_boolean() && v->get<bool>())
            add_reason(out.escape, key == std::string_view("hostPID")       ? "host_pid"
                                   : key == std::string_view("hostNetwork") ? "host_network"
                                                                            : "host_ipc");
    if (const auto* volumes = member(spec, "volumes"); volumes && volumes->is_array())
        for (const auto& v : *volumes)
            if (const auto* host = member(v, "hostPath")) {
                const auto path = text(member(*host, "path"));
                add_reason(out.escape, path == "/" ? "host_path_root" : "host_path");
            }
    for (const char* list : {"initContainers", "containers"}) {
        const auto* containers = member(spec, list);
        if (!containers || !containers->is_array()) continue;
        for (const auto& c : *containers) {
            if (out.images.size() >= kMaxContainers) return;
            out.images.push_back(text(member(c, "image")));
            std::string command;
            for (const char* part : {"command", "args"})
                if (const auto* words = member(c, part); words && words->is_array())
                    for (const auto& w : *words) {
                        if (command.size() > 2048) break;
                        if (!command.empty()) command += ' ';
                        command += text(&w);
                    }
            out.commands.push_back(std::move(command));
            if (const auto* sc = member(c, "securityContext"))
                if (const auto* p = member(*sc, "privileged");
                    p && p->is_boolean() && p->get<bool>())
                    add_reason(out.escape, "privileged");
        }
    }
}

}  // namespace

std::optional<ResourcePath> parse_resource_path(std::string_view path) {
    const auto parts = split(path);
    if (!parts || parts->size() < 3) return std::nullopt;
    const auto& p = *parts;
    ResourcePath out;
    std::size_t i = 0;
    if (p[0] == "api") {
        out.version = std::string(p[1]);
        i = 2;
    } else if (p[0] == "apis" && p.size() >= 4) {
        out.group = std::string(p[1]);
        out.version = std::string(p[2]);
        i = 3;
    } else {
        return std::nullopt;
    }
    if (p[i] == "namespaces" && p.size() > i + 2) {
        out.ns = std::string(p[i + 1]);
        i += 2;
    }
    out.resource = std::string(p[i]);
    if (p.size() > i + 1) out.name = std::string(p[i + 1]);
    if (p.size() > i + 2) out.sub = std::string(p[i + 2]);
    if (p.size() > i + 3) return std::nullopt;
    return out;
}

std::optional<ObjectSummary> summarize_object(std::string_view body) {
    auto parsed = http::parse_json_body(body);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    ObjectSummary out;
    out.kind = text(member(*parsed, "kind"));
    if (const auto* meta = member(*parsed, "metadata")) {
        out.name = text(member(*meta, "name"));
        if (out.name.empty()) out.name = text(member(*meta, "generateName"));
        out.ns = text(member(*meta, "namespace"));
    }
    if (const auto* spec = pod_spec(*parsed)) read_pod_spec(*spec, out);
    return out;
}

}  // namespace decnet::honeypot::k8s
