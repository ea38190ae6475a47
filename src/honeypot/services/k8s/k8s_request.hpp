// What a Kubernetes API request is about, read from its path and body: the resource, group,
// namespace, name and subresource of a REST path, and the gist of an object an attacker
// tries to create (kind, name, images, commands, host-escape settings). Pure functions over
// bounded input (fuzzed), apart from the dialogue in k8s.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::k8s {

struct ResourcePath {
    std::string group;    // "" for the core group (/api/v1)
    std::string version;  // v1
    std::string resource;
    std::string ns;  // "" when cluster-scoped or across namespaces
    std::string name;
    std::string sub;  // exec, log, status, …
};

// /api/v1/pods, /api/v1/namespaces/prod/pods/web-1/exec, /apis/apps/v1/deployments, …;
// nullopt for anything else (discovery, /version, /healthz, garbage).
std::optional<ResourcePath> parse_resource_path(std::string_view path);

struct ObjectSummary {
    std::string kind;
    std::string name;
    std::string ns;
    std::vector<std::string> images;
    std::vector<std::string> commands;  // each container's command + args, joined
    // Why the object would own its node ("privileged,host_path_root,host_pid"); "" if not.
    std::string escape;
};

// A create/update body (JSON; YAML bodies are not parsed: nullopt, as for garbage).
std::optional<ObjectSummary> summarize_object(std::string_view body);

}  // namespace decnet::honeypot::k8s
