// The login route's back-pressure: with the crypto pool's queue full, login answers 503
// with Retry-After at once instead of queueing (and answers normally once it drains).
#include <gtest/gtest.h>

#include <future>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/auth/password.hpp"
#include "api/resources/core_resources.hpp"
#include "api/server/router.hpp"
#include "api_test_support.hpp"

namespace decnet::api {
namespace {

TEST(LoginRoute, FullCryptoQueueAnswers503ThenRecovers) {
    testing::TempStore store;
    auto settings = testing::cheap_settings();
    settings.crypto_threads = 1;
    settings.crypto_max_queued = 1;
    auth::AuthService auth(*store.repo, settings);
    auth.seed_admin("admin", "pw-123456");
    ApiContext context{*store.repo, ApiSettings{}};
    context.auth = &auth;
    Router router(auth_routes(context), auth, CorsPolicy{});

    auto login = [&] {
        Request request;
        request.method = "POST";
        request.path = "/api/v1/auth/login";
        request.headers["content-type"] = "application/json";
        request.body = R"({"username":"admin","password":"pw-123456"})";
        request.peer_ip = "127.0.0.1";
        auto answer = std::make_shared<std::promise<Response>>();
        router.handle(request, [answer](Response r) { answer->set_value(std::move(r)); });
        return answer->get_future();
    };

    std::promise<void> release;
    auto gate = release.get_future().share();
    std::promise<void> started;
    ASSERT_TRUE(auth.crypto_pool().try_submit([gate, &started] {
        started.set_value();
        gate.wait();
    }));
    started.get_future().wait();                        // the only worker is busy
    ASSERT_TRUE(auth.crypto_pool().try_submit([] {}));  // and the queue is full
    auto refused = login().get();
    EXPECT_EQ(refused.status, 503);
    bool retry_after = false;
    for (const auto& [name, value] : refused.headers) retry_after |= name == "Retry-After";
    EXPECT_TRUE(retry_after);

    release.set_value();
    auth.crypto_pool().wait_idle();
    auto ok = login();
    ASSERT_EQ(ok.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(ok.get().status, 200);
}

}  // namespace
}  // namespace decnet::api
