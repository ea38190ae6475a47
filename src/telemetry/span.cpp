// Span lifecycle: id generation and the sampling decision at start, recording while
// sampled, the thread's current-span stack, and the hand-off to the processor at end.
#include "telemetry/span.hpp"

#include <cxxabi.h>

#include <chrono>
#include <cstdlib>
#include <new>
#include <typeinfo>

#include "telemetry/internal.hpp"
#include "telemetry/span_record.hpp"

namespace decnet::telemetry {
namespace detail {

std::atomic<bool> g_tracing_on{false};
SamplerConfig g_sampler;

Counters& counters() noexcept {
    static Counters instance;
    return instance;
}

std::uint64_t now_unix_ns() noexcept {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

void Attributes::set(const AttributeArg& attribute) {
    AttributeValue value;
    switch (attribute.type()) {
        case AttributeArg::Type::string:
            value = std::string(attribute.string_value());
            break;
        case AttributeArg::Type::int64:
            value = attribute.int_value();
            break;
        case AttributeArg::Type::float64:
            value = attribute.double_value();
            break;
        case AttributeArg::Type::boolean:
            value = attribute.bool_value();
            break;
    }
    for (auto& item : items) {
        if (item.key == attribute.key()) {
            item.value = std::move(value);
            return;
        }
    }
    if (items.size() >= kMaxAttributes) {
        ++dropped;
        return;
    }
    if (items.empty()) items.reserve(8);  // one allocation for a typical span's attributes
    items.push_back(Attribute{std::string(attribute.key()), std::move(value)});
}

}  // namespace detail

namespace {

// The thread's current span. Held by value, not as a pointer to the Span, so a span
// that ends out of order (a coroutine resumed elsewhere) leaves a stale parent at worst,
// never a dangling one.
struct ThreadCurrent {
    SpanContext context;
    std::shared_ptr<const std::string> trace_state;
};
thread_local ThreadCurrent t_current;

detail::Attributes to_attributes(std::initializer_list<AttributeArg> args) {
    detail::Attributes out;
    out.items.reserve(args.size());
    for (const auto& arg : args) out.set(arg);
    return out;
}

std::string type_name(const std::type_info& type) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled != nullptr ? demangled : type.name();
    std::free(demangled);  // NOLINT: __cxa_demangle allocates with malloc
    return name;
}

}  // namespace

SpanContext current_span_context() noexcept {
    if (!tracing_enabled()) return {};
    return t_current.context;
}

void Span::begin(std::string_view name, const SpanStart& start) {
    // Pairs with start_tracing()'s release (see tracing_enabled()); an acquire load rather
    // than a fence, which ThreadSanitizer does not model.
    (void)detail::g_tracing_on.load(std::memory_order_acquire);
    ThreadCurrent& current = t_current;
    SpanContext parent;
    std::shared_ptr<const std::string> trace_state;
    if (!start.new_root) {
        if (start.parent != nullptr) {
            parent = *start.parent;
            if (parent.valid() && !start.trace_state.empty()) {
                // A tracestate that does not parse is dropped, as W3C asks.
                if (const auto parsed = TraceState::parse(start.trace_state);
                    parsed && !parsed->empty())
                    trace_state = std::make_shared<const std::string>(parsed->header());
            }
        } else {
            parent = current.context;
            trace_state = current.trace_state;
        }
    }
    const bool has_parent = parent.valid();

    // Default- rather than value-initialised: `State{}` zeroes the block with rep stos,
    // a third of this function's time in tracing_bench.
    new (&state_) State;
    state_.record = nullptr;
    state_.current = false;
    state_.context.trace_id = has_parent ? parent.trace_id : detail::new_trace_id();
    state_.context.span_id = detail::new_span_id();
    const bool sampled =
        should_sample(detail::g_sampler, has_parent ? &parent : nullptr, state_.context.trace_id);
    state_.context.flags = sampled ? SpanContext::kSampled : 0;
    state_.trace_state = std::move(trace_state);
    state_.uncaught_exceptions = std::uncaught_exceptions();
    detail::counters().started.fetch_add(1, std::memory_order_relaxed);

    if (sampled) {
        detail::counters().sampled.fetch_add(1, std::memory_order_relaxed);
        auto* record = new detail::SpanRecord;
        record->name = name;
        record->kind = start.kind;
        record->context = state_.context;
        if (has_parent) record->parent_span_id = parent.span_id;
        if (state_.trace_state) record->trace_state = *state_.trace_state;
        record->start_unix_ns = detail::now_unix_ns();
        for (const auto& linked : start.links) {
            if (!linked.valid()) continue;
            if (record->links.size() >= detail::kMaxLinks) {
                ++record->dropped_links;
                continue;
            }
            record->links.push_back(detail::SpanLink{linked, {}, {}});
        }
        state_.record = record;
    }

    if (start.make_current) {
        state_.previous = current.context;
        state_.previous_state = std::move(current.trace_state);
        current.context = state_.context;
        current.trace_state = state_.trace_state;
        state_.current = true;
    }
    live_ = true;
}

void Span::finish() noexcept {
    live_ = false;
    if (state_.current) {
        ThreadCurrent& current = t_current;
        // Restore only if this span is still the current one: otherwise spans were ended
        // out of order on this thread, and the newer context is the better guess.
        if (current.context == state_.context) {
            current.context = state_.previous;
            current.trace_state = std::move(state_.previous_state);
        }
    }
    if (auto* record = state_.record) {
        if (std::uncaught_exceptions() > state_.uncaught_exceptions &&
            record->status == StatusCode::unset) {
            record->status = StatusCode::error;
            record->status_message = "exception";
        }
        record->end_unix_ns = detail::now_unix_ns();
        detail::submit(record);
    }
    state_.~State();
}

void Span::set(const AttributeArg& attribute) {
    state_.record->attributes.set(attribute);
}

void Span::event(std::string_view name, std::initializer_list<AttributeArg> attributes) {
    auto* record = state_.record;
    if (record->events.size() >= detail::kMaxEvents) {
        ++record->dropped_events;
        return;
    }
    record->events.push_back(
        detail::SpanEvent{std::string(name), detail::now_unix_ns(), to_attributes(attributes)});
}

void Span::link(const SpanContext& linked, std::initializer_list<AttributeArg> attributes) {
    auto* record = state_.record;
    if (!linked.valid()) return;
    if (record->links.size() >= detail::kMaxLinks) {
        ++record->dropped_links;
        return;
    }
    record->links.push_back(detail::SpanLink{linked, {}, to_attributes(attributes)});
}

void Span::status(StatusCode code, std::string_view message) {
    auto* record = state_.record;
    if (code == StatusCode::unset || record->status == StatusCode::ok) return;
    record->status = code;
    // OTLP: the description is only meaningful for errors.
    record->status_message = code == StatusCode::error ? std::string(message) : std::string();
}

void Span::exception(const std::exception& error) {
    const std::string type = type_name(typeid(error));
    event("exception", {{"exception.type", type}, {"exception.message", error.what()}});
    status(StatusCode::error, error.what());
}

void Span::rename(std::string_view name) {
    state_.record->name = name;
}

void ContextScope::enter(const SpanContext& context) {
    // Pairs with start_tracing()'s release (see tracing_enabled()); an acquire load rather
    // than a fence, which ThreadSanitizer does not model.
    (void)detail::g_tracing_on.load(std::memory_order_acquire);
    ThreadCurrent& current = t_current;
    new (&saved_) Saved{current.context, std::move(current.trace_state)};
    current.context = context;
    current.trace_state = nullptr;
    entered_ = true;
}

void ContextScope::leave() noexcept {
    ThreadCurrent& current = t_current;
    current.context = saved_.context;
    current.trace_state = std::move(saved_.trace_state);
    saved_.~Saved();
    entered_ = false;
}

}  // namespace decnet::telemetry
