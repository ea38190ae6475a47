// Sampler parsing and decisions. The ratio test uses the low 64 bits of the trace id, as
// the OpenTelemetry Python and Java SDKs do, so every process (and every span of a trace)
// that sees the same trace id makes the same decision.
#include "telemetry/sampler.hpp"

#include <charconv>
#include <cmath>

namespace decnet::telemetry {
namespace {

bool ratio_keeps(double ratio, const std::array<std::uint8_t, 16>& trace_id) {
    if (ratio >= 1.0) return true;
    if (ratio <= 0.0) return false;
    std::uint64_t low = 0;
    for (std::size_t i = 8; i < 16; ++i) low = low << 8 | trace_id[i];
    // ratio < 1, so the bound fits in 64 bits.
    const auto bound = static_cast<std::uint64_t>(std::ldexp(ratio, 64));
    return low < bound;
}

}  // namespace

std::string_view to_string(SamplerKind kind) {
    switch (kind) {
        case SamplerKind::always_on:
            return "always_on";
        case SamplerKind::always_off:
            return "always_off";
        case SamplerKind::trace_id_ratio:
            return "traceidratio";
        case SamplerKind::parent_based_always_on:
            return "parentbased_always_on";
        case SamplerKind::parent_based_always_off:
            return "parentbased_always_off";
        case SamplerKind::parent_based_trace_id_ratio:
            return "parentbased_traceidratio";
    }
    return "?";
}

SamplerParse parse_sampler(std::string_view name, std::string_view arg) {
    SamplerParse out;
    struct Known {
        std::string_view name;
        SamplerKind kind;
    };
    static constexpr Known kKnown[] = {
        {"always_on", SamplerKind::always_on},
        {"always_off", SamplerKind::always_off},
        {"traceidratio", SamplerKind::trace_id_ratio},
        {"parentbased_always_on", SamplerKind::parent_based_always_on},
        {"parentbased_always_off", SamplerKind::parent_based_always_off},
        {"parentbased_traceidratio", SamplerKind::parent_based_trace_id_ratio},
    };
    if (!name.empty()) {
        bool found = false;
        for (const auto& known : kKnown) {
            if (known.name == name) {
                out.config.kind = known.kind;
                found = true;
            }
        }
        if (!found) {
            out.warning = "OTEL_TRACES_SAMPLER=" + std::string(name) +
                          " is not supported; using parentbased_always_on";
        }
    }
    const bool ratio_sampler = out.config.kind == SamplerKind::trace_id_ratio ||
                               out.config.kind == SamplerKind::parent_based_trace_id_ratio;
    if (ratio_sampler && !arg.empty()) {
        double ratio = 0;
        const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), ratio);
        if (ec != std::errc() || end != arg.data() + arg.size() || !std::isfinite(ratio) ||
            ratio < 0.0 || ratio > 1.0) {
            out.warning = "OTEL_TRACES_SAMPLER_ARG=" + std::string(arg) +
                          " is not a ratio in [0, 1]; using 1.0";
        } else {
            out.config.ratio = ratio;
        }
    }
    return out;
}

bool should_sample(const SamplerConfig& config, const SpanContext* parent,
                   const std::array<std::uint8_t, 16>& trace_id) noexcept {
    const bool has_parent = parent != nullptr && parent->valid();
    switch (config.kind) {
        case SamplerKind::always_on:
            return true;
        case SamplerKind::always_off:
            return false;
        case SamplerKind::trace_id_ratio:
            return ratio_keeps(config.ratio, trace_id);
        case SamplerKind::parent_based_always_on:
            return has_parent ? parent->sampled() : true;
        case SamplerKind::parent_based_always_off:
            return has_parent ? parent->sampled() : false;
        case SamplerKind::parent_based_trace_id_ratio:
            return has_parent ? parent->sampled() : ratio_keeps(config.ratio, trace_id);
    }
    return false;
}

}  // namespace decnet::telemetry
