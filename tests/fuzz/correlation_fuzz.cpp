// libFuzzer target for the correlation engine's input (decnet correlate): any bytes as
// log lines must never crash; an accepted ISO-8601 timestamp must print and parse back
// to the same instant and offset.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/correlation/iso_time.hpp"
#include "intel/correlation/traversal.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto time = decnet::intel::parse_iso_time(input)) {
        const auto again = decnet::intel::parse_iso_time(decnet::intel::format_iso_time(*time));
        check(again && again->utc_micros == time->utc_micros &&
              again->offset_seconds == time->offset_seconds);
    }
    decnet::intel::CorrelationEngine engine;
    std::size_t start = 0;
    while (start <= input.size()) {
        const auto end = input.find('\n', start);
        const auto line = input.substr(start, end == std::string_view::npos ? end : end - start);
        engine.ingest(line);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    for (const auto& t : engine.traversals(1)) check(!t.hops.empty() && !t.deckies.empty());
    engine.report_json(1);
    return 0;
}
