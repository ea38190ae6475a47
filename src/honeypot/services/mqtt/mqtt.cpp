// mqtt: an MQTT 3.1/3.1.1/5 broker (1883 plain, 8883 TLS; services.md §2.22) that looks like
// the persona's mosquitto: CONNECT (client id and credentials captured; the persona decides
// whether to accept), SUBSCRIBE with '+' and '#' answered with retained telemetry and then a
// live feed whose sensor values drift, $SYS/broker/* with the broker's identity, PUBLISH
// captured (big payloads kept as artifacts) with the QoS 1/2 handshakes, wills, PINGREQ.
// A second coroutine on the session's strand publishes the live feed; one writer queue keeps
// its packets and the replies from interleaving.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/mqtt/mqtt_codec.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/host_profile.hpp"

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using namespace mqtt;

constexpr std::size_t kMaxPacket = 256 * 1024;  // a bigger remaining length is a lie: close
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kMaxPackets = 100000;  // per connection
constexpr std::size_t kMaxSubscriptions = 64;
constexpr std::size_t kMaxInflight = 64;          // QoS 2 ids awaiting PUBREL
constexpr std::size_t kMaxPending = 1024 * 1024;  // queued output before we give up
constexpr std::size_t kArtifactAbove = 1024;      // payloads kept as artifacts above this
constexpr std::size_t kLogged = 512;
constexpr std::size_t kMaxEventsPerKind = 200;  // publish events per connection

// ---- persona -------------------------------------------------------------------------

// A topic of the persona: fixed text, or a sensor drifting between min and max.
struct Topic {
    std::string name;
    std::string text;  // fixed value; empty for a sensor
    double min = 0, max = 0;
    int decimals = 0;
    double period = 600;  // seconds of one slow swing
};

struct MqttSettings : ServiceSettings {
    std::string version;  // mosquitto's
    bool accept_all = true;
    std::vector<Topic> topics;
    int interval = 2;  // seconds between live updates
    std::uint64_t seed = 0;
};

std::vector<Topic> water_plant() {
    return {{"plant/water/tank1/level", "", 60.0, 80.0, 1, 900},
            {"plant/water/tank1/pressure", "", 2.50, 3.00, 2, 420},
            {"plant/water/pump1/status", "RUNNING"},
            {"plant/water/pump1/rpm", "", 1400, 1449, 0, 300},
            {"plant/water/pump2/status", "STANDBY"},
            {"plant/water/chlorine/dosing", "", 1.1, 1.3, 2, 1200},
            {"plant/water/chlorine/residual", "", 0.7, 0.9, 2, 1500},
            {"plant/water/valve/inlet/state", "OPEN"},
            {"plant/water/valve/drain/state", "CLOSED"},
            {"plant/alarm/high_pressure", "0"},
            {"plant/alarm/low_chlorine", "0"},
            {"plant/alarm/pump_fault", "0"}};
}

std::vector<Topic> smart_building() {
    return {{"building/floor1/hvac/temperature", "", 20.5, 23.5, 1, 1800},
            {"building/floor1/hvac/humidity", "", 38, 46, 0, 2400},
            {"building/floor1/hvac/setpoint", "21.5"},
            {"building/floor1/hvac/mode", "AUTO"},
            {"building/floor2/hvac/temperature", "", 21.0, 24.0, 1, 1600},
            {"building/floor2/lights/zone1", "ON"},
            {"building/energy/meter/power_kw", "", 42, 118, 1, 900},
            {"building/energy/meter/total_kwh", "", 182000, 182400, 0, 86400},
            {"building/access/door/main/state", "LOCKED"},
            {"building/access/door/loading/state", "LOCKED"}};
}

std::shared_ptr<const ServiceSettings> configure_mqtt(const PersonaReader& persona) {
    auto settings = std::make_shared<MqttSettings>();
    settings->version = persona.line("version");
    settings->accept_all = persona.boolean("accept_all");
    settings->interval = static_cast<int>(persona.integer("interval", 1, 3600));
    settings->seed = stable_hash(persona.decky().name + "/mqtt");
    static constexpr std::string_view kPersonas[] = {"water_plant", "smart_building", "generic"};
    const auto preset = persona.choice("persona", kPersonas);
    if (preset == "water_plant")
        settings->topics = water_plant();
    else if (preset == "smart_building")
        settings->topics = smart_building();
    else
        settings->topics = {{"device/status", "online"}, {"device/uptime", "", 3600, 3600, 0, 1}};
    const auto custom = persona.text("custom_topics");
    if (!custom.empty()) {
        // A JSON object topic → value replaces the preset (numbers become drifting sensors
        // around their value).
        const auto parsed = nlohmann::json::parse(custom, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object() || parsed.size() > 256)
            persona.fail("custom_topics", "must be a JSON object of topic → value (≤ 256)");
        settings->topics.clear();
        for (const auto& [topic, value] : parsed.items()) {
            if (!valid_filter(topic) || topic.find_first_of("+#") != std::string::npos)
                persona.fail("custom_topics", "bad topic name '" + topic.substr(0, 64) + "'");
            if (value.is_number()) {
                const double v = value.get<double>();
                settings->topics.push_back(
                    {topic, "", v * 0.95, v * 1.05, value.is_number_integer() ? 0 : 2, 900});
            } else {
                settings->topics.push_back(
                    {topic, value.is_string() ? value.get<std::string>() : value.dump()});
            }
        }
    }
    return settings;
}

// A sensor's value at `t`: a slow swing across its range plus a little noise per tick.
std::string sensor_value(const Topic& topic, std::uint64_t seed, std::int64_t t, int tick) {
    if (topic.text.size() || topic.max <= topic.min) return topic.text.empty() ? "0" : topic.text;
    const auto h = stable_hash(topic.name, seed);
    const double phase = static_cast<double>(h % 6283) / 1000.0;
    const double swing = std::sin(static_cast<double>(t) * 6.283185 / topic.period + phase);
    const auto noise_seed = stable_hash(std::to_string(t / std::max(tick, 1)), h);
    const double noise = static_cast<double>(noise_seed % 2001) / 1000.0 - 1.0;
    double v = topic.min + (topic.max - topic.min) * (0.5 + 0.38 * swing + 0.1 * noise);
    v = std::clamp(v, topic.min, topic.max);
    char out[48];
    std::snprintf(out, sizeof out, "%.*f", topic.decimals, v);
    return out;
}

// ---- the connection --------------------------------------------------------------------

struct Subscription {
    std::string filter;
    std::uint8_t qos;
};

// What the reader and the live feed share (both run on the session's strand).
struct Shared {
    explicit Shared(asio::any_io_executor executor)
        : timer(executor), keepalive_timer(std::move(executor)) {}
    asio::steady_timer timer;
    // The broker's keepalive rule (MQTT 3.1.1 §3.1.2.10): no packet for 1.5 × the client's
    // keepalive ends the connection, as mosquitto does.
    asio::steady_timer keepalive_timer;
    std::chrono::milliseconds keepalive{0};  // 0: the client asked for none
    std::chrono::steady_clock::time_point last_packet = std::chrono::steady_clock::now();
    bool keepalive_expired = false;
    bool watchdog_done = true;  // no watchdog running
    std::uint8_t level = 4;
    std::vector<Subscription> subscriptions;
    std::vector<std::pair<std::string, std::string>> retained;  // the client's own retains
    std::string pending;  // output not yet handed to the socket
    bool writing = false;
    bool failed = false;
    bool stop = false;
    bool feed_done = true;  // no feed running
};

// Every write goes through here: a write in progress takes what others queue.
awaitable<bool> send(Session& s, Shared& sh, std::string bytes) {
    if (sh.failed) co_return false;
    if (sh.pending.size() + bytes.size() > kMaxPending) {
        sh.failed = true;  // a client that never reads
        co_return false;
    }
    sh.pending += bytes;
    if (sh.writing) co_return true;
    sh.writing = true;
    while (!sh.pending.empty() && !sh.failed) {
        std::string out;
        out.swap(sh.pending);
        const bool ok = co_await s.write(out);
        if (!ok) sh.failed = true;
    }
    sh.writing = false;
    co_return !sh.failed;
}

const MqttSettings& settings_of(const Session& s) {
    return s.context().settings_as<MqttSettings>();
}

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

// $SYS/broker/*: what mosquitto tells about itself.
std::vector<std::pair<std::string, std::string>> sys_topics(const Session& s) {
    const auto& m = settings_of(s);
    const auto uptime =
        86400 * 11 + static_cast<std::int64_t>(m.seed % 86400) + now_seconds() % 1000000;
    const auto received = 1200000 + (now_seconds() / 2) % 1000000;
    return {{"$SYS/broker/version", "mosquitto version " + m.version},
            {"$SYS/broker/uptime", std::to_string(uptime) + " seconds"},
            {"$SYS/broker/clients/connected", std::to_string(3 + m.seed % 4)},
            {"$SYS/broker/clients/total", std::to_string(5 + m.seed % 4)},
            {"$SYS/broker/messages/received", std::to_string(received)},
            {"$SYS/broker/messages/sent", std::to_string(received * 2 + 311)},
            {"$SYS/broker/subscriptions/count", std::to_string(9 + m.seed % 5)},
            {"$SYS/broker/retained messages/count", std::to_string(m.topics.size() + 8)}};
}

// Every topic the broker holds, with its value now.
std::vector<std::pair<std::string, std::string>> snapshot(const Session& s, const Shared& sh) {
    const auto& m = settings_of(s);
    const auto t = now_seconds();
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& topic : m.topics)
        out.emplace_back(topic.name, sensor_value(topic, m.seed, t, m.interval));
    for (auto& item : sys_topics(s)) out.push_back(std::move(item));
    for (const auto& item : sh.retained) out.push_back(item);
    return out;
}

bool subscribed(const Shared& sh, std::string_view topic) {
    for (const auto& sub : sh.subscriptions)
        if (topic_matches(sub.filter, topic)) return true;
    return false;
}

// The live feed: each interval, the sensors (and $SYS uptime) the client subscribed to.
awaitable<void> live_feed(Session& s, std::shared_ptr<Shared> sh) {
    const auto& m = settings_of(s);
    while (!sh->stop && !sh->failed) {
        sh->timer.expires_after(std::chrono::seconds(m.interval));
        boost::system::error_code ec;
        co_await sh->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (sh->stop) break;
        std::string out;
        const auto t = now_seconds();
        for (const auto& topic : m.topics)
            if (topic.text.empty() && subscribed(*sh, topic.name))
                out += publish(topic.name, sensor_value(topic, m.seed, t, m.interval), false,
                               sh->level);
        for (const auto& [topic, value] : sys_topics(s))
            if ((topic.ends_with("uptime") || topic.ends_with("messages/received")) &&
                subscribed(*sh, topic))
                out += publish(topic, value, false, sh->level);
        if (out.empty()) continue;
        const bool ok = co_await send(s, *sh, std::move(out));
        if (!ok) break;
    }
}

// A packet's body, read in chunks (the session caps a single read).
awaitable<std::optional<std::string>> read_body(Session& s, std::size_t n) {
    std::string body;
    body.reserve(std::min(n, kReadChunk * 4));
    while (body.size() < n) {
        auto chunk = co_await s.read_exact(std::min(kReadChunk, n - body.size()));
        if (!chunk) co_return std::nullopt;
        body += *chunk;
    }
    co_return body;
}

// The fixed header, byte by byte (2..5 bytes); nullopt: peer gone or a length lie.
awaitable<std::optional<FixedHeader>> read_header(Session& s, std::string& error) {
    std::string bytes;
    for (int i = 0; i < 5; ++i) {
        auto b = co_await s.read_exact(1);
        if (!b) co_return std::nullopt;
        bytes += *b;
        FixedHeader header;
        const auto status = parse_fixed_header(bytes, header);
        if (status == HeaderStatus::ok) co_return header;
        if (status == HeaderStatus::malformed) break;
    }
    error = "remaining length longer than four bytes";
    co_return std::nullopt;
}

std::string text_or_hex(std::string_view payload) {
    bool printable = true;
    for (const char c : payload.substr(0, kLogged)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') printable = false;
    }
    if (printable) return std::string(payload.substr(0, kLogged));
    return "hex:" + to_hex(std::span(reinterpret_cast<const std::uint8_t*>(payload.data()),
                                     std::min<std::size_t>(payload.size(), kLogged / 2)));
}

std::string props_json(const Properties& props) {
    Fields fields(props.begin(), props.end());
    return json_map(fields);
}

// The CONNECT exchange; false when the connection must end.
awaitable<bool> on_connect(Session& s, Shared& sh, std::string_view body) {
    std::string error;
    auto c = parse_connect(body, error);
    if (!c) {
        s.emit(s.event("protocol_error", Severity::warning).add("error", error));
        co_return false;
    }
    sh.level = c->level;
    sh.keepalive = std::chrono::milliseconds(c->keepalive * 1500);
    auto event = s.event("connect", Severity::warning)
                     .add("client_id", c->client_id.substr(0, kLogged))
                     .add("protocol", c->protocol)
                     .add("level", static_cast<int>(c->level))
                     .add("keepalive", static_cast<int>(c->keepalive))
                     .add("clean_start", c->clean_start ? "true" : "false");
    if (c->will_topic)
        event.add("will_topic", c->will_topic->substr(0, kLogged))
            .add("will_payload", text_or_hex(*c->will_payload));
    if (!c->properties.empty()) event.add("properties", props_json(c->properties));
    if (c->username || c->password)
        event.credential(c->username.value_or(""), c->password.value_or(""));
    s.emit(std::move(event));

    const bool v5 = c->level == kMqtt5;
    if (c->level < 3 || c->level > 5 || (c->level == 3) != (c->protocol == "MQIsdp")) {
        const std::string reply = connack(false, v5 ? 0x84 : 0x01, v5 ? kMqtt5 : 4);
        co_await send(s, sh, reply);
        co_return false;
    }
    if (!settings_of(s).accept_all) {
        const std::string reply = connack(false, v5 ? 0x87 : 0x05, c->level);
        co_await send(s, sh, reply);
        co_return false;
    }
    std::string assigned;
    if (c->client_id.empty()) {
        if (!v5 && !c->clean_start) {  // 3.1.1 §3.1.3.1: identifier rejected
            co_await send(s, sh, connack(false, 0x02, c->level));
            co_return false;
        }
        if (v5)
            assigned = "auto-" +
                       to_hex(std::span(reinterpret_cast<const std::uint8_t*>(s.peer_ip().data()),
                                        std::min<std::size_t>(s.peer_ip().size(), 8)));
    }
    const std::string reply = connack(false, 0x00, c->level, assigned);
    const bool sent = co_await send(s, sh, reply);
    co_return sent;
}

awaitable<bool> on_subscribe(Session& s, Shared& sh, std::string_view body, bool unsubscribe) {
    std::string error;
    auto sub = parse_subscribe(body, sh.level, unsubscribe, error);
    if (!sub) {
        s.emit(s.event("protocol_error", Severity::warning).add("error", error));
        co_return false;
    }
    std::vector<std::string> filters;
    std::vector<std::uint8_t> codes;
    for (const auto& entry : sub->filters) {
        // Named, not a structured binding: the lambdas below capture it (clang 14, which
        // builds the fuzz targets, cannot capture a structured binding).
        const auto& filter = entry.first;
        const auto qos = entry.second;
        filters.push_back(filter.substr(0, kLogged));
        if (unsubscribe) {
            std::erase_if(sh.subscriptions,
                          [&filter](const Subscription& x) { return x.filter == filter; });
            continue;
        }
        if (!valid_filter(filter) || sh.subscriptions.size() >= kMaxSubscriptions) {
            codes.push_back(sh.level == kMqtt5 ? 0x8F : 0x80);
            continue;
        }
        const auto granted = std::min<std::uint8_t>(qos, 2);
        codes.push_back(granted);
        std::erase_if(sh.subscriptions,
                      [&filter](const Subscription& x) { return x.filter == filter; });
        sh.subscriptions.push_back({filter, granted});
    }
    s.emit(s.event(unsubscribe ? "unsubscribe" : "subscribe")
               .add("topics", json_list(filters))
               .add("packet_id", static_cast<int>(sub->packet_id)));
    if (unsubscribe) {
        const bool sent = co_await send(s, sh, unsuback(sub->packet_id, filters.size(), sh.level));
        co_return sent;
    }
    std::string out = suback(sub->packet_id, codes, sh.level);
    // Retained messages of what was just subscribed to, right after the SUBACK.
    for (const auto& [topic, value] : snapshot(s, sh)) {
        bool matched = false;
        for (std::size_t i = 0; i < sub->filters.size() && !matched; ++i)
            matched = codes[i] < 0x80 && topic_matches(sub->filters[i].first, topic);
        if (matched) out += publish(topic, value, true, sh.level);
    }
    const bool sent = co_await send(s, sh, std::move(out));
    co_return sent;
}

awaitable<bool> on_publish(Session& s, Shared& sh, std::uint8_t flags, std::string_view body,
                           std::deque<std::uint16_t>& inflight, std::size_t& logged) {
    std::string error;
    auto p = parse_publish(flags, body, sh.level, error);
    if (!p) {
        s.emit(s.event("protocol_error", Severity::warning).add("error", error));
        co_return false;
    }
    if (logged++ < kMaxEventsPerKind) {
        auto event = s.event("publish", Severity::warning)
                         .add("topic", p->topic.substr(0, kLogged))
                         .add("qos", static_cast<int>(p->qos))
                         .add("retain", p->retain ? "true" : "false")
                         .add("size", p->payload.size())
                         .add("payload", text_or_hex(p->payload));
        if (!p->properties.empty()) event.add("properties", props_json(p->properties));
        s.emit(std::move(event));
        if (p->payload.size() > kArtifactAbove) {
            auto captured = s.event("file_captured", Severity::warning);
            add_artifact_fields(captured, ArtifactCapture::whole(s.context().artifacts, p->payload),
                                p->topic.substr(0, kLogged), artifact_filename(p->topic));
            s.emit(std::move(captured));
        }
    }
    if (p->retain && sh.retained.size() < kMaxSubscriptions) {
        std::erase_if(sh.retained, [&p](const auto& item) { return item.first == p->topic; });
        if (!p->payload.empty())
            sh.retained.emplace_back(p->topic, p->payload.substr(0, kArtifactAbove));
    }
    std::string out;
    if (p->qos == 1) out += ack(kPuback, p->packet_id);
    if (p->qos == 2) {
        // A flood of unreleased ids: the oldest are forgotten, as a broker's inflight cap.
        if (inflight.size() >= kMaxInflight) inflight.pop_front();
        inflight.push_back(p->packet_id);
        out += ack(kPubrec, p->packet_id);
    }
    // A broker echoes a publish to its own sender's matching subscriptions.
    if (subscribed(sh, p->topic)) out += publish(p->topic, p->payload, false, sh.level);
    if (out.empty()) co_return true;
    const bool sent = co_await send(s, sh, std::move(out));
    co_return sent;
}

// Closes the session once 1.5 × keepalive passes without a packet from the client.
awaitable<void> keepalive_watchdog(Session& s, std::shared_ptr<Shared> sh) {
    while (!sh->stop) {
        const auto due = sh->last_packet + sh->keepalive;
        if (std::chrono::steady_clock::now() >= due) {
            // Said before closing, like every other end of a session: the event is out
            // by the time the client sees the connection go.
            sh->keepalive_expired = true;
            s.emit(s.event("disconnect").add("reason", "keepalive_timeout"));
            s.close();
            co_return;
        }
        sh->keepalive_timer.expires_at(due);
        boost::system::error_code ec;
        co_await sh->keepalive_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

// Stops the live feed and the keepalive watchdog and waits (bounded) until both have let go
// of the session.
awaitable<void> stop_feed(Session& s, std::shared_ptr<Shared> sh) {
    sh->stop = true;
    sh->timer.cancel();
    sh->keepalive_timer.cancel();
    asio::steady_timer wait(s.executor());
    for (int i = 0; i < 400 && !(sh->feed_done && sh->watchdog_done); ++i) {
        if (i == 10) s.close();  // a write stuck on a client that never reads
        wait.expires_after(std::chrono::milliseconds(5));
        boost::system::error_code ec;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

awaitable<void> session_loop(Session& s, std::shared_ptr<Shared> sh) {
    std::deque<std::uint16_t> inflight;
    std::size_t published = 0;
    bool connected = false;
    std::string reason = "closed";
    for (std::size_t n = 0; n < kMaxPackets; ++n) {
        std::string error;
        auto header = co_await read_header(s, error);
        sh->last_packet = std::chrono::steady_clock::now();
        if (!header) {
            if (!error.empty() && !sh->keepalive_expired) {
                s.emit(s.event("protocol_error", Severity::warning).add("error", error));
                reason = "protocol_error";
            }
            break;
        }
        if (header->remaining > kMaxPacket) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error",
                            "packet of " + std::to_string(header->remaining) + " bytes refused"));
            reason = "protocol_error";
            break;
        }
        auto body = co_await read_body(s, header->remaining);
        if (!body) break;
        const auto type = header->type;
        if (!connected && type != kConnect) {
            reason = "not_connected";  // mosquitto drops anything before CONNECT
            break;
        }
        bool ok = true;
        if (type == kConnect) {
            if (connected) {
                s.emit(s.event("protocol_error", Severity::warning).add("error", "second CONNECT"));
                break;
            }
            ok = co_await on_connect(s, *sh, *body);
            connected = ok;
            if (ok && sh->keepalive.count() > 0 && sh->watchdog_done) {
                sh->watchdog_done = false;
                asio::co_spawn(s.executor(), keepalive_watchdog(s, sh),
                               [sh](std::exception_ptr) { sh->watchdog_done = true; });
            }
            if (ok && sh->feed_done) {
                sh->feed_done = false;
                asio::co_spawn(s.executor(), live_feed(s, sh),
                               [sh](std::exception_ptr) { sh->feed_done = true; });
            }
        } else if (type == kSubscribe || type == kUnsubscribe) {
            ok = co_await on_subscribe(s, *sh, *body, type == kUnsubscribe);
        } else if (type == kPublish) {
            ok = co_await on_publish(s, *sh, header->flags, *body, inflight, published);
        } else if (type == kPubrel) {
            const auto id = parse_packet_id(*body);
            ok = id.has_value();
            if (ok) {
                std::erase(inflight, *id);
                ok = co_await send(s, *sh, ack(kPubcomp, *id));
            }
        } else if (type == kPuback || type == kPubrec || type == kPubcomp) {
            // Acks of nothing we sent at QoS > 0: ignored, as mosquitto does.
        } else if (type == kPingreq) {
            ok = co_await send(s, *sh, pingresp());
        } else if (type == kDisconnect) {
            reason = "disconnect";
            break;
        } else {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "unexpected packet type " + std::to_string(type)));
            ok = false;
        }
        if (!ok) {
            reason = sh->failed ? "write_failed" : "protocol_error";
            break;
        }
    }
    if (connected && !sh->keepalive_expired) s.emit(s.event("disconnect").add("reason", reason));
}

awaitable<void> serve_mqtt(Session& s) {
    auto sh = std::make_shared<Shared>(s.executor());
    std::exception_ptr failure;
    try {
        co_await session_loop(s, sh);
    } catch (...) {
        failure = std::current_exception();
    }
    co_await stop_feed(s, sh);
    if (failure) std::rethrow_exception(failure);
}

// Subscribers sit idle between keepalive pings (60 s by default) and stay for hours; the
// client's own keepalive (× 1.5) is enforced by the watchdog above, as mosquitto does.
SessionLimits mqtt_limits(SessionLimits runtime) {
    runtime.idle_timeout = std::max(runtime.idle_timeout, std::chrono::seconds(200));
    runtime.max_session_time = std::max(runtime.max_session_time, std::chrono::seconds(3600));
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect",
     "src_ip src_port client_id protocol level keepalive clean_start will_topic? will_payload? "
     "properties? username? password?",
     "a CONNECT: client id, protocol level, will, MQTT 5 properties and the credential"},
    {"subscribe", "src_ip src_port topics packet_id", "topic filters subscribed to"},
    {"unsubscribe", "src_ip src_port topics packet_id", "topic filters dropped"},
    {"publish", "src_ip src_port topic qos retain size payload properties?",
     "a message the client published (payload text, or hex: when binary)"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "a published payload over 1 KiB, kept in the artifact store"},
    {"protocol_error", "src_ip src_port error",
     "a malformed packet, a length lie or a packet before CONNECT; the connection ends"},
    {"disconnect", "src_ip src_port reason", "a connected client left"},
};

}  // namespace

const ServiceModule& mqtt_module() {
    static const ServiceModule module{.slug = "mqtt",
                                      .configure = &configure_mqtt,
                                      .serve = &serve_mqtt,
                                      .events = kEvents,
                                      .session_limits = &mqtt_limits};
    return module;
}

}  // namespace decnet::honeypot
