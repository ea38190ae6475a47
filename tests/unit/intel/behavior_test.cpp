// Behaviour metrics (intel.md §6.3) and the vectors of §7 (checks 53-58).
#include "intel/profiler/behavior.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace decnet::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<double> alternating(int count, double base, double delta) {
    std::vector<double> times{0};
    for (int i = 1; i < count; ++i) times.push_back(times.back() + base + (i % 2 ? delta : -delta));
    return times;
}

TEST(Behavior, Check53BeaconWithoutAToolMatch) {
    const auto s = timing_stats(alternating(10, 60, 3));
    EXPECT_DOUBLE_EQ(*s.mean, 60.333);
    EXPECT_DOUBLE_EQ(*s.median, 63.0);
    EXPECT_DOUBLE_EQ(*s.stdev, 2.981);
    EXPECT_DOUBLE_EQ(*s.cv, 0.0494);
    EXPECT_EQ(behavior_class(10, s.mean, s.cv, 1), "beaconing");
    EXPECT_THAT(beacon_tools(s.mean, s.cv), IsEmpty());
}

TEST(Behavior, Check54CobaltStrikeBeacon) {
    const auto s = timing_stats(alternating(20, 60, 12));
    EXPECT_DOUBLE_EQ(*s.mean, 60.632);
    EXPECT_DOUBLE_EQ(*s.cv, 0.1976);
    EXPECT_EQ(behavior_class(20, s.mean, s.cv, 1), "beaconing");
    EXPECT_DOUBLE_EQ(py_round(*s.cv * 100, 2), 19.76);
    EXPECT_THAT(beacon_tools(s.mean, s.cv), ElementsAre("cobalt_strike"));
}

TEST(Behavior, Check55BeaconTable) {
    EXPECT_THAT(beacon_tools(60, 0.25), ElementsAre("cobalt_strike", "sliver"));
    EXPECT_THAT(beacon_tools(45, 0.10), ElementsAre("havoc"));
    EXPECT_THAT(beacon_tools(30, 0.15), ElementsAre("mythic"));
    EXPECT_THAT(beacon_tools(5, 0.10), IsEmpty());
    EXPECT_THAT(beacon_tools(std::nullopt, 0.1), IsEmpty());
}

TEST(Behavior, Check56Interactive) {
    const auto s = timing_stats({0, 0.2, 0.5, 1, 5, 5.1, 5.3, 10, 10.1, 10.2, 12});
    EXPECT_DOUBLE_EQ(*s.mean, 1.2);
    EXPECT_DOUBLE_EQ(*s.cv, 1.3789);
    EXPECT_EQ(behavior_class(11, s.mean, s.cv, 1), "interactive");
}

std::string classify(int count, double step, std::size_t services) {
    std::vector<double> times;
    for (int i = 0; i < count; ++i) times.push_back(i * step);
    const auto s = timing_stats(times);
    return behavior_class(count, s.mean, s.cv, services);
}

TEST(Behavior, Check57Classes) {
    EXPECT_EQ(classify(10, 0.2, 5), "scanning");
    EXPECT_EQ(classify(8, 0.5, 1), "brute_force");
    EXPECT_EQ(classify(6, 15, 3), "slow_scan");
    EXPECT_EQ(classify(3, 1, 2), "scanning");
    EXPECT_EQ(classify(5, 3, 2), "mixed");
    EXPECT_EQ(classify(5, 300, 1), "beaconing");
    EXPECT_EQ(classify(4, 0, 1), "mixed");  // equal times: cv null
    EXPECT_EQ(classify(2, 1, 1), "unknown");
}

TEST(Behavior, TimingJsonAsPythonWritesIt) {
    EXPECT_EQ(
        timing_stats_json(timing_stats({0, 60, 120})),
        R"({"event_count": 3, "duration_s": 120.0, "mean_iat_s": 60.0, "median_iat_s": 60.0, )"
        R"("stdev_iat_s": 0.0, "min_iat_s": 60.0, "max_iat_s": 60.0, "cv": 0.0})");
    EXPECT_EQ(timing_stats_json(timing_stats({5})),
              R"({"event_count": 1, "duration_s": 0.0, "mean_iat_s": null, "median_iat_s": null, )"
              R"("stdev_iat_s": null, "min_iat_s": null, "max_iat_s": null, "cv": null})");
    EXPECT_EQ(py_float(0.0494), "0.0494");
    EXPECT_EQ(py_float(720), "720.0");
    EXPECT_DOUBLE_EQ(py_round(2.675, 2), 2.67);  // binary value below the tie
    EXPECT_DOUBLE_EQ(py_round(0.125, 2), 0.12);  // exact tie: to even
}

TEST(Behavior, HeaderTools) {
    EXPECT_THAT(header_tools(R"j({"User-Agent": "sqlmap/1.7#stable (https://sqlmap.org)"})j"),
                ElementsAre("sqlmap"));
    EXPECT_THAT(header_tools(R"({"user-agent": "curl/8.0"})"), ElementsAre("curl"));
    EXPECT_THAT(header_tools(R"({"user-agent": "not curl/8.0"})"), IsEmpty());
    EXPECT_THAT(header_tools(R"("{\"X-Mailer\": \"GoPhish\"}")"), ElementsAre("gophish"));
    EXPECT_THAT(header_tools("not json"), IsEmpty());
}

}  // namespace
}  // namespace decnet::intel
