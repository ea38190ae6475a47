// libFuzzer target for the W3C trace context parsers (traceparent from syslog SD params
// and HTTP headers, tracestate): never crash, and whatever is accepted survives
// format → parse unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "telemetry/span_context.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using decnet::telemetry::SpanContext;
    using decnet::telemetry::TraceState;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    if (const auto context = SpanContext::from_traceparent(input)) {
        check(context->valid());
        const auto header = context->traceparent();
        check(header.size() == 55);
        const auto again = SpanContext::from_traceparent(header);
        check(again && *again == *context);
    }

    if (const auto state = TraceState::parse(input)) {
        check(state->members().size() <= TraceState::kMaxMembers);
        const auto again = TraceState::parse(state->header());
        check(again && again->members() == state->members());
        auto copy = *state;
        copy.put("decnet", "1");  // a valid update always succeeds and goes first
        check(!copy.members().empty() && copy.members().front().first == "decnet");
        check(copy.members().size() <= TraceState::kMaxMembers);
    }
    return 0;
}
