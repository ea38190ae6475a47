// The cluster a k8s decky pretends to run, built once per decky from its persona: the
// Kubernetes release (/version), who may read what (access), the node (the decky's
// hostname), namespaces, pods, and bait secrets whose service-account tokens are recognised
// when an attacker comes back with one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

struct KubeRelease {
    std::string_view git_version;  // v1.27.4
    std::string_view git_commit;
    std::string_view build_date;
    std::string_view go_version;
};

// open: anonymous requests read everything but secrets (a cluster with anonymous RBAC
// bindings, what scanners look for); token: anonymous gets 403, any bearer token is let in;
// locked: anonymous 403, bearer tokens 401 (only bait tokens work).
enum class KubeAccess { open, token, locked };

struct KubePod {
    std::string ns, name, node, ip, image, app;
    std::int64_t created = 0;
    int restarts = 0;
};

struct KubeSecret {
    std::string ns, name, type;
    std::vector<std::pair<std::string, std::string>> data;  // key → plain value
    std::int64_t created = 0;
    std::string token;  // the service-account token in it, "" when none
};

struct KubeSettings : ServiceSettings {
    const KubeRelease* release = nullptr;
    KubeAccess access = KubeAccess::open;
    std::string node;  // the decky's hostname
    std::uint64_t seed = 0;
    std::int64_t created = 0;  // the cluster's birth (kube-system's creation)
    std::vector<std::string> namespaces;
    std::vector<KubePod> pods;
    std::vector<KubeSecret> secrets;

    // A stable UID (8-4-4-4-12) for `salt`.
    std::string uid(std::string_view salt) const;
    // The bait secret whose token this is; nullptr when none.
    const KubeSecret* bait_secret(std::string_view token) const;
};

std::shared_ptr<const ServiceSettings> configure_k8s(const PersonaReader& persona);

}  // namespace decnet::honeypot
