// Docker Engine request bodies and paths (see docker_request.hpp).
#include "honeypot/services/docker_api/docker_request.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

#include "honeypot/services/http/json_body.hpp"

namespace decnet::honeypot::docker {
namespace {

using nlohmann::json;

std::string text_of(const json& value) {
    return value.is_string() ? http::utf8_prefix(value.get_ref<const std::string&>(), kMaxItemText)
                             : std::string();
}

// A string or a list of strings (Cmd and Entrypoint accept both), bounded.
std::vector<std::string> words_of(const json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object()) return out;
    const auto it = object.find(key);
    if (it == object.end()) return out;
    if (it->is_string()) {
        out.push_back(text_of(*it));
    } else if (it->is_array()) {
        for (const auto& item : *it) {
            if (out.size() >= kMaxListItems) break;
            if (item.is_string()) out.push_back(text_of(item));
        }
    }
    return out;
}

std::string string_of(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it == object.end() ? std::string() : text_of(*it);
}

bool bool_of(const json& object, const char* key) {
    if (!object.is_object()) return false;
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

bool is_host_root(std::string_view source) {
    while (source.size() > 1 && source.back() == '/') source.remove_suffix(1);
    return source == "/";
}

std::string escape_reasons(const ContainerSpec& spec) {
    std::string out;
    const auto add = [&out](std::string_view reason) {
        if (out.find(reason) != std::string::npos) return;
        if (!out.empty()) out += ',';
        out += reason;
    };
    const auto source_of = [](std::string_view bind) { return bind.substr(0, bind.find(':')); };
    for (const auto& bind : spec.binds) {
        const auto source = source_of(bind);
        if (is_host_root(source)) add("root_bind");
        if (source.find("docker.sock") != std::string_view::npos) add("docker_socket");
        if (source.starts_with("/etc") || source.starts_with("/root") ||
            source.starts_with("/proc"))
            add("host_bind");
    }
    for (const auto& mount : spec.mounts) {
        // "bind:<source>:<target>"
        const auto first = mount.find(':');
        if (first == std::string::npos) continue;
        const auto source = std::string_view(mount).substr(first + 1);
        const auto src = source.substr(0, source.find(':'));
        if (is_host_root(src)) add("root_bind");
        if (src.find("docker.sock") != std::string_view::npos) add("docker_socket");
    }
    if (spec.privileged) add("privileged");
    if (spec.pid_mode == "host") add("pid_host");
    for (const auto& cap : spec.cap_add)
        if (cap == "SYS_ADMIN" || cap == "CAP_SYS_ADMIN" || cap == "ALL") add("cap_sys_admin");
    if (!spec.devices.empty()) add("devices");
    return out;
}

}  // namespace

std::optional<ContainerSpec> parse_container_spec(std::string_view body) {
    auto parsed = http::parse_json_body(body);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const json& config = *parsed;
    ContainerSpec spec;
    spec.image = string_of(config, "Image");
    spec.cmd = words_of(config, "Cmd");
    spec.entrypoint = words_of(config, "Entrypoint");
    spec.env = words_of(config, "Env");
    spec.user = string_of(config, "User");
    spec.working_dir = string_of(config, "WorkingDir");
    spec.tty = bool_of(config, "Tty");
    spec.open_stdin = bool_of(config, "OpenStdin");
    const auto host = config.find("HostConfig");
    if (host != config.end() && host->is_object()) {
        spec.binds = words_of(*host, "Binds");
        spec.cap_add = words_of(*host, "CapAdd");
        spec.privileged = bool_of(*host, "Privileged");
        spec.network_mode = string_of(*host, "NetworkMode");
        spec.pid_mode = string_of(*host, "PidMode");
        if (const auto mounts = host->find("Mounts"); mounts != host->end() && mounts->is_array())
            for (const auto& m : *mounts) {
                if (spec.mounts.size() >= kMaxListItems) break;
                spec.mounts.push_back(string_of(m, "Type") + ":" + string_of(m, "Source") + ":" +
                                      string_of(m, "Target"));
            }
        if (const auto devices = host->find("Devices");
            devices != host->end() && devices->is_array())
            for (const auto& d : *devices) {
                if (spec.devices.size() >= kMaxListItems) break;
                spec.devices.push_back(string_of(d, "PathOnHost"));
            }
    }
    spec.escape = escape_reasons(spec);
    return spec;
}

std::optional<ExecSpec> parse_exec_spec(std::string_view body) {
    auto parsed = http::parse_json_body(body);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    ExecSpec spec;
    spec.cmd = words_of(*parsed, "Cmd");
    spec.env = words_of(*parsed, "Env");
    spec.user = string_of(*parsed, "User");
    spec.privileged = bool_of(*parsed, "Privileged");
    spec.tty = bool_of(*parsed, "Tty");
    return spec;
}

std::string normalize_image(std::string_view name, std::string_view tag) {
    if (name.empty() || name.size() > 255) return {};
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (!(std::islower(u) || std::isdigit(u) || c == '.' || c == '_' || c == '-' || c == '/' ||
              c == ':' || c == '@'))
            return {};
    }
    std::string out(name);
    for (const std::string_view prefix : {"docker.io/library/", "index.docker.io/library/"})
        if (out.starts_with(prefix)) out.erase(0, prefix.size());
    if (out.starts_with("docker.io/")) out.erase(0, 10);
    if (out.find('@') != std::string::npos) return out;
    const auto slash = out.rfind('/');
    const bool tagged = out.find(':', slash == std::string::npos ? 0 : slash) != std::string::npos;
    if (!tagged) {
        if (!tag.empty() && tag.size() <= 128) {
            for (const char c : tag)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                      c == '-'))
                    return {};
            out += ":" + std::string(tag);
        } else {
            out += ":latest";
        }
    }
    return out;
}

std::string strip_api_version(std::string_view path, std::string& version) {
    version.clear();
    if (path.size() > 2 && path[0] == '/' && path[1] == 'v' &&
        std::isdigit(static_cast<unsigned char>(path[2]))) {
        const auto end = path.find('/', 1);
        const auto candidate = path.substr(2, end == std::string_view::npos ? path.npos : end - 2);
        bool ok = candidate.size() <= 8;
        for (const char c : candidate)
            ok = ok && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
        if (ok) {
            version = std::string(candidate);
            return end == std::string_view::npos ? "/" : std::string(path.substr(end));
        }
    }
    return std::string(path);
}

bool api_version_less(std::string_view a, std::string_view b) {
    const auto parse = [](std::string_view v, int& major, int& minor) {
        const auto dot = v.find('.');
        if (dot == std::string_view::npos || dot == 0 || dot + 1 >= v.size() || v.size() > 8)
            return false;
        major = minor = 0;
        for (const char c : v.substr(0, dot)) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
            major = major * 10 + (c - '0');
        }
        for (const char c : v.substr(dot + 1)) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
            minor = minor * 10 + (c - '0');
        }
        return true;
    };
    int am, an, bm, bn;
    if (!parse(a, am, an) || !parse(b, bm, bn)) return false;
    return am != bm ? am < bm : an < bn;
}

std::string join_command(const std::vector<std::string>& words, std::size_t max) {
    std::string out;
    for (const auto& word : words) {
        if (!out.empty()) out += ' ';
        const bool plain =
            !word.empty() && word.find_first_of(" \t'\"$;&|<>()\\`") == std::string::npos;
        out += plain ? word : "'" + word + "'";
        if (out.size() >= max) break;
    }
    return http::utf8_prefix(out, max);
}

}  // namespace decnet::honeypot::docker
