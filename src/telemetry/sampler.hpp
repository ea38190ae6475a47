// Head sampling: the OpenTelemetry samplers named by OTEL_TRACES_SAMPLER, decided once per
// span at its start from the parent's sampled flag and the trace id.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/span_context.hpp"

namespace decnet::telemetry {

enum class SamplerKind : std::uint8_t {
    always_on,
    always_off,
    trace_id_ratio,
    parent_based_always_on,  // the OpenTelemetry default, and the reference's behaviour
    parent_based_always_off,
    parent_based_trace_id_ratio,
};

struct SamplerConfig {
    SamplerKind kind = SamplerKind::parent_based_always_on;
    double ratio = 1.0;  // only for the ratio samplers; clamped to [0, 1]

    bool operator==(const SamplerConfig&) const = default;
};

struct SamplerParse {
    SamplerConfig config;
    std::string warning;  // non-empty when a value was not understood and a default used
};

// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG values. An empty name means the default;
// an unknown name (jaeger_remote, xray…) falls back to it with a warning; a missing or
// bad ratio means 1.0, as the OpenTelemetry specification says.
SamplerParse parse_sampler(std::string_view name, std::string_view arg);
std::string_view to_string(SamplerKind kind);

// The decision for a new span. `parent` is null (or invalid) for a root span.
bool should_sample(const SamplerConfig& config, const SpanContext* parent,
                   const std::array<std::uint8_t, 16>& trace_id) noexcept;

}  // namespace decnet::telemetry
