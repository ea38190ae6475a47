// Any bytes as a run of captured frames for the sniffer's engine: each chunk (2-byte length
// prefix) is a raw IP datagram whose source or destination is forced onto a decky, so the
// flow, reassembly, TLS, SSH and p0f paths all see hostile input. Never a crash, and the
// flow table stays within its bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "intel/sniffer/sniffer_engine.hpp"
#include "telemetry/internal.hpp"
#include "telemetry/span_record.hpp"

// Tracing stays off here: the exporter (telemetry/tracing.cpp) is not linked.
void decnet::telemetry::detail::submit(SpanRecord* record) noexcept { delete record; }

namespace sn = decnet::intel::sniffer;
namespace packet = decnet::wire::packet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto decky = *packet::Address::parse("192.168.1.10");
    sn::EngineOptions options;
    options.max_flows = 16;
    options.max_dedup_entries = 16;
    options.max_stream_bytes = 4096;
    sn::SnifferEngine engine(options, [](decnet::Event) {});
    engine.set_deckies({{decky, "decky-01"}});
    std::string_view in(reinterpret_cast<const char*>(data), size);
    sn::Micros now = 0;
    while (in.size() >= 3) {
        const std::size_t length =
            (static_cast<unsigned char>(in[0]) << 8) | static_cast<unsigned char>(in[1]);
        const bool to_decky = (in[2] & 1) != 0;
        now += static_cast<unsigned char>(in[2]) * 1000;
        in.remove_prefix(3);
        std::string frame(in.substr(0, length));
        in.remove_prefix(std::min(length, in.size()));
        auto p = packet::decode_ip(frame);
        if (!p) continue;
        if (to_decky)
            p->dst = decky;
        else
            p->src = decky;
        engine.on_packet(*p, now);
        if (engine.stats().flows_active > options.max_flows) std::abort();
    }
    engine.flush_all();
    return 0;
}
