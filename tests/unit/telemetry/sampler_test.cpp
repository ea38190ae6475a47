// Samplers: the OTEL_TRACES_SAMPLER names, the ratio (statistically), parent-based rules.
#include "telemetry/sampler.hpp"

#include <gtest/gtest.h>

#include <random>

namespace decnet::telemetry {
namespace {

std::array<std::uint8_t, 16> random_trace_id(std::mt19937_64& rng) {
    std::array<std::uint8_t, 16> id{};
    for (auto& b : id) b = static_cast<std::uint8_t>(rng());
    return id;
}

SpanContext parent(bool sampled) {
    SpanContext context;
    context.trace_id[0] = 1;
    context.span_id[0] = 1;
    context.flags = sampled ? SpanContext::kSampled : 0;
    return context;
}

TEST(Sampler, ParsesEveryStandardName) {
    EXPECT_EQ(parse_sampler("", "").config.kind, SamplerKind::parent_based_always_on);
    EXPECT_EQ(parse_sampler("always_on", "").config.kind, SamplerKind::always_on);
    EXPECT_EQ(parse_sampler("always_off", "").config.kind, SamplerKind::always_off);
    EXPECT_EQ(parse_sampler("traceidratio", "0.5").config,
              (SamplerConfig{SamplerKind::trace_id_ratio, 0.5}));
    EXPECT_EQ(parse_sampler("parentbased_always_on", "").config.kind,
              SamplerKind::parent_based_always_on);
    EXPECT_EQ(parse_sampler("parentbased_always_off", "").config.kind,
              SamplerKind::parent_based_always_off);
    EXPECT_EQ(parse_sampler("parentbased_traceidratio", "0.1").config,
              (SamplerConfig{SamplerKind::parent_based_trace_id_ratio, 0.1}));
    for (auto kind : {SamplerKind::always_on, SamplerKind::trace_id_ratio,
                      SamplerKind::parent_based_trace_id_ratio}) {
        EXPECT_EQ(parse_sampler(to_string(kind), "").config.kind, kind);
    }
}

TEST(Sampler, BadValuesWarnAndFallBack) {
    auto parsed = parse_sampler("jaeger_remote", "");
    EXPECT_EQ(parsed.config.kind, SamplerKind::parent_based_always_on);
    EXPECT_NE(parsed.warning.find("jaeger_remote"), std::string::npos);
    for (const char* arg : {"1.5", "-0.1", "abc", "0.5x", "nan"}) {
        parsed = parse_sampler("traceidratio", arg);
        EXPECT_EQ(parsed.config.ratio, 1.0) << arg;
        EXPECT_FALSE(parsed.warning.empty()) << arg;
    }
    // The argument means nothing to other samplers and is ignored quietly.
    EXPECT_TRUE(parse_sampler("always_on", "junk").warning.empty());
}

TEST(Sampler, RatioKeepsTheRightShareOfRoots) {
    std::mt19937_64 rng(12345);
    const SamplerConfig config{SamplerKind::trace_id_ratio, 0.25};
    int kept = 0;
    constexpr int kDecisions = 10000;
    for (int i = 0; i < kDecisions; ++i)
        kept += should_sample(config, nullptr, random_trace_id(rng));
    // Binomial(10000, 0.25): σ ≈ 43; ±250 is ~6σ, so this never flakes.
    EXPECT_NEAR(kept, 2500, 250);
}

TEST(Sampler, RatioIsDeterministicPerTraceId) {
    std::mt19937_64 rng(7);
    const SamplerConfig config{SamplerKind::parent_based_trace_id_ratio, 0.5};
    for (int i = 0; i < 100; ++i) {
        const auto id = random_trace_id(rng);
        EXPECT_EQ(should_sample(config, nullptr, id), should_sample(config, nullptr, id));
    }
}

TEST(Sampler, RatioEdges) {
    std::mt19937_64 rng(1);
    for (int i = 0; i < 1000; ++i) {
        const auto id = random_trace_id(rng);
        EXPECT_TRUE(should_sample({SamplerKind::trace_id_ratio, 1.0}, nullptr, id));
        EXPECT_FALSE(should_sample({SamplerKind::trace_id_ratio, 0.0}, nullptr, id));
    }
}

TEST(Sampler, ParentBasedFollowsTheParentFlag) {
    std::mt19937_64 rng(3);
    const auto sampled = parent(true);
    const auto unsampled = parent(false);
    for (auto kind : {SamplerKind::parent_based_always_on, SamplerKind::parent_based_always_off,
                      SamplerKind::parent_based_trace_id_ratio}) {
        const SamplerConfig config{kind, 0.0};
        for (int i = 0; i < 100; ++i) {
            const auto id = random_trace_id(rng);
            EXPECT_TRUE(should_sample(config, &sampled, id));
            EXPECT_FALSE(should_sample(config, &unsampled, id));
        }
    }
    // Roots fall to the root sampler.
    const auto id = random_trace_id(rng);
    EXPECT_TRUE(should_sample({SamplerKind::parent_based_always_on, 1.0}, nullptr, id));
    EXPECT_FALSE(should_sample({SamplerKind::parent_based_always_off, 1.0}, nullptr, id));
    SpanContext invalid;  // an invalid parent counts as no parent
    EXPECT_TRUE(should_sample({SamplerKind::parent_based_always_on, 1.0}, &invalid, id));
}

TEST(Sampler, NonParentBasedIgnoresTheParent) {
    std::mt19937_64 rng(5);
    const auto sampled = parent(true);
    const auto unsampled = parent(false);
    const auto id = random_trace_id(rng);
    EXPECT_TRUE(should_sample({SamplerKind::always_on, 1.0}, &unsampled, id));
    EXPECT_FALSE(should_sample({SamplerKind::always_off, 1.0}, &sampled, id));
}

}  // namespace
}  // namespace decnet::telemetry
