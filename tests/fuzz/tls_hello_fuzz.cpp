// Any bytes as the first bytes of a TLS connection and as hello bodies: parsing never crashes,
// never buffers past its bounds, and every parsed hello gives its fingerprints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/fingerprints/tls_fingerprints.hpp"
#include "wire/tls_hello.hpp"

namespace fp = decnet::intel::fingerprints;
namespace tls = decnet::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto scan = tls::read_handshakes(bytes);
    if (scan.consumed > bytes.size() || scan.messages.size() > tls::kMaxMessages) std::abort();
    for (const auto& message : scan.messages) {
        if (message.body.size() > tls::kMaxHandshakeMessage) std::abort();
        if (auto hello = tls::parse_client_hello(message.body)) {
            fp::ja3(*hello);
            fp::ja4(*hello);
            fp::decnet_ja4(*hello);
            fp::resumption(*hello);
        } else if (auto server = tls::parse_server_hello(message.body)) {
            fp::ja3s(*server);
            fp::ja4s(*server);
            fp::decnet_ja4s(*server);
        }
        tls::certificate_list(message.body, false);
        tls::certificate_list(message.body, true);
    }
    if (auto hello = tls::parse_client_hello(bytes)) fp::ja4(*hello);
    if (auto server = tls::parse_server_hello(bytes)) fp::ja4s(*server);
    return 0;
}
