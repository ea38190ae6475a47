// The accept policy: same answer for the same credential from the same attacker.
#include "honeypot/auth/login_policy.hpp"

#include <gtest/gtest.h>

namespace decnet::honeypot {
namespace {

LoginPolicy::Options options(AcceptMode mode, int after = 3, std::size_t max_attackers = 65536) {
    LoginPolicy::Options o;
    o.mode = mode;
    o.after = after;
    o.max_attackers = max_attackers;
    return o;
}

TEST(LoginPolicy, ListAcceptsOnlyItsPairs) {
    auto o = options(AcceptMode::list);
    o.logins = {{"root", "toor"}};
    LoginPolicy policy(o);
    EXPECT_TRUE(policy.accepts("10.0.0.1", "root", "toor"));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "admin"));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "admin", "toor"));
}

TEST(LoginPolicy, AfterFailuresLetsTheNextNewCredentialInAndRemembers) {
    LoginPolicy policy(options(AcceptMode::after_failures, 2));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "a"));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "b"));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "a"));  // refused before: refused again
    EXPECT_TRUE(policy.accepts("10.0.0.1", "root", "c"));   // the third distinct one
    EXPECT_TRUE(policy.accepts("10.0.0.1", "root", "c"));   // and again next time
    EXPECT_FALSE(policy.accepts("10.0.0.2", "root", "c"));  // another attacker starts over
}

TEST(LoginPolicy, MemoryIsBoundedByAttackers) {
    LoginPolicy policy(options(AcceptMode::after_failures, 1, 2));
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "a"));
    EXPECT_TRUE(policy.accepts("10.0.0.1", "root", "b"));
    policy.accepts("10.0.0.2", "root", "x");
    policy.accepts("10.0.0.3", "root", "x");  // 10.0.0.1 is forgotten
    EXPECT_FALSE(policy.accepts("10.0.0.1", "root", "b"));
}

TEST(LoginPolicy, NeverAndAny) {
    LoginPolicy never(options(AcceptMode::never));
    LoginPolicy any(options(AcceptMode::any));
    EXPECT_FALSE(never.accepts("10.0.0.1", "root", "admin"));
    EXPECT_TRUE(any.accepts("10.0.0.1", "x", "y"));
}

}  // namespace
}  // namespace decnet::honeypot
