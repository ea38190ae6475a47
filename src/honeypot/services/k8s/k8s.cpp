// k8s: a Kubernetes API server (6443 TLS, 8080 the legacy insecure port; services.md §2.25)
// deep enough for kubectl — /version, health, discovery (/api, /apis, group versions),
// namespaces, nodes, pods and secrets as lists, objects and server-side Tables — with the
// persona's access policy: anonymous 403 Status like a real apiserver, bearer tokens let in
// or refused, bait service-account tokens in the secrets (and recognised when replayed).
// Every request is a `request` event; creates, updates, deletes and execs are `write` and
// `exec` events with their bodies, refused by an admission webhook as a guarded cluster is.
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>
#include <ctime>
#include <optional>
#include <string>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/services/http/go_server.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/services/k8s/k8s_cluster.hpp"
#include "honeypot/services/k8s/k8s_request.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/host_profile.hpp"

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
using json = nlohmann::ordered_json;
using namespace http;
using k8s::ResourcePath;

constexpr std::size_t kMaxRequests = 200;
constexpr std::size_t kKeepBody = 64 * 1024;
constexpr std::size_t kMaxBody = 3 * 1024 * 1024;  // the apiserver's own request limit
constexpr std::size_t kLogged = 1024;

const KubeSettings& cluster(const Session& s) {
    return s.context().settings_as<KubeSettings>();
}

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::string rfc3339(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char out[80];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

// kubectl's short ages (duration.HumanDuration): 45s, 12m, 5h, 3d4h, 97d, 2y3d.
std::string human_age(std::int64_t seconds) {
    seconds = std::max<std::int64_t>(seconds, 0);
    const auto m = seconds / 60, h = seconds / 3600, d = seconds / 86400;
    if (seconds < 120) return std::to_string(seconds) + "s";
    if (m < 10) return std::to_string(m) + "m" + std::to_string(seconds % 60) + "s";
    if (h < 3) return std::to_string(m) + "m";
    if (h < 8) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
    if (h < 48) return std::to_string(h) + "h";
    if (d < 8) return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
    if (d < 365 * 2) return std::to_string(d) + "d";
    return std::to_string(d / 365) + "y" + std::to_string(d % 365) + "d";
}

std::string random_uid() {
    std::array<std::uint8_t, 16> raw{};
    RAND_bytes(raw.data(), static_cast<int>(raw.size()));
    const auto h = to_hex(raw);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

std::string resource_version(const Session& s) {
    return std::to_string(100000 + cluster(s).seed % 800000 + (now_seconds() / 7) % 100000);
}

// ---- who is asking ---------------------------------------------------------------------

struct Caller {
    bool anonymous = true;
    bool rejected = false;  // a token the cluster does not accept (401)
    std::string user = "system:anonymous";
    std::string auth;  // what the Authorization header carried, for the event
    const KubeSecret* bait = nullptr;
};

Caller caller_of(const Session& s, const ApiRequest& r) {
    Caller c;
    const auto* header = r.header("Authorization");
    if (!header) return c;
    c.auth = utf8_prefix(*header, kLogged);
    std::string_view value = trim(*header);
    if (value.size() > 7 && iequals(value.substr(0, 7), "Bearer ")) {
        const auto token = trim(value.substr(7));
        c.bait = cluster(s).bait_secret(token);
        if (c.bait) {
            c.anonymous = false;
            c.user = "system:serviceaccount:" + c.bait->ns + ":" +
                     (c.bait->name.substr(0, c.bait->name.find("-token-")));
        } else if (cluster(s).access == KubeAccess::locked || token.empty()) {
            c.rejected = true;
        } else {
            c.anonymous = false;
            c.user = "system:serviceaccount:kube-system:default";
        }
    }
    // Basic auth left Kubernetes in 1.19: the request is anonymous (the pair is still logged).
    return c;
}

// ---- answers ---------------------------------------------------------------------------

bool pretty(const ApiRequest& r) {
    const auto* agent = r.header("User-Agent");
    const auto p = r.param("pretty");
    return p == "true" || p == "1" ||
           (agent && (agent->starts_with("curl") || agent->starts_with("Wget")));
}

Fields api_headers(const Session& s, std::string_view type = "application/json") {
    return {{"Audit-Id", random_uid()},
            {"Cache-Control", "no-cache, private"},
            {"Content-Type", std::string(type)},
            {"X-Kubernetes-Pf-Flowschema-Uid", cluster(s).uid("flowschema")},
            {"X-Kubernetes-Pf-Prioritylevel-Uid", cluster(s).uid("prioritylevel")}};
}

std::string reply(const Session& s, const ApiRequest& r, int code, const json& body) {
    const auto text = pretty(r) ? body.dump(2, ' ', false, json::error_handler_t::replace)
                                : body.dump(-1, ' ', false, json::error_handler_t::replace);
    auto headers = api_headers(s);
    if (code >= 400) headers.emplace_back("X-Content-Type-Options", "nosniff");
    return go_response(r, code, std::move(headers), text + "\n");
}

std::string status(const Session& s, const ApiRequest& r, int code, std::string_view reason,
                   const std::string& message, json details = nullptr) {
    json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"}, {"message", message}, {"reason", reason}};
    if (!details.is_null()) body["details"] = std::move(details);
    body["code"] = code;
    return reply(s, r, code, body);
}

std::string verb_of(const ApiRequest& r, const ResourcePath& p) {
    const auto& m = r.line.method;
    if (m == "GET" || m == "HEAD") {
        if (!p.name.empty()) return "get";
        return r.param("watch") == "true" || r.param("watch") == "1" ? "watch" : "list";
    }
    if (m == "POST") return "create";
    if (m == "PUT") return "update";
    if (m == "PATCH") return "patch";
    if (m == "DELETE") return p.name.empty() ? "deletecollection" : "delete";
    return ascii_lower(m);
}

std::string forbidden(const Session& s, const ApiRequest& r, const Caller& c,
                      const std::optional<ResourcePath>& p) {
    if (!p)
        return status(s, r, 403, "Forbidden",
                      "forbidden: User \"" + c.user + "\" cannot get path \"" + r.line.path + "\"",
                      json::object());
    const std::string resource = p->sub.empty() ? p->resource : p->resource + "/" + p->sub;
    std::string message = p->resource;
    if (!p->name.empty()) message += " \"" + p->name + "\"";
    message += " is forbidden: User \"" + c.user + "\" cannot " + verb_of(r, *p) + " resource \"" +
               resource + "\" in API group \"" + p->group + "\" ";
    message += p->ns.empty() ? "at the cluster scope" : "in the namespace \"" + p->ns + "\"";
    json details = {{"kind", p->resource}};
    if (!p->name.empty()) details = {{"name", p->name}, {"kind", p->resource}};
    return status(s, r, 403, "Forbidden", message, details);
}

std::string not_found(const Session& s, const ApiRequest& r, const ResourcePath& p) {
    return status(s, r, 404, "NotFound", p.resource + " \"" + p.name + "\" not found",
                  {{"name", p.name}, {"kind", p.resource}});
}

std::string no_such_resource(const Session& s, const ApiRequest& r) {
    return status(s, r, 404, "NotFound", "the server could not find the requested resource",
                  json::object());
}

// ---- discovery -------------------------------------------------------------------------

struct ResourceInfo {
    std::string_view name, kind, group, version;
    bool namespaced;
    std::string_view short_names;
};

constexpr std::array<ResourceInfo, 20> kResources = {{
    {"bindings", "Binding", "", "v1", true, ""},
    {"configmaps", "ConfigMap", "", "v1", true, "cm"},
    {"endpoints", "Endpoints", "", "v1", true, "ep"},
    {"events", "Event", "", "v1", true, "ev"},
    {"namespaces", "Namespace", "", "v1", false, "ns"},
    {"nodes", "Node", "", "v1", false, "no"},
    {"persistentvolumeclaims", "PersistentVolumeClaim", "", "v1", true, "pvc"},
    {"persistentvolumes", "PersistentVolume", "", "v1", false, "pv"},
    {"pods", "Pod", "", "v1", true, "po"},
    {"secrets", "Secret", "", "v1", true, ""},
    {"serviceaccounts", "ServiceAccount", "", "v1", true, "sa"},
    {"services", "Service", "", "v1", true, "svc"},
    {"daemonsets", "DaemonSet", "apps", "v1", true, "ds"},
    {"deployments", "Deployment", "apps", "v1", true, "deploy"},
    {"replicasets", "ReplicaSet", "apps", "v1", true, "rs"},
    {"statefulsets", "StatefulSet", "apps", "v1", true, "sts"},
    {"cronjobs", "CronJob", "batch", "v1", true, "cj"},
    {"jobs", "Job", "batch", "v1", true, ""},
    {"clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", false, ""},
    {"clusterroles", "ClusterRole", "rbac.authorization.k8s.io", "v1", false, ""},
}};
constexpr std::array<std::string_view, 3> kGroups = {"apps", "batch", "rbac.authorization.k8s.io"};

const ResourceInfo* find_resource(const ResourcePath& p) {
    for (const auto& info : kResources)
        if (info.name == p.resource && info.group == p.group && info.version == p.version)
            return &info;
    return nullptr;
}

json resource_list(std::string_view group, std::string_view version) {
    json resources = json::array();
    for (const auto& info : kResources) {
        if (info.group != group || info.version != version) continue;
        json entry = {
            {"name", info.name},
            {"singularName", ascii_lower(info.kind)},
            {"namespaced", info.namespaced},
            {"kind", info.kind},
            {"verbs",
             {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}};
        if (!info.short_names.empty()) entry["shortNames"] = {info.short_names};
        resources.push_back(entry);
        if (info.name == "pods")
            for (const auto* sub : {"pods/exec", "pods/log", "pods/status"})
                resources.push_back(
                    {{"name", sub},
                     {"singularName", ""},
                     {"namespaced", true},
                     {"kind", std::string_view(sub) == "pods/exec" ? "PodExecOptions" : "Pod"},
                     {"verbs", {"create", "get"}}});
    }
    const std::string gv =
        group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
    return {{"kind", "APIResourceList"},
            {"apiVersion", "v1"},
            {"groupVersion", gv},
            {"resources", resources}};
}

json group_json(std::string_view group) {
    const std::string gv = std::string(group) + "/v1";
    return {{"name", group},
            {"versions", {{{"groupVersion", gv}, {"version", "v1"}}}},
            {"preferredVersion", {{"groupVersion", gv}, {"version", "v1"}}}};
}

// ---- objects ---------------------------------------------------------------------------

json meta(const Session& s, const std::string& name, const std::string& ns, std::int64_t created,
          json labels = nullptr) {
    json m = {{"name", name},
              {"uid", cluster(s).uid(ns + "/" + name)},
              {"resourceVersion", std::to_string(1000 + stable_hash(name) % 90000)},
              {"creationTimestamp", rfc3339(created)}};
    if (!ns.empty()) m["namespace"] = ns;
    if (!labels.is_null()) m["labels"] = std::move(labels);
    return m;
}

json pod_json(const Session& s, const KubePod& p) {
    const auto started = rfc3339(p.created + 5);
    return {{"kind", "Pod"},
            {"apiVersion", "v1"},
            {"metadata", meta(s, p.name, p.ns, p.created, {{"app", p.app}})},
            {"spec",
             {{"containers",
               {{{"name", p.app}, {"image", p.image}, {"imagePullPolicy", "IfNotPresent"}}}},
              {"nodeName", p.node},
              {"restartPolicy", "Always"},
              {"serviceAccountName", "default"}}},
            {"status",
             {{"phase", "Running"},
              {"hostIP", "10.0.0.10"},
              {"podIP", p.ip},
              {"startTime", started},
              {"containerStatuses",
               {{{"name", p.app},
                 {"ready", true},
                 {"restartCount", p.restarts},
                 {"image", p.image},
                 {"started", true},
                 {"state", {{"running", {{"startedAt", started}}}}}}}}}}};
}

json secret_json(const Session& s, const KubeSecret& k) {
    json data = json::object();
    for (const auto& [key, value] : k.data) data[key] = base64_encode(value);
    json m = meta(s, k.name, k.ns, k.created);
    if (!k.token.empty())
        m["annotations"] = {
            {"kubernetes.io/service-account.name", k.name.substr(0, k.name.find("-token-"))},
            {"kubernetes.io/service-account.uid",
             cluster(s).uid(k.name.substr(0, k.name.find("-token-")))}};
    return {{"kind", "Secret"},
            {"apiVersion", "v1"},
            {"metadata", m},
            {"type", k.type},
            {"data", data}};
}

json namespace_json(const Session& s, const std::string& name) {
    return {{"kind", "Namespace"},
            {"apiVersion", "v1"},
            {"metadata", meta(s, name, "",
                              cluster(s).created +
                                  (name.starts_with("kube") || name == "default" ? 0 : 86400 * 2),
                              {{"kubernetes.io/metadata.name", name}})},
            {"spec", {{"finalizers", {"kubernetes"}}}},
            {"status", {{"phase", "Active"}}}};
}

json node_json(const Session& s) {
    const auto& k = cluster(s);
    return {{"kind", "Node"},
            {"apiVersion", "v1"},
            {"metadata", meta(s, k.node, "", k.created,
                              {{"kubernetes.io/hostname", k.node},
                               {"kubernetes.io/os", "linux"},
                               {"node-role.kubernetes.io/control-plane", ""}})},
            {"status",
             {{"nodeInfo",
               {{"kubeletVersion", k.release->git_version},
                {"containerRuntimeVersion", "containerd://1.6.22"},
                {"osImage", "Ubuntu 22.04.3 LTS"},
                {"operatingSystem", "linux"},
                {"architecture", "amd64"}}},
              {"addresses",
               {{{"type", "InternalIP"}, {"address", "10.0.0.10"}},
                {{"type", "Hostname"}, {"address", k.node}}}},
              {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json list_of(const Session& s, std::string_view kind, std::string_view api_version, json items) {
    return {{"kind", std::string(kind) + "List"},
            {"apiVersion", api_version},
            {"metadata", {{"resourceVersion", resource_version(s)}}},
            {"items", std::move(items)}};
}

bool wants_table(const ApiRequest& r) {
    const auto* accept = r.header("Accept");
    return accept && accept->find("as=Table") != std::string::npos;
}

json column(std::string_view name, std::string_view type, int priority = 0,
            std::string_view format = "") {
    return {{"name", name},
            {"type", type},
            {"format", format},
            {"description", ""},
            {"priority", priority}};
}

json table(const Session& s, json columns, json rows) {
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", resource_version(s)}}},
            {"columnDefinitions", std::move(columns)},
            {"rows", std::move(rows)}};
}

json row(json cells, const json& metadata) {
    return {{"cells", std::move(cells)},
            {"object",
             {{"kind", "PartialObjectMetadata"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", metadata}}}};
}

// ---- events ----------------------------------------------------------------------------

void emit_request(Session& s, const ApiRequest& r, const Caller& c) {
    const auto* agent = r.header("User-Agent");
    auto event = s.event("request")
                     .add("method", r.line.method)
                     .add("path", r.line.path)
                     .add("query", r.line.query)
                     .add("dst_port", s.context().persona_value("port"))
                     .add("user_agent", agent ? *agent : std::string())
                     .add("auth", c.auth)
                     .add("user", c.rejected ? std::string("(rejected)") : c.user)
                     .add("body", utf8_prefix(r.body, kLogged));
    if (c.bait) event.add("bait_secret", c.bait->ns + "/" + c.bait->name);
    // A bearer token is the bounty; a Basic pair too (Kubernetes ignores it, attackers try).
    if (c.auth.size() > 7 && iequals(c.auth.substr(0, 7), "Bearer "))
        event.credential("bearer", c.auth.substr(7)).add("credential_type", "bearer_token");
    else if (c.auth.size() > 6 && iequals(c.auth.substr(0, 6), "Basic "))
        if (auto pair = base64_decode(c.auth.substr(6));
            pair && pair->find(':') != std::string::npos)
            event.credential(pair->substr(0, pair->find(':')), pair->substr(pair->find(':') + 1));
    s.emit(std::move(event));
}

// ---- handlers --------------------------------------------------------------------------

std::string healthz(const Session& s, const ApiRequest& r) {
    return go_response(r, 200, api_headers(s, "text/plain; charset=utf-8"), "ok");
}

std::string version(const Session& s, const ApiRequest& r) {
    const auto& rel = *cluster(s).release;
    const auto gv = std::string(rel.git_version);
    const auto dot = gv.find('.', 1);
    return reply(s, r, 200,
                 {{"major", gv.substr(1, dot - 1)},
                  {"minor", gv.substr(dot + 1, gv.find('.', dot + 1) - dot - 1)},
                  {"gitVersion", rel.git_version},
                  {"gitCommit", rel.git_commit},
                  {"gitTreeState", "clean"},
                  {"buildDate", rel.build_date},
                  {"goVersion", rel.go_version},
                  {"compiler", "gc"},
                  {"platform", "linux/amd64"}});
}

std::string discovery(const Session& s, const ApiRequest& r) {
    const auto& path = r.line.path;
    if (path == "/api")
        return reply(s, r, 200,
                     {{"kind", "APIVersions"},
                      {"versions", {"v1"}},
                      {"serverAddressByClientCIDRs",
                       {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "10.0.0.10:6443"}}}}});
    if (path == "/api/v1") return reply(s, r, 200, resource_list("", "v1"));
    if (path == "/apis") {
        json groups = json::array();
        for (const auto group : kGroups) groups.push_back(group_json(group));
        return reply(s, r, 200,
                     {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
    }
    for (const auto group : kGroups) {
        const std::string base = "/apis/" + std::string(group);
        if (path == base) {
            auto body = group_json(group);
            body["kind"] = "APIGroup";
            body["apiVersion"] = "v1";
            return reply(s, r, 200, body);
        }
        if (path == base + "/v1") return reply(s, r, 200, resource_list(group, "v1"));
    }
    if (path == "/")
        return reply(s, r, 200,
                     {{"paths",
                       {"/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/apis/batch",
                        "/apis/batch/v1", "/apis/rbac.authorization.k8s.io",
                        "/apis/rbac.authorization.k8s.io/v1", "/healthz", "/livez", "/metrics",
                        "/openapi/v2", "/readyz", "/version"}}});
    return {};
}

std::string pods(const Session& s, const ApiRequest& r, const ResourcePath& p) {
    std::vector<const KubePod*> selected;
    for (const auto& pod : cluster(s).pods)
        if ((p.ns.empty() || pod.ns == p.ns) && (p.name.empty() || pod.name == p.name))
            selected.push_back(&pod);
    if (!p.name.empty()) {
        if (selected.empty()) return not_found(s, r, p);
        if (p.sub == "log") {
            const auto* pod = selected.front();
            std::string text;
            for (int i = 3; i > 0; --i)
                text += rfc3339(now_seconds() - 600 * i) + " INFO " + pod->app +
                        ": health check ok (" + std::to_string(12 + i) + "ms)\n";
            return go_response(r, 200, api_headers(s, "text/plain"), text);
        }
        if (!p.sub.empty()) return no_such_resource(s, r);
        return reply(s, r, 200, pod_json(s, *selected.front()));
    }
    if (!wants_table(r)) {
        json items = json::array();
        for (const auto* pod : selected) items.push_back(pod_json(s, *pod));
        return reply(s, r, 200, list_of(s, "Pod", "v1", items));
    }
    json rows = json::array();
    for (const auto* pod : selected)
        rows.push_back(
            row({pod->name, "1/1", "Running",
                 pod->restarts ? std::to_string(pod->restarts) + " (" +
                                     human_age(86400 * (pod->restarts + 3)) + " ago)"
                               : "0",
                 human_age(now_seconds() - pod->created), pod->ip, pod->node, "<none>", "<none>"},
                meta(s, pod->name, pod->ns, pod->created)));
    return reply(
        s, r, 200,
        table(s,
              {column("Name", "string", 0, "name"), column("Ready", "string"),
               column("Status", "string"), column("Restarts", "string"), column("Age", "string"),
               column("IP", "string", 1), column("Node", "string", 1),
               column("Nominated Node", "string", 1), column("Readiness Gates", "string", 1)},
              rows));
}

std::string namespaces(const Session& s, const ApiRequest& r, const ResourcePath& p) {
    const auto& k = cluster(s);
    if (!p.name.empty()) {
        if (std::find(k.namespaces.begin(), k.namespaces.end(), p.name) == k.namespaces.end())
            return not_found(s, r, p);
        return reply(s, r, 200, namespace_json(s, p.name));
    }
    if (!wants_table(r)) {
        json items = json::array();
        for (const auto& ns : k.namespaces) items.push_back(namespace_json(s, ns));
        return reply(s, r, 200, list_of(s, "Namespace", "v1", items));
    }
    json rows = json::array();
    for (const auto& ns : k.namespaces) {
        const auto object = namespace_json(s, ns);
        const auto created =
            k.created + (ns.starts_with("kube") || ns == "default" ? 0 : 86400 * 2);
        rows.push_back(row({ns, "Active", human_age(now_seconds() - created)}, object["metadata"]));
    }
    return reply(s, r, 200,
                 table(s,
                       {column("Name", "string", 0, "name"), column("Status", "string"),
                        column("Age", "string")},
                       rows));
}

std::string secrets(Session& s, const ApiRequest& r, const ResourcePath& p) {
    std::vector<const KubeSecret*> selected;
    for (const auto& secret : cluster(s).secrets)
        if ((p.ns.empty() || secret.ns == p.ns) && (p.name.empty() || secret.name == p.name))
            selected.push_back(&secret);
    if (!p.name.empty() && selected.empty()) return not_found(s, r, p);
    std::string names;
    for (const auto* secret : selected)
        names += (names.empty() ? "" : ",") + secret->ns + "/" + secret->name;
    if (!selected.empty()) s.emit(s.event("secret_read", Severity::warning).add("secrets", names));
    if (!p.name.empty()) return reply(s, r, 200, secret_json(s, *selected.front()));
    if (!wants_table(r)) {
        json items = json::array();
        for (const auto* secret : selected) items.push_back(secret_json(s, *secret));
        return reply(s, r, 200, list_of(s, "Secret", "v1", items));
    }
    json rows = json::array();
    for (const auto* secret : selected)
        rows.push_back(row({secret->name, secret->type, static_cast<int>(secret->data.size()),
                            human_age(now_seconds() - secret->created)},
                           meta(s, secret->name, secret->ns, secret->created)));
    return reply(s, r, 200,
                 table(s,
                       {column("Name", "string", 0, "name"), column("Type", "string"),
                        column("Data", "string"), column("Age", "string")},
                       rows));
}

std::string read_resource(Session& s, const ApiRequest& r, const ResourcePath& p,
                          const ResourceInfo& info) {
    if (p.resource == "pods") return pods(s, r, p);
    if (p.resource == "namespaces") return namespaces(s, r, p);
    if (p.resource == "secrets") return secrets(s, r, p);
    if (p.resource == "nodes") {
        if (!p.name.empty() && p.name != cluster(s).node) return not_found(s, r, p);
        if (!p.name.empty()) return reply(s, r, 200, node_json(s));
        if (!wants_table(r))
            return reply(s, r, 200, list_of(s, "Node", "v1", json::array({node_json(s)})));
        const auto& k = cluster(s);
        const auto node = node_json(s);
        return reply(
            s, r, 200,
            table(s,
                  {column("Name", "string", 0, "name"), column("Status", "string"),
                   column("Roles", "string"), column("Age", "string"), column("Version", "string"),
                   column("Internal-IP", "string", 1), column("External-IP", "string", 1),
                   column("OS-Image", "string", 1), column("Kernel-Version", "string", 1),
                   column("Container-Runtime", "string", 1)},
                  json::array(
                      {row({k.node, "Ready", "control-plane", human_age(now_seconds() - k.created),
                            k.release->git_version, "10.0.0.10", "<none>", "Ubuntu 22.04.3 LTS",
                            "5.15.0-88-generic", "containerd://1.6.22"},
                           node["metadata"])})));
    }
    if (!p.name.empty()) return not_found(s, r, p);
    const std::string api_version =
        info.group.empty() ? "v1" : std::string(info.group) + "/" + std::string(info.version);
    return reply(s, r, 200, list_of(s, info.kind, api_version, json::array()));
}

bool is_exec(const ResourcePath& p) {
    return p.resource == "pods" && (p.sub == "exec" || p.sub == "attach");
}

// A create, update, patch, delete or exec, with what it carried: whether RBAC lets it in
// or not, the attempt is the intelligence.
void capture_write(Session& s, const ApiRequest& r, const ResourcePath& p) {
    const bool exec = is_exec(p);
    if (exec) {
        std::string command;
        for (const auto& [key, value] : r.query)
            if (key == "command") command += (command.empty() ? "" : " ") + value;
        s.emit(s.event("exec", Severity::warning)
                   .add("namespace", p.ns)
                   .add("pod", p.name)
                   .add("container", r.param("container"))
                   .add("command", utf8_prefix(command, kLogged)));
    } else {
        auto event = s.event("write", Severity::warning)
                         .add("verb", verb_of(r, p))
                         .add("resource", p.sub.empty() ? p.resource : p.resource + "/" + p.sub)
                         .add("namespace", p.ns)
                         .add("name", p.name)
                         .add("body", utf8_prefix(r.body, kLogged));
        if (auto object = k8s::summarize_object(r.body)) {
            event.add("kind", object->kind)
                .add("images", json_list(object->images))
                .add("commands", json_list(object->commands));
            if (!object->escape.empty()) event.add("escape", object->escape);
        }
        s.emit(std::move(event));
    }
}

// Refused by the cluster's admission policy (a guarded production cluster answers so).
std::string admission_denied(const Session& s, const ApiRequest& r, const ResourcePath& p) {
    const std::string target = p.name.empty() ? p.resource : p.resource + " \"" + p.name + "\"";
    return status(s, r, 403, "Forbidden",
                  "admission webhook \"validation.gatekeeper.sh\" denied the request: "
                  "[require-change-ticket] " +
                      target + (p.ns.empty() ? std::string() : " in namespace \"" + p.ns + "\"") +
                      " requires the annotation change.corp.local/ticket",
                  json::object());
}

std::string answer(Session& s, const ApiRequest& r, const Caller& c) {
    const auto& path = r.line.path;
    const bool insecure = s.context().persona_value("port") == "8080";
    if (r.line.method == "OPTIONS") return go_response(r, 200, api_headers(s), "");
    if (c.rejected) return status(s, r, 401, "Unauthorized", "Unauthorized");
    const bool read = r.line.method == "GET" || r.line.method == "HEAD";
    if (path == "/version" || path == "/healthz" || path == "/livez" || path == "/readyz") {
        if (!read)
            return status(s, r, 405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource",
                          json::object());
        return path == "/version" ? version(s, r) : healthz(s, r);
    }
    const auto p = k8s::parse_resource_path(path);
    const bool trusted = insecure || !c.anonymous;
    const bool open = cluster(s).access == KubeAccess::open;
    if (!p) {
        if (!trusted && !open) return forbidden(s, r, c, p);
        if (read)
            if (auto doc = discovery(s, r); !doc.empty()) return doc;
        return no_such_resource(s, r);
    }
    const auto* info = find_resource(*p);
    const bool write = !read || is_exec(*p);
    if (info && write) capture_write(s, r, *p);
    if (!trusted && (!open || p->resource == "secrets" || write)) return forbidden(s, r, c, p);
    if (!info) return no_such_resource(s, r);
    if (write) return admission_denied(s, r, *p);
    return read_resource(s, r, *p, *info);
}

awaitable<void> bad_request(Session& s, const std::string& error) {
    s.emit(s.event("bad_request", Severity::warning).add("error", error));
    co_await s.write(go_refusal(error));
}

awaitable<void> serve_k8s(Session& s) {
    for (std::size_t n = 0; n < kMaxRequests; ++n) {
        std::string error;
        auto request = co_await read_go_head(s, error);
        if (!request) {
            if (!error.empty()) co_await bad_request(s, error);
            co_return;
        }
        const bool read = co_await read_api_body(s, *request, kKeepBody, kMaxBody, error);
        if (!read) {
            if (!error.empty()) co_await bad_request(s, error);
            co_return;
        }
        const auto caller = caller_of(s, *request);
        emit_request(s, *request, caller);
        const std::string out = answer(s, *request, caller);
        const bool written = co_await s.write(out);
        if (!written || !request->keep_alive) co_return;
    }
}

constexpr EventDecl kEvents[] = {
    {"request",
     "src_ip src_port method path query dst_port user_agent auth user body bait_secret? "
     "username? password? credential_type?",
     "one API request; a bearer token (or Basic pair) is the credential, `bait_secret` names "
     "the bait secret whose token came back"},
    {"secret_read", "src_ip src_port secrets", "bait secrets handed out (namespace/name, ...)"},
    {"write", "src_ip src_port verb resource namespace name body kind? images? commands? escape?",
     "a create, update, patch or delete, with the object's gist (refused by admission)"},
    {"exec", "src_ip src_port namespace pod container command", "kubectl exec/attach into a pod"},
    {"bad_request", "src_ip src_port error", "garbage or an oversized request (Go's 400)"},
};

}  // namespace

const ServiceModule& k8s_module() {
    static const ServiceModule module{
        .slug = "k8s", .configure = &configure_k8s, .serve = &serve_k8s, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
