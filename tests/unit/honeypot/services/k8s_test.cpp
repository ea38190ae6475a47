// The k8s emulator: REST paths and object bodies read into their gist, and the apiserver's
// answers over an in-memory session — /version, anonymous 403 Status on a locked cluster,
// a pods Table for kubectl, bait secrets for a bearer token, writes captured and refused.
#include <gtest/gtest.h>

#include "honeypot/services/k8s/k8s_request.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;
using decnet::testing::first_event;

TEST(K8sRequest, PathsAndObjects) {
    auto p = k8s::parse_resource_path("/api/v1/namespaces/prod/pods/web-1/exec");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ns, "prod");
    EXPECT_EQ(p->resource, "pods");
    EXPECT_EQ(p->name, "web-1");
    EXPECT_EQ(p->sub, "exec");
    p = k8s::parse_resource_path("/apis/apps/v1/deployments");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->group, "apps");
    EXPECT_EQ(p->resource, "deployments");
    p = k8s::parse_resource_path("/api/v1/namespaces/kube-system");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->resource, "namespaces");
    EXPECT_EQ(p->name, "kube-system");
    EXPECT_FALSE(k8s::parse_resource_path("/version"));
    EXPECT_FALSE(k8s::parse_resource_path("/api//v1/pods"));

    const auto object = k8s::summarize_object(
        R"({"kind":"Pod","metadata":{"name":"x"},"spec":{"hostPID":true,"volumes":[{"hostPath":)"
        R"({"path":"/"}}],"containers":[{"image":"xmrig/xmrig","command":["xmrig"],)"
        R"("args":["-o","pool:3333"],"securityContext":{"privileged":true}}]}})");
    ASSERT_TRUE(object);
    EXPECT_EQ(object->kind, "Pod");
    EXPECT_EQ(object->images, std::vector<std::string>{"xmrig/xmrig"});
    EXPECT_EQ(object->commands, std::vector<std::string>{"xmrig -o pool:3333"});
    EXPECT_EQ(object->escape, "host_pid,host_path_root,privileged");
}

std::string get(Dialogue& d, const std::string& path, const std::string& extra = "") {
    d.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nUser-Agent: kubectl/v1.27\r\n" + extra +
           "\r\n");
    return d.read_until("}\n");
}

TEST(K8sDialogue, OpenClusterListsPodsAndGuardsSecrets) {
    Dialogue d("k8s");
    EXPECT_NE(get(d, "/version").find("\"gitVersion\":\"v1.27.4\""), std::string::npos);
    const auto table = get(d, "/api/v1/pods?limit=500",
                           "Accept: application/json;as=Table;v=v1;g=meta.k8s.io\r\n");
    EXPECT_NE(table.find("\"kind\":\"Table\""), std::string::npos);
    EXPECT_NE(table.find("webapp-6d5f8b9-xk2p7"), std::string::npos);
    const auto secrets = get(d, "/api/v1/secrets");
    EXPECT_NE(secrets.find("HTTP/1.1 403 Forbidden"), std::string::npos);
    EXPECT_NE(
        secrets.find(
            R"(secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group \"\" at the cluster scope)"),
        std::string::npos);
    const auto bait = get(d, "/api/v1/secrets", "Authorization: Bearer eyJstolen\r\n");
    EXPECT_NE(bait.find("kubernetes.io/service-account-token"), std::string::npos);
    const std::string body =
        R"({"kind":"Pod","metadata":{"name":"m"},"spec":{"containers":[{"image":"xmrig/xmrig"}]}})";
    d.send(
        "POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        "eyJstolen\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_NE(d.read_until("}\n").find("validation.gatekeeper.sh"), std::string::npos);
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "write"), "images"), R"(["xmrig/xmrig"])");
    EXPECT_NE(field(first_event(events, "secret_read"), "secrets").find("kube-system/"),
              std::string::npos);
}

TEST(K8sDialogue, LockedClusterRefusesAnonymousAndTokens) {
    Dialogue d("k8s", DialogueOptions{.persona = {{"access", "locked"}}});
    EXPECT_NE(get(d, "/version").find("200 OK"), std::string::npos);
    const auto api = get(d, "/api");
    EXPECT_NE(api.find("403 Forbidden"), std::string::npos);
    EXPECT_NE(api.find(R"(forbidden: User \"system:anonymous\" cannot get path \"/api\")"),
              std::string::npos);
    EXPECT_NE(get(d, "/api/v1/pods", "Authorization: Bearer nope\r\n").find("401 Unauthorized"),
              std::string::npos);
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "request"), "method"), "GET");
}

// The apiserver is Go too: a Host-less HTTP/1.1 request and a blank request line get Go's
// refusals and a closed connection.
TEST(K8sDialogue, RefusesLikeGosServerBeforeAnyHandler) {
    {
        Dialogue d("k8s");
        ASSERT_TRUE(d.send("GET /version HTTP/1.1\r\n\r\n"));
        EXPECT_EQ(d.expect_closed(),
                  "HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: "
                  "text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: "
                  "missing required Host header");
    }
    Dialogue d("k8s");
    ASSERT_TRUE(d.send("\r\n\r\n"));
    EXPECT_EQ(d.expect_closed(),
              "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n\r\n400 Bad Request");
}

}  // namespace
}  // namespace decnet::honeypot
