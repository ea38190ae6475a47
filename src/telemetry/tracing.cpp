// Tracing lifecycle: environment settings, the OTLP/HTTP sender, and turning the span
// switch on and off around the batch processor.
#include "telemetry/tracing.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "telemetry/batch_processor.hpp"
#include "telemetry/http_client.hpp"
#include "telemetry/internal.hpp"
#include "telemetry/span.hpp"

#ifndef DECNET_VERSION
#define DECNET_VERSION "0.0.0"
#endif

namespace decnet::telemetry {
namespace detail {

BatchProcessor& processor() {
    static BatchProcessor instance;
    return instance;
}

void submit(SpanRecord* record) noexcept {
    processor().submit(record);
}

}  // namespace detail

namespace {

std::string_view env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string_view() : std::string_view(value);
}

bool env_true(const char* name) {
    std::string value(env(name));
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value == "true";  // the reference's rule: exactly "true", any case
}

// A positive integer setting; empty keeps the default, anything else warns.
template <typename T>
void env_positive(const char* name, T& out, std::vector<std::string>& warnings) {
    const auto text = env(name);
    if (text.empty()) return;
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
        warnings.push_back(std::string(name) + "=" + std::string(text) +
                           " is not a positive integer; using the default");
        return;
    }
    out = T(value);
}

// OTEL_RESOURCE_ATTRIBUTES: "k1=v1,k2=v2", values percent-encoded (W3C Baggage style).
std::vector<std::pair<std::string, std::string>> parse_resource_attributes(
    std::string_view text, std::vector<std::string>& warnings) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto decode = [](std::string_view s) {
        std::string decoded;
        for (std::size_t i = 0; i < s.size(); ++i) {
            unsigned value = 0;
            if (s[i] == '%' && i + 2 < s.size() &&
                std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16).ptr ==
                    s.data() + i + 3) {
                decoded.push_back(static_cast<char>(value));
                i += 2;
            } else {
                decoded.push_back(s[i]);
            }
        }
        return decoded;
    };
    const auto trim = [](std::string_view s) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        return s;
    };
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto member = trim(text.substr(0, comma));
        if (!member.empty()) {
            const auto eq = member.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                warnings.push_back("OTEL_RESOURCE_ATTRIBUTES: ignoring '" + std::string(member) +
                                   "'");
            } else {
                out.emplace_back(std::string(trim(member.substr(0, eq))),
                                 decode(trim(member.substr(eq + 1))));
            }
        }
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

// The request URL: the base plus /v1/traces unless the path already names it.
std::string traces_url(std::string endpoint) {
    const auto scheme = endpoint.find("://");
    const auto path_start =
        scheme == std::string::npos ? std::string::npos : endpoint.find('/', scheme + 3);
    const std::string path = path_start == std::string::npos ? "" : endpoint.substr(path_start);
    if (path.ends_with("/v1/traces")) return endpoint;
    while (endpoint.ends_with('/')) endpoint.pop_back();
    return endpoint + "/v1/traces";
}

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0) return {};
    return buffer;
}

}  // namespace

TracingConfig tracing_config_from_env() {
    TracingConfig config;
    config.enabled = env_true("DECNET_DEVELOPER_TRACING") || env_true("DECNET_TRACING");
    if (!env("DECNET_OTEL_ENDPOINT").empty()) {
        config.endpoint = env("DECNET_OTEL_ENDPOINT");
    } else if (!env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").empty()) {
        config.endpoint = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    } else if (!env("OTEL_EXPORTER_OTLP_ENDPOINT").empty()) {
        config.endpoint = env("OTEL_EXPORTER_OTLP_ENDPOINT");
    }
    auto sampler = parse_sampler(env("OTEL_TRACES_SAMPLER"), env("OTEL_TRACES_SAMPLER_ARG"));
    config.sampler = sampler.config;
    if (!sampler.warning.empty()) config.warnings.push_back(std::move(sampler.warning));

    auto& warnings = config.warnings;
    env_positive("OTEL_BSP_MAX_QUEUE_SIZE", config.max_queue_size, warnings);
    env_positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", config.max_export_batch_size, warnings);
    env_positive("OTEL_BSP_SCHEDULE_DELAY", config.schedule_delay, warnings);
    env_positive("OTEL_BSP_EXPORT_TIMEOUT", config.export_timeout, warnings);
    if (config.max_export_batch_size > config.max_queue_size) {
        warnings.push_back("OTEL_BSP_MAX_EXPORT_BATCH_SIZE exceeds the queue size; using " +
                           std::to_string(config.max_queue_size));
        config.max_export_batch_size = config.max_queue_size;
    }
    if (!env("OTEL_SERVICE_NAME").empty()) config.service_name = env("OTEL_SERVICE_NAME");
    config.resource_attributes =
        parse_resource_attributes(env("OTEL_RESOURCE_ATTRIBUTES"), warnings);
    return config;
}

bool start_tracing(TracingConfig config) {
    if (tracing_enabled()) shutdown_tracing();
    if (!config.enabled) return false;
    for (const auto& warning : config.warnings) spdlog::warn("tracing: {}", warning);

    detail::BatchSettings settings;
    settings.max_queue_size = config.max_queue_size;
    settings.max_export_batch_size = config.max_export_batch_size;
    settings.schedule_delay = config.schedule_delay;
    settings.scope_version = DECNET_VERSION;

    std::string target = "custom transport";
    if (config.transport) {
        settings.send = [transport = config.transport](const std::string& body,
                                                       const std::atomic<bool>&) {
            return transport(body) ? std::string() : std::string("transport refused the batch");
        };
    } else {
        target = traces_url(config.endpoint);
        std::string error;
        auto url = detail::parse_http_url(target, &error);
        if (!url) {
            spdlog::warn("tracing: endpoint '{}' not usable ({}); tracing stays off",
                         config.endpoint, error);
            return false;
        }
        if (url->tls) {
            spdlog::warn(
                "tracing: endpoint '{}' uses https, which the OTLP exporter does not support "
                "yet; tracing stays off (point DECNET_OTEL_ENDPOINT at an http:// collector)",
                config.endpoint);
            return false;
        }
        if (url->port == 4317) {
            spdlog::warn(
                "tracing: port 4317 is OTLP/gRPC; decnet sends OTLP/HTTP, which collectors "
                "usually take on 4318");
        }
        settings.send = [url = *url, timeout = config.export_timeout](
                            const std::string& body, const std::atomic<bool>& abort) {
            const auto response = detail::http_post(
                url, "application/json", body, std::chrono::steady_clock::now() + timeout, &abort);
            if (response.status >= 200 && response.status < 300) return std::string();
            if (response.status == 0) return response.error;
            return "HTTP " + std::to_string(response.status) +
                   (response.body.empty() ? "" : ": " + response.body.substr(0, 200));
        };
    }

    using detail::Attribute;
    const std::string version =
        config.service_version.empty() ? std::string(DECNET_VERSION) : config.service_version;
    settings.resource.push_back(Attribute{"service.name", config.service_name});
    settings.resource.push_back(Attribute{"service.version", version});
    settings.resource.push_back(Attribute{"telemetry.sdk.name", std::string("decnet")});
    settings.resource.push_back(Attribute{"telemetry.sdk.language", std::string("cpp")});
    settings.resource.push_back(Attribute{"process.pid", std::int64_t{::getpid()}});
    if (auto host = host_name(); !host.empty())
        settings.resource.push_back(Attribute{"host.name", std::move(host)});
    for (const auto& attribute : config.resource_attributes) {
        const auto& key = attribute.first;  // captured below: no structured binding (clang 14)
        auto same = [&key](const Attribute& a) { return a.key == key; };
        std::erase_if(settings.resource, same);
        settings.resource.push_back(Attribute{key, attribute.second});
    }

    detail::g_sampler = config.sampler;
    detail::processor().start(std::move(settings));
    detail::g_tracing_on.store(true, std::memory_order_release);
    std::string sampler(to_string(config.sampler.kind));
    if (config.sampler.kind == SamplerKind::trace_id_ratio ||
        config.sampler.kind == SamplerKind::parent_based_trace_id_ratio) {
        sampler += " " + std::to_string(config.sampler.ratio);
    }
    spdlog::info(
        "tracing on: OTLP/HTTP JSON to {}, sampler {}, batches of {} every {} ms, queue {}", target,
        sampler, config.max_export_batch_size, config.schedule_delay.count(),
        config.max_queue_size);
    return true;
}

bool flush_tracing(std::chrono::milliseconds timeout) {
    return detail::processor().flush(timeout);
}

void shutdown_tracing(std::chrono::milliseconds timeout) {
    detail::g_tracing_on.store(false, std::memory_order_release);
    detail::processor().stop(timeout);
}

TracingCounters tracing_counters() noexcept {
    const auto& c = detail::counters();
    TracingCounters out;
    out.spans_started = c.started.load(std::memory_order_relaxed);
    out.spans_sampled = c.sampled.load(std::memory_order_relaxed);
    out.spans_exported = c.exported.load(std::memory_order_relaxed);
    out.spans_dropped = c.dropped.load(std::memory_order_relaxed);
    out.spans_export_failed = c.export_failed.load(std::memory_order_relaxed);
    out.export_batches = c.export_batches.load(std::memory_order_relaxed);
    return out;
}

}  // namespace decnet::telemetry
