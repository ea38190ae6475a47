// libFuzzer target: the mqtt broker's packet parsers (fixed header, CONNECT, PUBLISH,
// SUBSCRIBE/UNSUBSCRIBE, MQTT 5 properties, topic filters) must never crash, hang or read
// out of bounds on attacker bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "honeypot/services/mqtt/mqtt_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace decnet::honeypot::mqtt;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    FixedHeader header;
    (void)parse_fixed_header(input, header);
    if (input.empty()) return 0;
    // The first byte picks the protocol level and flags, the rest is the body.
    const auto level = static_cast<std::uint8_t>(input[0] & 1 ? 5 : 4);
    const auto flags = static_cast<std::uint8_t>(input[0] >> 4);
    const auto body = input.substr(1);
    std::string error;
    (void)parse_connect(body, error);
    (void)parse_publish(flags, body, level, error);
    (void)parse_subscribe(body, level, false, error);
    (void)parse_subscribe(body, level, true, error);
    (void)parse_packet_id(body);
    std::size_t used = 0;
    (void)parse_properties(body, used);
    const auto slash = body.find('\0');
    if (slash != std::string_view::npos) {
        (void)valid_filter(body.substr(0, slash));
        (void)topic_matches(body.substr(0, slash), body.substr(slash + 1));
    }
    return 0;
}
