// rdp's codecs on arbitrary bytes: the TPKT header and X.224 Connection Request (read as the
// emulator reads them: a header, then the length it announces), and CredSSP's TSRequest
// (framed by ts_request_length, then parsed; a parsed one rebuilt and parsed again keeps
// its version and token). No crash, nothing longer than the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/rdp/rdp_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace rdp = decnet::honeypot::rdp;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto length = rdp::tpkt_length(input); length && *length <= input.size()) {
        if (const auto cr = rdp::parse_connection_request(input.substr(0, *length))) {
            if (cr->cookie.size() + cr->routing_token.size() > size) std::abort();
            (void)rdp::protocols_text(cr->requested);
        }
    }
    const auto length = rdp::ts_request_length(input);
    if (!length || *length == 0 || *length > input.size()) return 0;
    const auto request = rdp::parse_ts_request(input.substr(0, *length));
    if (!request) return 0;
    if (request->nego_token.size() + request->client_nonce.size() > size) std::abort();
    const auto rebuilt = rdp::build_ts_request(request->version, request->nego_token);
    const auto again = rdp::parse_ts_request(rebuilt);
    if (!again || again->version != request->version || again->nego_token != request->nego_token)
        std::abort();
    return 0;
}
