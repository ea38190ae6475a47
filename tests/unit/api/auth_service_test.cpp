// AuthService: access levels of §2.3, the user caches of §2.6 (hit, expiry, invalidation,
// single flight), admin seeding §2.7, and login throttling.
#include <gtest/gtest.h>

#include <thread>

#include "api/auth/auth_service.hpp"
#include "api/auth/password.hpp"
#include "api/single_flight_cache.hpp"
#include "api_test_support.hpp"

namespace decnet::api::auth {
namespace {

using testing::TempStore;

Request with_token(const std::string& token) {
    Request request;
    request.headers["authorization"] = "Bearer " + token;
    return request;
}

int status_of(AuthService& auth, const Request& request, Access access) {
    try {
        auth.authenticate(request, access);
        return 200;
    } catch (const ApiError& e) {
        return e.status;
    }
}

store::UserRecord make_user(const std::string& name, const std::string& role, bool must_change) {
    return {new_uuid_v4(), name, bcrypt_hash("password1", 4), role, must_change};
}

TEST(AuthService, AccessLevels) {
    TempStore store;
    AuthService auth(*store.repo, testing::cheap_settings());
    const auto viewer = make_user("v", "viewer", false);
    const auto admin = make_user("a", "admin", false);
    const auto fresh = make_user("f", "viewer", true);
    for (const auto& u : {viewer, admin, fresh}) ASSERT_TRUE(store.repo->create_user(u));
    const auto v = with_token(auth.jwt().issue(viewer.uuid));
    const auto a = with_token(auth.jwt().issue(admin.uuid));
    const auto f = with_token(auth.jwt().issue(fresh.uuid));
    const auto ghost = with_token(auth.jwt().issue(new_uuid_v4()));

    EXPECT_EQ(status_of(auth, Request{}, Access::kPublic), 200);
    EXPECT_EQ(status_of(auth, Request{}, Access::kViewer), 401);
    EXPECT_EQ(status_of(auth, v, Access::kViewer), 200);
    EXPECT_EQ(status_of(auth, v, Access::kAdmin), 403);
    EXPECT_EQ(status_of(auth, a, Access::kAdmin), 200);
    EXPECT_EQ(status_of(auth, f, Access::kViewer), 403);
    EXPECT_EQ(status_of(auth, f, Access::kTokenOnly), 200);
    EXPECT_EQ(status_of(auth, f, Access::kStreamToken), 200);  // no must-change check
    EXPECT_EQ(status_of(auth, ghost, Access::kViewer), 401);
    EXPECT_EQ(status_of(auth, ghost, Access::kStreamToken), 403);
    EXPECT_EQ(status_of(auth, ghost, Access::kTokenOnly), 200);

    Request lower = v;
    lower.headers["authorization"] = "bearer " + auth.jwt().issue(viewer.uuid);
    EXPECT_EQ(status_of(auth, lower, Access::kViewer), 401);
    Request query_token;
    query_token.query.emplace_back("token", auth.jwt().issue(viewer.uuid));
    EXPECT_EQ(status_of(auth, query_token, Access::kViewer), 401);
    EXPECT_EQ(status_of(auth, query_token, Access::kStreamToken), 200);

    try {
        auth.authenticate(Request{}, Access::kViewer);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.detail, "Could not validate credentials");
        ASSERT_EQ(e.headers.size(), 1u);
        EXPECT_EQ(e.headers[0].second, "Bearer");
    }
}

TEST(AuthService, WritesTakeEffectImmediatelyThroughInvalidation) {
    TempStore store;
    AuthService auth(*store.repo, testing::cheap_settings());
    const auto viewer = make_user("v", "viewer", false);
    ASSERT_TRUE(store.repo->create_user(viewer));
    const auto token = with_token(auth.jwt().issue(viewer.uuid));
    EXPECT_EQ(status_of(auth, token, Access::kAdmin), 403);  // cached now

    store.repo->update_role(viewer.uuid, "admin");
    EXPECT_EQ(status_of(auth, token, Access::kAdmin), 403);  // stale without invalidation
    auth.invalidate_user(viewer.uuid);
    EXPECT_EQ(status_of(auth, token, Access::kAdmin), 200);

    store.repo->update_password(viewer.uuid, viewer.password_hash, true);
    auth.invalidate_user(viewer.uuid);
    EXPECT_EQ(status_of(auth, token, Access::kViewer), 403);

    store.repo->delete_user(viewer.uuid);
    auth.invalidate_user(viewer.uuid);
    EXPECT_EQ(status_of(auth, token, Access::kViewer), 401);
}

TEST(AuthService, LoginCacheKeepsOnlyHits) {
    TempStore store;
    AuthService auth(*store.repo, testing::cheap_settings());
    EXPECT_FALSE(auth.user_for_login("late"));
    const auto late = make_user("late", "viewer", true);
    ASSERT_TRUE(store.repo->create_user(late));
    EXPECT_TRUE(auth.user_for_login("late"));  // the miss was not remembered
    store.repo->delete_user(late.uuid);
    EXPECT_TRUE(auth.user_for_login("late"));  // a hit is, for 5 s
    auth.invalidate_user(late.uuid);
    EXPECT_FALSE(auth.user_for_login("late"));
}

TEST(AuthService, UserListCacheAndInvalidation) {
    TempStore store;
    AuthService auth(*store.repo, testing::cheap_settings());
    EXPECT_EQ(auth.users().size(), 0u);
    ASSERT_TRUE(store.repo->create_user(make_user("a", "admin", false)));
    EXPECT_EQ(auth.users().size(), 0u);  // cached
    auth.invalidate_user_list();
    EXPECT_EQ(auth.users().size(), 1u);
}

TEST(AuthService, CachesExpire) {
    TempStore store;
    auto settings = testing::cheap_settings();
    settings.uuid_cache_ttl = std::chrono::milliseconds(50);
    AuthService auth(*store.repo, settings);
    const auto viewer = make_user("v", "viewer", false);
    ASSERT_TRUE(store.repo->create_user(viewer));
    EXPECT_TRUE(auth.user_by_uuid(viewer.uuid));
    store.repo->delete_user(viewer.uuid);
    EXPECT_TRUE(auth.user_by_uuid(viewer.uuid));
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    EXPECT_FALSE(auth.user_by_uuid(viewer.uuid));
}

TEST(SingleFlightCache, ConcurrentMissesCostOneLoad) {
    SingleFlightCache<int, int> cache(std::chrono::seconds(5));
    std::atomic<int> loads{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&] {
            EXPECT_EQ(cache.get(1,
                                [&] {
                                    ++loads;
                                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                    return 7;
                                }),
                      7);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(loads, 1);
}

TEST(AuthService, SeedAdminCreatesThenSelfHealsUntilFinalised) {
    TempStore store;
    AuthService auth(*store.repo, testing::cheap_settings());
    auth.seed_admin("root", "first-password");
    auto admin = store.repo->get_user_by_username("root");
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->role, "admin");
    EXPECT_TRUE(admin->must_change_password);
    EXPECT_TRUE(bcrypt_verify("first-password", admin->password_hash));

    auth.seed_admin("root", "second-password");  // env changed before finalising
    admin = store.repo->get_user_by_username("root");
    EXPECT_TRUE(bcrypt_verify("second-password", admin->password_hash));

    store.repo->update_password(admin->uuid, bcrypt_hash("mine", 4), false);
    auth.seed_admin("root", "third-password");  // finalised: untouched
    admin = store.repo->get_user_by_username("root");
    EXPECT_TRUE(bcrypt_verify("mine", admin->password_hash));
    EXPECT_EQ(store.repo->list_users().size(), 1u);
}

TEST(LoginRateLimiter, SlidingWindowPerIpAndPerUser) {
    LoginRateLimiter limiter(
        {.max_failures_per_ip = 3, .max_failures_per_user = 2, .window = std::chrono::seconds(10)});
    const auto t0 = LoginRateLimiter::Clock::now();
    EXPECT_FALSE(limiter.blocked("1.1.1.1", "bob", t0));
    limiter.record_failure("1.1.1.1", "bob", t0);
    limiter.record_failure("1.1.1.1", "bob", t0 + std::chrono::seconds(1));
    // bob is locked from any IP; other names from this IP still pass.
    EXPECT_EQ(limiter.blocked("2.2.2.2", "bob", t0 + std::chrono::seconds(2)),
              std::chrono::seconds(8));
    EXPECT_FALSE(limiter.blocked("1.1.1.1", "alice", t0 + std::chrono::seconds(2)));
    limiter.record_failure("1.1.1.1", "alice", t0 + std::chrono::seconds(2));
    EXPECT_TRUE(limiter.blocked("1.1.1.1", "carol", t0 + std::chrono::seconds(3)));
    // The window slides: after the oldest failure ages out, the IP may try again.
    EXPECT_FALSE(limiter.blocked("1.1.1.1", "carol", t0 + std::chrono::seconds(10)));
    EXPECT_FALSE(limiter.blocked("3.3.3.3", "bob", t0 + std::chrono::seconds(11)));
    limiter.record_success("bob");
}

}  // namespace
}  // namespace decnet::api::auth
