// libFuzzer target for the shared BSON codec (src/wire/bson): the decoder must never crash,
// recurse past its depth limit or read out of bounds; what it accepts re-encodes to the same
// bytes (doubles aside: NaN payloads are kept bit for bit) and renders as valid UTF-8 JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/bson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bson = decnet::wire::bson;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    bson::Limits limits;
    limits.max_depth = 32;
    limits.max_elements = 4096;
    const auto decoded = bson::decode(input, limits);
    if (!decoded.document) return 0;
    if (bson::encode(*decoded.document) != input) std::abort();
    const auto json = bson::to_json(*decoded.document, 2048);
    if (!bson::valid_utf8(json) || json.size() > 2048 + 64 * 1024) std::abort();
    return 0;
}
