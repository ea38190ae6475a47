// libFuzzer target for the RELP frame parser: never crashes or reads past the buffer, a
// complete frame re-formats to the bytes it was parsed from (or a canonical variant), and
// consumed bytes never exceed the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/relp_frame.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // Walk the input as a stream of frames, the way a session does (bounded by its size).
    for (int guard = 0; guard < 4096 && !input.empty(); ++guard) {
        const auto parsed = decnet::parse_relp_frame(input, 128 * 1024);
        if (parsed.status != decnet::RelpParse::Status::complete) break;
        check(parsed.consumed > 0 && parsed.consumed <= input.size());
        check(parsed.frame.data.size() <= 128 * 1024);
        check(parsed.frame.txnr <= decnet::kRelpMaxTxnr);
        const auto again = decnet::parse_relp_frame(
            decnet::format_relp_frame(parsed.frame.txnr, parsed.frame.command, parsed.frame.data),
            128 * 1024);
        check(again.status == decnet::RelpParse::Status::complete);
        check(again.frame.txnr == parsed.frame.txnr &&
              again.frame.command == parsed.frame.command && again.frame.data == parsed.frame.data);
        (void)decnet::relp_response_code(parsed.frame.data);
        input.remove_prefix(parsed.consumed);
    }
    return 0;
}
