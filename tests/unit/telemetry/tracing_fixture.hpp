// Test helpers: tracing switched on with an in-memory transport that keeps every OTLP
// body, and the exported spans flattened out of those bodies.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "telemetry/span.hpp"
#include "telemetry/tracing.hpp"

namespace decnet::telemetry::testing {

struct Capture {
    std::mutex mutex;
    std::vector<std::string> bodies;
};

inline Capture& capture() {
    static Capture instance;
    return instance;
}

// Every span of every captured body, each with "scope" added (its scope's name).
inline std::vector<nlohmann::json> captured_spans() {
    std::vector<nlohmann::json> out;
    std::lock_guard lock(capture().mutex);
    for (const auto& body : capture().bodies) {
        const auto request = nlohmann::json::parse(body);
        for (const auto& resource : request.at("resourceSpans"))
            for (const auto& scope : resource.at("scopeSpans"))
                for (auto span : scope.at("spans")) {
                    span["scope"] = scope.at("scope").at("name");
                    out.push_back(std::move(span));
                }
    }
    return out;
}

inline const nlohmann::json* find_span(const std::vector<nlohmann::json>& spans,
                                       const std::string& name) {
    for (const auto& span : spans)
        if (span.at("name") == name) return &span;
    return nullptr;
}

// The value object of a span attribute, or null json when absent.
inline nlohmann::json attribute(const nlohmann::json& owner, const std::string& key) {
    for (const auto& a : owner.at("attributes"))
        if (a.at("key") == key) return a.at("value");
    return nullptr;
}

class TracingTest : public ::testing::Test {
  protected:
    virtual SamplerConfig sampler() const { return {SamplerKind::always_on, 1.0}; }

    void SetUp() override {
        {
            std::lock_guard lock(capture().mutex);
            capture().bodies.clear();
        }
        TracingConfig config;
        config.enabled = true;
        config.sampler = sampler();
        config.transport = [](const std::string& body) {
            std::lock_guard lock(capture().mutex);
            capture().bodies.push_back(body);
            return true;
        };
        ASSERT_TRUE(start_tracing(std::move(config)));
    }
    void TearDown() override { shutdown_tracing(); }

    std::vector<nlohmann::json> exported() {
        EXPECT_TRUE(flush_tracing(std::chrono::seconds(10)));
        return captured_spans();
    }
};

}  // namespace decnet::telemetry::testing
