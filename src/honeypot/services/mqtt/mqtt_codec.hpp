// MQTT 3.1, 3.1.1 and 5.0 control packets (OASIS mqtt-v3.1.1 and mqtt-v5.0): the fixed
// header's remaining length, CONNECT, PUBLISH, SUBSCRIBE/UNSUBSCRIBE and acknowledgement
// bodies, MQTT 5 properties, topic-filter matching, and the broker's replies. Pure functions
// over bytes with every count and size bounded (fuzzed), apart from the dialogue in mqtt.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::mqtt {

enum PacketType : std::uint8_t {
    kConnect = 1,
    kConnack = 2,
    kPublish = 3,
    kPuback = 4,
    kPubrec = 5,
    kPubrel = 6,
    kPubcomp = 7,
    kSubscribe = 8,
    kSuback = 9,
    kUnsubscribe = 10,
    kUnsuback = 11,
    kPingreq = 12,
    kPingresp = 13,
    kDisconnect = 14,
    kAuth = 15,
};

inline constexpr std::uint8_t kMqtt5 = 5;
inline constexpr std::size_t kMaxProperties = 32;  // kept per packet (more are skipped)
inline constexpr std::size_t kMaxFilters = 64;     // per SUBSCRIBE
inline constexpr std::size_t kMaxTopic = 1024;

struct FixedHeader {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::size_t remaining = 0;
    std::size_t size = 0;  // bytes of the fixed header itself (2..5)
};
enum class HeaderStatus { ok, need_more, malformed };
// The fixed header at the start of `bytes`: need_more until the length's last byte came;
// malformed when the length runs past four bytes.
HeaderStatus parse_fixed_header(std::string_view bytes, FixedHeader& out);

using Properties = std::vector<std::pair<std::string, std::string>>;  // name → text

struct Connect {
    std::string protocol;  // "MQTT", "MQIsdp"
    std::uint8_t level = 0;
    std::uint8_t flags = 0;
    std::uint16_t keepalive = 0;
    std::string client_id;
    bool clean_start = false;
    std::optional<std::string> will_topic, will_payload;
    std::uint8_t will_qos = 0;
    bool will_retain = false;
    std::optional<std::string> username, password;
    Properties properties, will_properties;
};
// nullopt and `error` for a malformed CONNECT.
std::optional<Connect> parse_connect(std::string_view body, std::string& error);

struct Publish {
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;
    Properties properties;
    std::string payload;
};
std::optional<Publish> parse_publish(std::uint8_t flags, std::string_view body, std::uint8_t level,
                                     std::string& error);

struct Subscribe {
    std::uint16_t packet_id = 0;
    std::vector<std::pair<std::string, std::uint8_t>> filters;  // filter, requested QoS
    Properties properties;
};
// SUBSCRIBE (with option bytes) or UNSUBSCRIBE (`unsubscribe`: without).
std::optional<Subscribe> parse_subscribe(std::string_view body, std::uint8_t level,
                                         bool unsubscribe, std::string& error);

// The packet identifier that starts PUBACK, PUBREC, PUBREL and PUBCOMP bodies.
std::optional<std::uint16_t> parse_packet_id(std::string_view body);

// MQTT 5 properties at the start of `bytes`; `used` gets their encoded size. nullopt when
// the length or a property is malformed.
std::optional<Properties> parse_properties(std::string_view bytes, std::size_t& used);

// A topic filter may hold '+' as a whole level and '#' only as the last one.
bool valid_filter(std::string_view filter);
// Whether `topic` matches `filter` ('+' one level, '#' the rest; wildcards at the first
// level never match topics starting with '$').
bool topic_matches(std::string_view filter, std::string_view topic);

// ---- replies -------------------------------------------------------------------------
std::string connack(bool session_present, std::uint8_t code, std::uint8_t level,
                    const std::string& assigned_client_id = "");
std::string suback(std::uint16_t id, const std::vector<std::uint8_t>& codes, std::uint8_t level);
std::string unsuback(std::uint16_t id, std::size_t count, std::uint8_t level);
std::string publish(std::string_view topic, std::string_view payload, bool retain,
                    std::uint8_t level);
// PUBACK, PUBREC, PUBREL (flags 0010) and PUBCOMP.
std::string ack(PacketType type, std::uint16_t id);
std::string pingresp();

}  // namespace decnet::honeypot::mqtt
