// Mutation selection (engine.md §6.6 with its defects fixed) and due-ness.
#include "engine/mutator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine/fleet.hpp"

namespace decnet::engine {
namespace {

using ::testing::IsSubsetOf;

const ServiceFilter kEmulated = [](std::string_view slug) {
    return slug == "ftp" || slug == "http" || slug == "redis" || slug == "telnet";
};

DeckyConfig decky(std::vector<std::string> services, std::optional<std::string> archetype = {}) {
    DeckyConfig d;
    d.name = "decky-01";
    d.ip = "127.99.0.1";
    d.services = std::move(services);
    d.archetype = std::move(archetype);
    return d;
}

TEST(Mutator, NewSetDiffersAndComesFromEmulatedServices) {
    Rng rng(7);
    for (int i = 0; i < 200; ++i) {
        const auto d = decky({"redis"});
        const auto chosen = choose_mutation(d, rng, kEmulated);
        ASSERT_TRUE(chosen);
        EXPECT_NE(*chosen, std::vector<std::string>{"redis"});
        EXPECT_GE(chosen->size(), 1u);
        EXPECT_LE(chosen->size(), 3u);
        EXPECT_THAT(*chosen,
                    IsSubsetOf(std::vector<std::string>{"ftp", "http", "redis", "telnet"}));
        EXPECT_TRUE(std::is_sorted(chosen->begin(), chosen->end()));
    }
}

TEST(Mutator, ArchetypePoolIsPreferred) {
    // web-server = http, ftp: both emulated, so draws stay inside the archetype.
    Rng rng(1);
    for (int i = 0; i < 100; ++i) {
        const auto chosen = choose_mutation(decky({"http"}, "web-server"), rng, kEmulated);
        ASSERT_TRUE(chosen);
        EXPECT_THAT(*chosen, IsSubsetOf(std::vector<std::string>{"ftp", "http"}));
        EXPECT_NE(*chosen, std::vector<std::string>{"http"});
    }
}

TEST(Mutator, SingleServiceArchetypeFallsBackToTheCatalogue) {
    // linux-server = ssh, http; only http is emulated, so the archetype can't offer a
    // different set: the reference kept [http] forever, we widen to the catalogue.
    Rng rng(3);
    const auto pools = mutation_pools(decky({"http"}, "linux-server"), kEmulated);
    ASSERT_EQ(pools.size(), 2u);
    EXPECT_EQ(pools[0], std::vector<std::string>{"http"});
    const auto chosen = choose_mutation(decky({"http"}, "linux-server"), rng, kEmulated);
    ASSERT_TRUE(chosen);
    EXPECT_NE(*chosen, std::vector<std::string>{"http"});
}

TEST(Mutator, NothingToRotateToGivesNullopt) {
    Rng rng(5);
    const ServiceFilter only_redis = [](std::string_view s) { return s == "redis"; };
    EXPECT_FALSE(choose_mutation(decky({"redis"}), rng, only_redis));
    const ServiceFilter nothing = [](std::string_view) { return false; };
    EXPECT_FALSE(choose_mutation(decky({"redis"}), rng, nothing));
}

TEST(Mutator, SameSeedSameChoice) {
    Rng a(42), b(42);
    EXPECT_EQ(choose_mutation(decky({"ftp"}), a, kEmulated),
              choose_mutation(decky({"ftp"}), b, kEmulated));
}

TEST(Mutator, DueFollowsDeckyThenGlobalThenDefaultInterval) {
    DeploymentConfig config;
    auto d = decky({"ftp"});
    d.last_mutated = 1000;
    // Default 30 minutes.
    EXPECT_FALSE(mutation_due(config, d, 1000 + 29 * 60));
    EXPECT_TRUE(mutation_due(config, d, 1000 + 30 * 60));
    // Global 5 minutes.
    config.mutate_interval = 5;
    EXPECT_TRUE(mutation_due(config, d, 1000 + 5 * 60));
    // The decky's own 60 wins over the global.
    d.mutate_interval = 60;
    EXPECT_FALSE(mutation_due(config, d, 1000 + 59 * 60));
    EXPECT_TRUE(mutation_due(config, d, 1000 + 60 * 60));
    // Test clock: a "minute" of one second.
    EXPECT_TRUE(mutation_due(config, d, 1000 + 60, 1.0));
}

// The mutator's "now" is the wall clock read once, then moved by steady_clock only: its
// intervals are real time whatever happens to the wall clock (stepped back and forth under
// libfaketime in tests/integration/cli_faults_test.cpp, CliFaults.ClockStepped...).
TEST(Mutator, EpochSecondsIsTheWallClockMovedBySteadyTime) {
    using namespace std::chrono;
    const double wall = duration<double>(system_clock::now().time_since_epoch()).count();
    EXPECT_NEAR(epoch_seconds(), wall, 5.0);
    const auto offset = [] {
        const auto steady = duration<double>(steady_clock::now().time_since_epoch()).count();
        return epoch_seconds() - steady;
    };
    const double before = offset();
    std::this_thread::sleep_for(milliseconds(30));
    EXPECT_NEAR(offset(), before, 1e-3);
}

}  // namespace
}  // namespace decnet::engine
