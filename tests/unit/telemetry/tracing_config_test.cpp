// Settings from the environment: the two switches, endpoint precedence, OTEL_BSP_*,
// the sampler variables and the resource.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "telemetry/tracing.hpp"

namespace decnet::telemetry {
namespace {

// Sets variables for one test and restores a clean environment afterwards.
class Env : public ::testing::Test {
  protected:
    void SetUp() override { clear(); }
    void TearDown() override { clear(); }
    static void set(const char* name, const char* value) { ::setenv(name, value, 1); }
    static void clear() {
        for (const char* name :
             {"DECNET_DEVELOPER_TRACING", "DECNET_TRACING", "DECNET_OTEL_ENDPOINT",
              "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT",
              "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_BSP_MAX_QUEUE_SIZE",
              "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
              "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"}) {
            ::unsetenv(name);
        }
    }
};

TEST_F(Env, OffByDefaultWithOpenTelemetryDefaults) {
    const auto config = tracing_config_from_env();
    EXPECT_FALSE(config.enabled);
    EXPECT_EQ(config.endpoint, "http://localhost:4318");
    EXPECT_EQ(config.sampler.kind, SamplerKind::parent_based_always_on);
    EXPECT_EQ(config.max_queue_size, 2048u);
    EXPECT_EQ(config.max_export_batch_size, 512u);
    EXPECT_EQ(config.schedule_delay, std::chrono::milliseconds(5000));
    EXPECT_EQ(config.export_timeout, std::chrono::milliseconds(30000));
    EXPECT_EQ(config.service_name, "decnet");
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(Env, EitherSwitchTurnsTracingOnOnlyWithTrue) {
    set("DECNET_DEVELOPER_TRACING", "true");
    EXPECT_TRUE(tracing_config_from_env().enabled);
    set("DECNET_DEVELOPER_TRACING", "TRUE");
    EXPECT_TRUE(tracing_config_from_env().enabled);
    for (const char* value : {"1", "yes", "on", "false", ""}) {
        set("DECNET_DEVELOPER_TRACING", value);
        EXPECT_FALSE(tracing_config_from_env().enabled) << value;
    }
    ::unsetenv("DECNET_DEVELOPER_TRACING");
    set("DECNET_TRACING", "true");
    EXPECT_TRUE(tracing_config_from_env().enabled);
}

TEST_F(Env, EndpointPrecedence) {
    set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318");
    EXPECT_EQ(tracing_config_from_env().endpoint, "http://base:4318");
    set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/v1/traces");
    EXPECT_EQ(tracing_config_from_env().endpoint, "http://traces:4318/v1/traces");
    set("DECNET_OTEL_ENDPOINT", "http://jaeger:4318");
    EXPECT_EQ(tracing_config_from_env().endpoint, "http://jaeger:4318");
}

TEST_F(Env, BatchProcessorSettings) {
    set("OTEL_BSP_MAX_QUEUE_SIZE", "100");
    set("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10");
    set("OTEL_BSP_SCHEDULE_DELAY", "250");
    set("OTEL_BSP_EXPORT_TIMEOUT", "1000");
    auto config = tracing_config_from_env();
    EXPECT_EQ(config.max_queue_size, 100u);
    EXPECT_EQ(config.max_export_batch_size, 10u);
    EXPECT_EQ(config.schedule_delay, std::chrono::milliseconds(250));
    EXPECT_EQ(config.export_timeout, std::chrono::milliseconds(1000));
    EXPECT_TRUE(config.warnings.empty());

    set("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1000");  // larger than the queue: clamped
    set("OTEL_BSP_SCHEDULE_DELAY", "soon");
    config = tracing_config_from_env();
    EXPECT_EQ(config.max_export_batch_size, 100u);
    EXPECT_EQ(config.schedule_delay, std::chrono::milliseconds(5000));
    EXPECT_EQ(config.warnings.size(), 2u);
}

TEST_F(Env, SamplerVariables) {
    set("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
    set("OTEL_TRACES_SAMPLER_ARG", "0.25");
    auto config = tracing_config_from_env();
    EXPECT_EQ(config.sampler.kind, SamplerKind::parent_based_trace_id_ratio);
    EXPECT_DOUBLE_EQ(config.sampler.ratio, 0.25);
    set("OTEL_TRACES_SAMPLER", "xray");
    config = tracing_config_from_env();
    EXPECT_EQ(config.sampler.kind, SamplerKind::parent_based_always_on);
    EXPECT_EQ(config.warnings.size(), 1u);
}

TEST_F(Env, ResourceAttributes) {
    set("OTEL_SERVICE_NAME", "decnet-lab");
    set("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=lab, team=blue%20team,broken");
    const auto config = tracing_config_from_env();
    EXPECT_EQ(config.service_name, "decnet-lab");
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"deployment.environment", "lab"}, {"team", "blue team"}};
    EXPECT_EQ(config.resource_attributes, expected);
    EXPECT_EQ(config.warnings.size(), 1u);
}

}  // namespace
}  // namespace decnet::telemetry
