// State shared by the span code and the tracing lifecycle: counters, the active sampler,
// id generation and the hand-off of ended spans. Internal to telemetry.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "telemetry/sampler.hpp"

namespace decnet::telemetry::detail {

struct SpanRecord;

struct Counters {
    std::atomic<std::uint64_t> started{0};
    std::atomic<std::uint64_t> sampled{0};
    std::atomic<std::uint64_t> exported{0};
    std::atomic<std::uint64_t> dropped{0};        // queue full, or ended after shutdown
    std::atomic<std::uint64_t> export_failed{0};  // in batches the collector did not take
    std::atomic<std::uint64_t> export_batches{0};
};
Counters& counters() noexcept;

// Written by start_tracing() before the switch is turned on (release), read by spans
// after they saw it on (acquire), so plain data is enough.
extern SamplerConfig g_sampler;

// Random, never all-zero ids from a per-thread generator seeded from std::random_device.
std::array<std::uint8_t, 16> new_trace_id() noexcept;
std::array<std::uint8_t, 8> new_span_id() noexcept;

// Takes ownership of an ended, sampled span: queued for export, or dropped (counted).
// Never blocks on I/O. Defined by the batch processor.
void submit(SpanRecord* record) noexcept;

}  // namespace decnet::telemetry::detail
