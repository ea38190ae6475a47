// The spdlog custom flag behind install_log_correlation().
#include "telemetry/log_correlation.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "telemetry/span.hpp"

namespace decnet::telemetry {
namespace {

void append_suffix(std::string& out) {
    const SpanContext context = current_span_context();
    if (!context.valid()) return;
    out += " trace_id=";
    append_hex(out, context.trace_id.data(), context.trace_id.size());
    out += " span_id=";
    append_hex(out, context.span_id.data(), context.span_id.size());
}

class TraceFlag final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg&, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        // Formatting runs on the thread that logs, whose current span is the one to show.
        if (!tracing_enabled()) return;
        std::string suffix;
        append_suffix(suffix);
        dest.append(suffix.data(), suffix.data() + suffix.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<TraceFlag>();
    }
};

}  // namespace

void install_log_correlation(const std::string& pattern) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<TraceFlag>(kTraceLogFlag).set_pattern(pattern);
    spdlog::set_formatter(std::move(formatter));
}

std::string current_trace_log_suffix() {
    std::string out;
    append_suffix(out);
    return out;
}

}  // namespace decnet::telemetry
