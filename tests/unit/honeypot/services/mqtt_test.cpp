// The mqtt codec (remaining length, CONNECT with will and MQTT 5 properties, topic matching)
// and the broker's dialogue over an in-memory session: credentials captured, retained
// telemetry on SUBSCRIBE then a live feed, PUBLISH with the QoS 1 and 2 handshakes, and
// length lies ending the session.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "honeypot/services/mqtt/mqtt_codec.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;

std::string str(std::string_view s) {
    return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xff)} +
           std::string(s);
}

std::string packet(std::uint8_t first, const std::string& body) {
    std::string len;
    auto n = body.size();
    do {
        auto b = static_cast<std::uint8_t>(n % 128);
        n /= 128;
        if (n) b |= 0x80;
        len += static_cast<char>(b);
    } while (n);
    return static_cast<char>(first) + len + body;
}

std::string connect_packet(std::uint8_t level, const std::string& id, const std::string& user,
                           const std::string& pass) {
    std::string body = str("MQTT") + static_cast<char>(level) + "\xc2\x00\x3c"s;
    if (level == 5) body += '\0';  // no properties
    body += str(id) + str(user) + str(pass);
    return packet(0x10, body);
}

TEST(MqttCodec, FixedHeaderLengthsAndLies) {
    mqtt::FixedHeader h;
    EXPECT_EQ(mqtt::parse_fixed_header("\x30\x7f"s, h), mqtt::HeaderStatus::ok);
    EXPECT_EQ(h.remaining, 127u);
    EXPECT_EQ(mqtt::parse_fixed_header("\x30\xff\xff\xff\x7f"s, h), mqtt::HeaderStatus::ok);
    EXPECT_EQ(h.remaining, 268435455u);
    EXPECT_EQ(mqtt::parse_fixed_header("\x30\xff\xff"s, h), mqtt::HeaderStatus::need_more);
    EXPECT_EQ(mqtt::parse_fixed_header("\x30\xff\xff\xff\xff\x01"s, h),
              mqtt::HeaderStatus::malformed);
}

TEST(MqttCodec, ConnectWithWillAndV5Properties) {
    std::string body = str("MQTT") + "\x05\xe6\x00\x1e"s;  // user, pass, will QoS 0 + retain
    body += "\x05\x11\x00\x00\x0e\x10"s;                   // session expiry 3600
    body += str("bot-1");
    body += "\x00"s + str("dead/bot") + str("gone");
    body += str("admin") + str("s3cret");
    std::string error;
    auto c = mqtt::parse_connect(body, error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(c->level, 5);
    EXPECT_EQ(c->client_id, "bot-1");
    EXPECT_EQ(c->will_topic.value_or(""), "dead/bot");
    EXPECT_TRUE(c->will_retain);
    EXPECT_EQ(c->username.value_or(""), "admin");
    EXPECT_EQ(c->password.value_or(""), "s3cret");
    ASSERT_EQ(c->properties.size(), 1u);
    EXPECT_EQ(c->properties[0], (std::pair<std::string, std::string>{"0x11", "3600"}));
    EXPECT_FALSE(mqtt::parse_connect(body.substr(0, 20), error));
}

TEST(MqttCodec, TopicMatching) {
    EXPECT_TRUE(mqtt::topic_matches("#", "plant/water/tank1/level"));
    EXPECT_TRUE(mqtt::topic_matches("plant/+/tank1/#", "plant/water/tank1/level"));
    EXPECT_TRUE(mqtt::topic_matches("plant/#", "plant"));
    EXPECT_FALSE(mqtt::topic_matches("plant/+", "plant/water/tank1"));
    EXPECT_FALSE(mqtt::topic_matches("#", "$SYS/broker/version"));
    EXPECT_TRUE(mqtt::topic_matches("$SYS/#", "$SYS/broker/version"));
    EXPECT_TRUE(mqtt::valid_filter("a/+/b/#"));
    EXPECT_FALSE(mqtt::valid_filter("a/#/b"));
    EXPECT_FALSE(mqtt::valid_filter("a+/b"));
}

TEST(MqttDialogue, CredentialsRetainedTelemetryAndPublishHandshakes) {
    Dialogue d("mqtt", DialogueOptions{.persona = {{"interval", "1"}}});
    ASSERT_TRUE(d.send(connect_packet(4, "sensor-7", "admin", "hunter2")));
    EXPECT_EQ(d.read_exact(4), "\x20\x02\x00\x00"s);
    ASSERT_TRUE(d.send(packet(0x82, "\x00\x01"s + str("plant/water/#") + "\x01"s)));
    EXPECT_EQ(d.read_exact(5), "\x90\x03\x00\x01\x01"s);
    const auto retained = d.read_until("plant/water/valve/drain/stateCLOSED");
    EXPECT_NE(retained.find("plant/water/tank1/level"), std::string::npos);
    EXPECT_EQ(retained[0], '\x31');  // retained
    // The live feed: sensor values again within the interval, not retained.
    const auto live = d.read_until("plant/water/chlorine/residual", std::chrono::seconds(4));
    EXPECT_NE(live.find("\x30"s), std::string::npos);
    ASSERT_TRUE(d.send(packet(0x32, str("cmd/pump1") + "\x00\x07"s + "STOP")));   // QoS 1
    ASSERT_TRUE(d.send(packet(0x34, str("cmd/pump2") + "\x00\x08"s + "START")));  // QoS 2
    const auto acks = d.read_until("\x50\x02\x00\x08"s);
    EXPECT_NE(acks.find("\x40\x02\x00\x07"s), std::string::npos);
    ASSERT_TRUE(d.send("\x62\x02\x00\x08"s));  // PUBREL
    d.read_until("\x70\x02\x00\x08"s);         // PUBCOMP
    ASSERT_TRUE(d.send("\xc0\x00"s));
    d.read_until("\xd0\x00"s);
    ASSERT_TRUE(d.send("\xe0\x00"s));
    const auto events = d.finish();
    const auto& connect = decnet::testing::first_event(events, "connect");
    EXPECT_EQ(field(connect, "client_id"), "sensor-7");
    EXPECT_EQ(field(connect, "username"), "admin");
    EXPECT_EQ(field(connect, "password"), "hunter2");
    EXPECT_EQ(field(decnet::testing::first_event(events, "subscribe"), "topics"),
              R"(["plant/water/#"])");
    const auto& pub = decnet::testing::first_event(events, "publish");
    EXPECT_EQ(field(pub, "topic"), "cmd/pump1");
    EXPECT_EQ(field(pub, "payload"), "STOP");
    EXPECT_EQ(field(decnet::testing::first_event(events, "disconnect"), "reason"), "disconnect");
}

TEST(MqttDialogue, Mqtt5SysTopicsAndRefusal) {
    {
        Dialogue d("mqtt");
        ASSERT_TRUE(d.send(connect_packet(5, "", "u", "p")));
        const auto connack = d.read_until("auto-");
        ASSERT_GE(connack.size(), 4u);
        EXPECT_EQ(connack[0], '\x20');
        EXPECT_EQ(connack.substr(2, 2), "\x00\x00"s);  // no session, success
        ASSERT_TRUE(d.send(packet(0x82, "\x00\x02\x00"s + str("$SYS/broker/version") + "\x00"s)));
        EXPECT_NE(d.read_until("mosquitto version 2.0.15").find("$SYS/broker/version"),
                  std::string::npos);
    }
    {
        Dialogue d("mqtt", DialogueOptions{.persona = {{"accept_all", "no"}}});
        ASSERT_TRUE(d.send(connect_packet(4, "x", "root", "root")));
        EXPECT_EQ(d.read_exact(4), "\x20\x02\x00\x05"s);
        d.expect_closed();
    }
}

// The broker ends a connection silent for 1.5 × the client's keepalive (here 1 s), and a
// client that pings in time stays.
TEST(MqttDialogue, KeepaliveIsEnforcedLikeMosquitto) {
    const auto with_keepalive = [](std::uint8_t seconds) {
        return packet(0x10, str("MQTT") + "\x04\x02\x00"s + static_cast<char>(seconds) + str("k"));
    };
    Dialogue d("mqtt");
    ASSERT_TRUE(d.send(with_keepalive(1)));
    EXPECT_EQ(d.read_exact(4), "\x20\x02\x00\x00"s);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {  // 3 pings 0.8 s apart: 2.4 s alive
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        ASSERT_TRUE(d.send("\xc0\x00"s));
        EXPECT_EQ(d.read_exact(2), "\xd0\x00"s);
    }
    d.expect_closed(std::chrono::seconds(5));
    const auto lived = std::chrono::steady_clock::now() - started;
    EXPECT_GE(lived, std::chrono::milliseconds(3800));  // 2.4 s + 1.5 s of silence
    EXPECT_LT(lived, std::chrono::milliseconds(6000));
    EXPECT_EQ(field(d.event("disconnect"), "reason"), "keepalive_timeout");
}

TEST(MqttDialogue, LengthLiesAndPacketsBeforeConnectEndTheSession) {
    {
        Dialogue d("mqtt");
        ASSERT_TRUE(d.send("\x30\xff\xff\xff\xff\x7f"s));
        d.expect_closed();
        EXPECT_EQ(d.event("protocol_error").event_type, "protocol_error");
    }
    {
        Dialogue d("mqtt");
        ASSERT_TRUE(d.send(connect_packet(4, "x", "u", "p")));
        d.read_exact(4);
        ASSERT_TRUE(d.send("\x30\xff\xff\x7f"s));  // 2 MiB announced
        d.expect_closed();
    }
    {
        Dialogue d("mqtt");
        ASSERT_TRUE(d.send(packet(0x82, "\x00\x01"s + str("#") + "\x00"s)));
        EXPECT_EQ(d.expect_closed(), "");
    }
}

}  // namespace
}  // namespace decnet::honeypot
