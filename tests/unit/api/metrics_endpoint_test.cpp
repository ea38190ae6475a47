// GET /metrics access: host loopback only unless public, bearer token when configured.
#include "api/metrics/metrics_endpoint.hpp"

#include <gtest/gtest.h>

namespace decnet::api {
namespace {

Request scrape_from(std::string peer, std::string authorization = "") {
    Request request;
    request.method = "GET";
    request.path = "/metrics";
    request.peer_ip = std::move(peer);
    if (!authorization.empty()) request.headers["authorization"] = std::move(authorization);
    return request;
}

const auto kRender = [] { return std::string("decnet_up 1\n"); };

TEST(MetricsEndpoint, LoopbackOnlyByDefault) {
    const MetricsAccess access;
    for (const char* peer : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
        const auto response = metrics_response(scrape_from(peer), access, kRender);
        EXPECT_EQ(response.status, 200) << peer;
        EXPECT_EQ(response.body, "decnet_up 1\n");
        EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    }
    for (const char* peer : {"10.0.0.5", "127.99.30.1", "::ffff:10.0.0.5", ""})
        EXPECT_EQ(metrics_response(scrape_from(peer), access, kRender).status, 403) << peer;
}

TEST(MetricsEndpoint, PublicAllowsAnyPeer) {
    MetricsAccess access;
    access.public_access = true;
    EXPECT_EQ(metrics_response(scrape_from("10.0.0.5"), access, kRender).status, 200);
}

TEST(MetricsEndpoint, TokenIsRequiredWhenSet) {
    MetricsAccess access;
    access.token = "s3cret-token";
    EXPECT_EQ(metrics_response(scrape_from("127.0.0.1"), access, kRender).status, 401);
    EXPECT_EQ(
        metrics_response(scrape_from("127.0.0.1", "Bearer wrong-token"), access, kRender).status,
        401);
    EXPECT_EQ(
        metrics_response(scrape_from("127.0.0.1", "Bearer s3cret-token"), access, kRender).status,
        200);
    // The token does not replace the loopback rule.
    EXPECT_EQ(
        metrics_response(scrape_from("10.0.0.5", "Bearer s3cret-token"), access, kRender).status,
        403);
}

TEST(MetricsEndpoint, OnlyGet) {
    auto request = scrape_from("127.0.0.1");
    request.method = "POST";
    EXPECT_EQ(metrics_response(request, {}, kRender).status, 405);
}

}  // namespace
}  // namespace decnet::api
