// Any bytes as a p0f.fp database and as one signature: parsing never crashes, stays within
// its signature bound, and matching an observation against what parsed is safe.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/sniffer/p0f.hpp"

namespace p0f = decnet::intel::sniffer::p0f;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    p0f::parse_signature(text);
    const auto db = p0f::Database::parse(std::string("[tcp:request]\nlabel = s:unix:X:1\n") +
                                         std::string(text));
    if (db.size() > p0f::Database::kMaxSignatures) std::abort();
    p0f::Observation o;
    o.ttl = size % 256;
    o.mss = static_cast<int>(size % 1461);
    o.window = static_cast<int>((size * 7) % 65536);
    o.layout = "mss,sok,ts,nop,ws";
    o.quirks = p0f::kDf | p0f::kNonZeroId;
    db.match(o);
    o.mss = -1;
    o.layout = "mss";
    db.match(o);
    return 0;
}
