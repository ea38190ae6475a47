// The span API every module includes: RAII spans with attributes, events, status,
// exceptions and links, and the thread's current span for implicit parenting. Cheap to
// include (no spdlog, JSON or Asio) and cheap to use: with tracing off a span site is
// one predictable branch, no allocation (docs/TRACING.md, bench/tracing).
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "telemetry/span_context.hpp"

namespace decnet::telemetry {

// OTLP's numbering, so the exporter writes the value as it is.
enum class SpanKind : std::uint8_t {
    internal = 1,
    server = 2,
    client = 3,
    producer = 4,
    consumer = 5
};
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

namespace detail {
struct SpanRecord;
// Set by start_tracing()/shutdown_tracing() (tracing.hpp); read at every span site.
extern std::atomic<bool> g_tracing_on;
}  // namespace detail

// True between start_tracing() with the switch on and shutdown_tracing(). Relaxed, so
// the compiler can fold the off path into one test; the code behind the switch does
// the acquire load that pairs with start_tracing()'s release.
inline bool tracing_enabled() noexcept {
    return detail::g_tracing_on.load(std::memory_order_relaxed);
}

// The current span of this thread (invalid when there is none or tracing is off): what a
// new Span takes as parent, what log lines are stamped with, what events carry.
SpanContext current_span_context() noexcept;

// An attribute as a call site passes it: borrowed, copied only if the span is recorded.
class AttributeArg {
  public:
    enum class Type : std::uint8_t { string, int64, float64, boolean };

    AttributeArg(std::string_view key, std::string_view value)
        : key_(key), type_(Type::string), string_(value) {}
    AttributeArg(std::string_view key, const char* value)
        : AttributeArg(key, std::string_view(value)) {}
    AttributeArg(std::string_view key, const std::string& value)
        : AttributeArg(key, std::string_view(value)) {}
    AttributeArg(std::string_view key, bool value)
        : key_(key), type_(Type::boolean), bool_(value) {}
    AttributeArg(std::string_view key, double value)
        : key_(key), type_(Type::float64), double_(value) {}
    template <std::integral T>
    requires(!std::same_as<T, bool>) AttributeArg(std::string_view key, T value)
        : key_(key), type_(Type::int64), int_(static_cast<std::int64_t>(value)) {}

    std::string_view key() const { return key_; }
    Type type() const { return type_; }
    std::string_view string_value() const { return string_; }
    std::int64_t int_value() const { return int_; }
    double double_value() const { return double_; }
    bool bool_value() const { return bool_; }

  private:
    std::string_view key_;
    Type type_;
    union {
        std::string_view string_;
        std::int64_t int_;
        double double_;
        bool bool_;
    };
};

// How a span starts, for the cases the short constructors do not cover. Use designated
// initialisers: Span span{"honeypot.session", {.kind = SpanKind::server, .make_current = false}}.
struct SpanStart {
    SpanKind kind = SpanKind::internal;
    // Explicit parent, e.g. from a traceparent header or an event; nullptr means the
    // thread's current span. An invalid context starts a new trace.
    const SpanContext* parent = nullptr;
    // The W3C tracestate that came with a remote parent (kept if it parses).
    std::string_view trace_state{};
    // Start a new trace even if a span is current (long-lived loops, per-item roots).
    bool new_root = false;
    // Make this span the thread's current span until it ends. Turn off for a span that
    // lives across co_await (another coroutine would inherit it on this thread); use
    // ContextScope around synchronous stretches instead.
    bool make_current = true;
    // Links known at start (e.g. a batch span linking to the spans of its items).
    std::span<const SpanContext> links{};
};

// One span: starts when constructed, ends when destroyed (or at end()). Neither copyable
// nor movable, because while current it is part of the thread's context stack; hold it
// in std::optional to start one conditionally. A span destroyed by an exception unwinding
// the stack ends with status error unless a status was already set.
class Span {
  public:
    // live_ is initialised from the switch (not set later) so that, with tracing off, the
    // compiler knows it is false at every check below and keeps only the one test.
    explicit Span(std::string_view name) : live_(tracing_enabled()) {
        if (live_) begin(name, SpanStart{});
    }
    Span(std::string_view name, SpanKind kind) : live_(tracing_enabled()) {
        if (live_) begin(name, SpanStart{.kind = kind});
    }
    Span(std::string_view name, const SpanContext& parent, SpanKind kind = SpanKind::internal)
        : live_(tracing_enabled()) {
        if (live_) begin(name, SpanStart{.kind = kind, .parent = &parent});
    }
    Span(std::string_view name, const SpanStart& start) : live_(tracing_enabled()) {
        if (live_) begin(name, start);
    }
    ~Span() {
        if (live_) finish();
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;

    // False when tracing is off or the sampler dropped this span: attributes and events
    // are then ignored, so guard only work that is costly to compute.
    bool recording() const { return live_ && state_.record != nullptr; }
    // Valid while the span lives (also when not sampled: its children must know).
    SpanContext context() const { return live_ ? state_.context : SpanContext{}; }
    // "00-…" for this span, or "" when tracing is off.
    std::string traceparent() const { return live_ ? state_.context.traceparent() : std::string(); }

    void set_attribute(std::string_view key, std::string_view value) {
        if (recording()) set(AttributeArg(key, value));
    }
    void set_attribute(std::string_view key, const char* value) {
        if (recording()) set(AttributeArg(key, value));
    }
    void set_attribute(std::string_view key, const std::string& value) {
        if (recording()) set(AttributeArg(key, value));
    }
    void set_attribute(std::string_view key, bool value) {
        if (recording()) set(AttributeArg(key, value));
    }
    void set_attribute(std::string_view key, double value) {
        if (recording()) set(AttributeArg(key, value));
    }
    template <std::integral T>
    requires(!std::same_as<T, bool>) void set_attribute(std::string_view key, T value) {
        if (recording()) set(AttributeArg(key, value));
    }
    void set_attributes(std::initializer_list<AttributeArg> attributes) {
        if (recording())
            for (const auto& attribute : attributes) set(attribute);
    }

    void add_event(std::string_view name, std::initializer_list<AttributeArg> attributes = {}) {
        if (recording()) event(name, attributes);
    }
    void add_link(const SpanContext& linked, std::initializer_list<AttributeArg> attributes = {}) {
        if (recording()) link(linked, attributes);
    }
    // OTLP semantics: ok is final, a later error does not replace it; unset is ignored.
    void set_status(StatusCode code, std::string_view message = {}) {
        if (recording()) status(code, message);
    }
    // One "exception" event (exception.type, exception.message) and status error — once,
    // unlike the reference, which recorded every exception twice.
    void record_exception(const std::exception& error) {
        if (recording()) exception(error);
    }
    void update_name(std::string_view name) {
        if (recording()) rename(name);
    }
    // Ends the span now; the destructor then does nothing.
    void end() {
        if (live_) finish();
    }

  private:
    void begin(std::string_view name, const SpanStart& start);
    void finish() noexcept;
    void set(const AttributeArg& attribute);
    void event(std::string_view name, std::initializer_list<AttributeArg> attributes);
    void link(const SpanContext& linked, std::initializer_list<AttributeArg> attributes);
    void status(StatusCode code, std::string_view message);
    void exception(const std::exception& error);
    void rename(std::string_view name);

    struct State {
        SpanContext context;
        SpanContext previous;  // the thread's current span before this one became current
        std::shared_ptr<const std::string> trace_state;
        std::shared_ptr<const std::string> previous_state;
        detail::SpanRecord* record;  // owned; null when the sampler dropped the span
        int uncaught_exceptions;
        bool current;
    };
    bool live_;
    // Constructed only for a live span, so the off path touches nothing but live_.
    union {
        State state_;
    };
};

// Makes a context the thread's current one for a scope, without starting a span: a
// coroutine resuming a detached span, a worker handling an item that carries its
// producer's context. Restores the previous context at the end.
class ContextScope {
  public:
    explicit ContextScope(const SpanContext& context) : entered_(tracing_enabled()) {
        if (entered_) enter(context);
    }
    explicit ContextScope(const Span& span) : entered_(tracing_enabled()) {
        if (entered_) enter(span.context());
    }
    ~ContextScope() {
        if (entered_) leave();
    }
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

  private:
    void enter(const SpanContext& context);
    void leave() noexcept;

    struct Saved {
        SpanContext context;
        std::shared_ptr<const std::string> trace_state;
    };
    bool entered_;
    union {
        Saved saved_;
    };
};

}  // namespace decnet::telemetry
