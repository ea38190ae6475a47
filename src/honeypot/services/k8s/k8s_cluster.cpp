// The cluster of a k8s decky (see k8s_cluster.hpp).
#include "honeypot/services/k8s/k8s_cluster.hpp"

#include <array>
#include <ctime>

#include "core/base64.hpp"
#include "honeypot/services/docker_api/docker_persona.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::array<KubeRelease, 4> kReleases = {{
    {"v1.27.4", "fa3d7990104d7c1f16943a67f11b154b71f6a132", "2023-07-19T12:14:46Z", "go1.20.6"},
    {"v1.28.2", "89a4ea3e1e4ddd7f7572286090359983e0387b2f", "2023-09-13T09:29:07Z", "go1.20.8"},
    {"v1.29.3", "6813625b7cd706db5bc7388921be03071e1a492d", "2024-03-14T23:58:36Z", "go1.21.8"},
    {"v1.30.2", "39683505b630ff2121012f3c5b16215a1449d5ed", "2024-06-11T20:21:00Z", "go1.22.4"},
}};
constexpr std::array<std::string_view, 4> kVersions = {"v1.27.4", "v1.28.2", "v1.29.3", "v1.30.2"};
constexpr std::array<std::string_view, 3> kAccess = {"open", "token", "locked"};

// The pod-template hash and the 5-character suffix the ReplicaSet controller would pick.
std::string suffix(const KubeSettings& k, std::string_view salt, std::size_t n) {
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    auto h = stable_hash(salt, k.seed);
    for (std::size_t i = 0; i < n; ++i) {
        out += kAlphabet[h % (sizeof kAlphabet - 1)];
        h /= (sizeof kAlphabet - 1);
        if (h == 0) h = stable_hash(salt, k.seed + i + 1);
    }
    return out;
}

std::string base64url(std::string_view bytes) {
    auto out = base64_encode(bytes, false);
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

// A service-account JWT as the legacy token controller signs them (RS256, 256-byte sig).
std::string service_account_token(const KubeSettings& k, const std::string& ns,
                                  const std::string& secret, const std::string& account) {
    const std::string header =
        R"({"alg":"RS256","kid":")" + base64url(stable_hex(k.seed, "kid").substr(0, 32)) + "\"}";
    const std::string payload =
        R"({"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":")" + ns +
        R"(","kubernetes.io/serviceaccount/secret.name":")" + secret +
        R"(","kubernetes.io/serviceaccount/service-account.name":")" + account +
        R"(","kubernetes.io/serviceaccount/service-account.uid":")" + k.uid(account) +
        R"(","sub":"system:serviceaccount:)" + ns + ":" + account + "\"}";
    std::string signature;
    for (int i = 0; i < 8; ++i) signature += stable_hex(k.seed, secret + std::to_string(i), 64);
    std::string raw;
    for (std::size_t i = 0; i + 1 < signature.size() && raw.size() < 256; i += 2)
        raw += static_cast<char>(std::stoi(signature.substr(i, 2), nullptr, 16));
    return base64url(header) + "." + base64url(payload) + "." + base64url(raw);
}

void build_cluster(KubeSettings& k) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    k.created = now - 86400 * (90 + static_cast<std::int64_t>(k.seed % 200));
    k.namespaces = {"default",         "kube-system", "kube-public",
                    "kube-node-lease", "production",  "monitoring"};
    const auto days = [&](int d) {
        return now - 86400 * d - static_cast<std::int64_t>(k.seed % 7000);
    };
    const auto age = static_cast<int>((now - k.created) / 86400);
    const auto rs = [&](std::string_view app, int n = 0) {
        return suffix(k, app, 10) + "-" + suffix(k, std::string(app) + std::to_string(n), 5);
    };
    int ip = 2;
    const auto pod = [&](std::string ns, std::string name, std::string image, std::string app,
                         std::int64_t created, int restarts, bool host_ip) {
        k.pods.push_back({std::move(ns), std::move(name), k.node,
                          host_ip ? std::string("10.0.0.10") : "10.244.0." + std::to_string(ip++),
                          std::move(image), std::move(app), created, restarts});
    };
    const std::string v(k.release->git_version);
    pod("kube-system", "coredns-" + rs("coredns"), "registry.k8s.io/coredns/coredns:v1.10.1",
        "coredns", k.created + 60, 0, false);
    pod("kube-system", "coredns-" + rs("coredns", 1), "registry.k8s.io/coredns/coredns:v1.10.1",
        "coredns", k.created + 60, 0, false);
    pod("kube-system", "etcd-" + k.node, "registry.k8s.io/etcd:3.5.7-0", "etcd", k.created, 1,
        true);
    pod("kube-system", "kube-apiserver-" + k.node, "registry.k8s.io/kube-apiserver:" + v,
        "kube-apiserver", k.created, 1, true);
    pod("kube-system", "kube-controller-manager-" + k.node,
        "registry.k8s.io/kube-controller-manager:" + v, "kube-controller-manager", k.created, 2,
        true);
    pod("kube-system", "kube-proxy-" + suffix(k, "proxy", 5), "registry.k8s.io/kube-proxy:" + v,
        "kube-proxy", k.created + 30, 1, true);
    pod("kube-system", "kube-scheduler-" + k.node, "registry.k8s.io/kube-scheduler:" + v,
        "kube-scheduler", k.created, 2, true);
    pod("production", "webapp-6d5f8b9-xk2p7", "registry.corp.local/webapp:2.14.1", "webapp",
        days(std::min(age, 12)), 0, false);
    pod("production", "webapp-6d5f8b9-" + suffix(k, "web2", 5), "registry.corp.local/webapp:2.14.1",
        "webapp", days(std::min(age, 12)), 0, false);
    pod("production", "api-gateway-" + rs("api"), "registry.corp.local/api-gateway:1.8.0",
        "api-gateway", days(std::min(age, 5)), 3, false);
    pod("production", "redis-0", "redis:7.2-alpine", "redis", days(std::min(age, 40)), 0, false);
    pod("production", "postgres-0", "postgres:15.4", "postgres", days(std::min(age, 40)), 1, false);
    pod("monitoring", "prometheus-server-" + rs("prometheus"),
        "quay.io/prometheus/prometheus:v2.45.0", "prometheus", days(std::min(age, 30)), 0, false);
    pod("monitoring", "grafana-" + rs("grafana"), "grafana/grafana:10.0.3", "grafana",
        days(std::min(age, 30)), 0, false);

    const auto account_secret = [&](std::string ns, std::string name, std::string account) {
        KubeSecret s{ns, name, "kubernetes.io/service-account-token", {}, k.created + 600, {}};
        s.token = service_account_token(k, ns, name, account);
        s.data = {{"ca.crt",
                   "-----BEGIN "
                   "CERTIFICATE-----\nMIIC/"
                   "jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTIzMD"
                   "cyMDEwMTQ0NloXDTMzMDcxNzEwMTQ0NlowFTETMBEGA1UE\n-----END CERTIFICATE-----\n"},
                  {"namespace", ns},
                  {"token", s.token}};
        k.secrets.push_back(std::move(s));
    };
    account_secret("kube-system", "cluster-admin-token-" + suffix(k, "admintok", 5),
                   "cluster-admin-sa");
    account_secret("production", "ci-deployer-token-" + suffix(k, "citok", 5), "ci-deployer");
    k.secrets.push_back({"production",
                         "db-credentials",
                         "Opaque",
                         {{"username", "webapp"},
                          {"password", "Pg_" + stable_hex(k.seed, "dbpass", 14)},
                          {"host", "postgres-0.postgres.production.svc.cluster.local"}},
                         days(std::min(age, 40)),
                         {}});
    k.secrets.push_back(
        {"production",
         "registry-pull",
         "kubernetes.io/dockerconfigjson",
         {{".dockerconfigjson",
           R"({"auths":{"registry.corp.local":{"username":"ci-bot","password":")" +
               stable_hex(k.seed, "regpass", 20) + R"(","auth":")" +
               base64_encode("ci-bot:" + stable_hex(k.seed, "regpass", 20)) + "\"}}}"}},
         days(std::min(age, 60)),
         {}});
}

}  // namespace

std::string KubeSettings::uid(std::string_view salt) const {
    const auto h = stable_hex(seed, salt, 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

const KubeSecret* KubeSettings::bait_secret(std::string_view token) const {
    for (const auto& s : secrets)
        if (!s.token.empty() && s.token == token) return &s;
    return nullptr;
}

std::shared_ptr<const ServiceSettings> configure_k8s(const PersonaReader& persona) {
    auto settings = std::make_shared<KubeSettings>();
    const auto version = persona.choice("version", kVersions);
    for (const auto& r : kReleases)
        if (r.git_version == version) settings->release = &r;
    const auto access = persona.choice("access", kAccess);
    settings->access = access == "open"    ? KubeAccess::open
                       : access == "token" ? KubeAccess::token
                                           : KubeAccess::locked;
    settings->node = persona.decky().hostname;
    for (auto& c : settings->node)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (settings->node.empty()) settings->node = "k8s-master";
    settings->seed = stable_hash(persona.decky().name + "/" + persona.decky().hostname + "/k8s");
    build_cluster(*settings);
    return settings;
}

}  // namespace decnet::honeypot
