// libFuzzer target for the prober's readers of attacker-controlled bytes: JARM's reading of
// a ServerHello answer (the reference's byte offsets, never past the data) and the SYN-ACK
// parser of the TCP fingerprint. Neither may crash or read out of bounds, and their
// outputs must keep their shapes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "intel/prober/jarm.hpp"
#include "intel/prober/tcpfp.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace p = decnet::intel::prober;
    const auto answer = p::jarm::read_server_hello(input);
    check(answer == "|||" || answer.find('|') != std::string::npos);
    const std::vector<std::string> answers(10, answer);
    // 62 characters unless the answer's ALPN holds ',' (the reference splits on it too):
    // 3 per comma-separated piece, then 32.
    const auto hash = p::jarm::hash(answers);
    check(hash.size() >= 62 && (hash.size() - 32) % 3 == 0);
    if (const auto syn_ack = p::parse_tcp_packet(input)) {
        check(syn_ack->window_scale >= -1 && syn_ack->window_scale <= 255);
        check(syn_ack->options_order.size() <= 2 * 40);
        check(p::tcpfp_hash(p::tcpfp_raw(*syn_ack)).size() == 32);
    }
    return 0;
}
