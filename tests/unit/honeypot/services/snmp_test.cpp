// The snmp agent's exchanges, datagram by datagram: Get/GetNext/GetBulk answers from the
// system group with the decky's hostname and the persona's archetype, v1 and v2c error
// conventions, Set refused, the community captured on every request, and malformed
// datagrams logged without a reply. Requests are built and answers decoded here, by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/snmp/snmp_codec.hpp"
#include "support/dialogue.hpp"
#include "wire/ber.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::DatagramDialogue;
using decnet::testing::event_types;
using decnet::testing::field;

// ---- Building requests ------------------------------------------------------------------

std::string tlv(unsigned char tag, const std::string& contents) {
    std::string out(1, static_cast<char>(tag));
    if (contents.size() < 0x80) {
        out += static_cast<char>(contents.size());
    } else {
        out += "\x82"s;
        out += static_cast<char>(contents.size() >> 8);
        out += static_cast<char>(contents.size() & 0xff);
    }
    return out + contents;
}

std::string integer(std::int64_t v) {
    std::string bytes;
    do {
        bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
        v >>= 8;
    } while (v != 0 && v != -1);
    if (v == 0 && (bytes[0] & 0x80)) bytes.insert(bytes.begin(), '\0');
    return tlv(0x02, bytes);
}

std::string oid(const std::string& dotted) {
    std::vector<std::uint32_t> arcs;
    std::size_t at = 0;
    while (at <= dotted.size()) {
        const auto dot = std::min(dotted.find('.', at), dotted.size());
        arcs.push_back(static_cast<std::uint32_t>(std::stoul(dotted.substr(at, dot - at))));
        at = dot + 1;
    }
    std::string out(1, static_cast<char>(arcs[0] * 40 + arcs[1]));
    for (std::size_t i = 2; i < arcs.size(); ++i) {
        std::string arc(1, static_cast<char>(arcs[i] & 0x7f));
        for (auto v = arcs[i] >> 7; v; v >>= 7)
            arc.insert(arc.begin(), static_cast<char>(0x80 | (v & 0x7f)));
        out += arc;
    }
    return tlv(0x06, out);
}

constexpr unsigned char kGet = 0xa0, kGetNext = 0xa1, kSet = 0xa3, kGetBulk = 0xa5;

// A request; for GetBulk, `a` and `b` are non-repeaters and max-repetitions.
std::string request(int version, unsigned char pdu, const std::vector<std::string>& oids,
                    const std::string& community = "public", std::int64_t request_id = 0x1234,
                    std::int64_t a = 0, std::int64_t b = 0) {
    std::string varbinds;
    for (const auto& o : oids) varbinds += tlv(0x30, oid(o) + "\x05\x00"s);
    const auto body = integer(request_id) + integer(a) + integer(b) + tlv(0x30, varbinds);
    return tlv(0x30, integer(version) + tlv(0x04, community) + tlv(pdu, body));
}

// ---- Reading answers --------------------------------------------------------------------

struct Tlv {
    unsigned char tag = 0;
    std::string contents;
};

// The TLV at `at` (advanced past it); a failed expectation and tag 0 when malformed.
Tlv next_tlv(const std::string& d, std::size_t& at) {
    if (at + 2 > d.size()) {
        ADD_FAILURE() << "truncated answer";
        return {};
    }
    Tlv t{static_cast<unsigned char>(d[at]), {}};
    std::size_t length = static_cast<unsigned char>(d[at + 1]);
    at += 2;
    if (length & 0x80) {
        const std::size_t octets = length & 0x7f;
        length = 0;
        for (std::size_t i = 0; i < octets && at < d.size(); ++i)
            length = (length << 8) | static_cast<unsigned char>(d[at++]);
    }
    if (at + length > d.size()) {
        ADD_FAILURE() << "answer length beyond its datagram";
        return {};
    }
    t.contents = d.substr(at, length);
    at += length;
    return t;
}

std::int64_t integer_of(const std::string& c) {
    std::int64_t v = !c.empty() && (c[0] & 0x80) ? -1 : 0;
    for (const char ch : c)
        v = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << 8) |
            static_cast<unsigned char>(ch);
    return v;
}

std::string oid_of(const std::string& c) {
    if (c.empty()) return "";
    const auto first = static_cast<unsigned char>(c[0]);
    std::string out = std::to_string(first / 40) + "." + std::to_string(first % 40);
    std::uint64_t arc = 0;
    for (std::size_t i = 1; i < c.size(); ++i) {
        const auto b = static_cast<unsigned char>(c[i]);
        arc = (arc << 7) | (b & 0x7f);
        if (!(b & 0x80)) {
            out += "." + std::to_string(arc);
            arc = 0;
        }
    }
    return out;
}

struct Answer {
    std::int64_t version = -1;
    std::string community;
    unsigned char pdu = 0;
    std::int64_t request_id = 0, error_status = -1, error_index = -1;
    std::vector<std::pair<std::string, Tlv>> varbinds;  // OID → value
};

Answer decode(const std::string& datagram) {
    Answer a;
    std::size_t at = 0;
    const auto message = next_tlv(datagram, at);
    EXPECT_EQ(message.tag, 0x30);
    EXPECT_EQ(at, datagram.size()) << "trailing bytes";
    std::size_t m = 0;
    a.version = integer_of(next_tlv(message.contents, m).contents);
    a.community = next_tlv(message.contents, m).contents;
    const auto pdu = next_tlv(message.contents, m);
    a.pdu = pdu.tag;
    std::size_t p = 0;
    a.request_id = integer_of(next_tlv(pdu.contents, p).contents);
    a.error_status = integer_of(next_tlv(pdu.contents, p).contents);
    a.error_index = integer_of(next_tlv(pdu.contents, p).contents);
    const auto list = next_tlv(pdu.contents, p).contents;
    for (std::size_t l = 0; l < list.size();) {
        const auto vb = next_tlv(list, l);
        if (vb.tag != 0x30) break;
        std::size_t v = 0;
        const auto name = next_tlv(vb.contents, v);
        a.varbinds.emplace_back(oid_of(name.contents), next_tlv(vb.contents, v));
    }
    return a;
}

const std::string kSysDescr = "1.3.6.1.2.1.1.1.0";
const std::string kSysObjectId = "1.3.6.1.2.1.1.2.0";
const std::string kSysUpTime = "1.3.6.1.2.1.1.3.0";
const std::string kSysContact = "1.3.6.1.2.1.1.4.0";
const std::string kSysName = "1.3.6.1.2.1.1.5.0";
const std::string kSysLocation = "1.3.6.1.2.1.1.6.0";
const std::string kSysServices = "1.3.6.1.2.1.1.7.0";
const std::string kSysOrLastChange = "1.3.6.1.2.1.1.8.0";
const std::string kIfNumber = "1.3.6.1.2.1.2.1.0";

DatagramDialogue snmp(PersonaConfig persona = {}) {
    return DatagramDialogue("snmp", std::move(persona), 161);
}

// One datagram that must get exactly one answer.
Answer ask(DatagramDialogue& agent, const std::string& datagram) {
    const auto r = agent.exchange(datagram);
    EXPECT_EQ(r.replies.size(), 1u);
    return r.replies.empty() ? Answer{} : decode(r.replies[0]);
}

TEST(SnmpDialogue, GetAnswersTheSystemGroupAndCapturesTheCommunity) {
    auto agent = snmp();
    const auto r =
        agent.exchange(request(1, kGet, {kSysName, kSysDescr, kSysServices}, "s3cr3t", 0x7eadbeef));
    ASSERT_EQ(r.replies.size(), 1u);
    const auto a = decode(r.replies[0]);
    EXPECT_EQ(a.version, 1);
    EXPECT_EQ(a.community, "s3cr3t");
    EXPECT_EQ(a.pdu, 0xa2);
    EXPECT_EQ(a.request_id, 0x7eadbeef);
    EXPECT_EQ(a.error_status, 0);
    EXPECT_EQ(a.error_index, 0);
    ASSERT_EQ(a.varbinds.size(), 3u);
    EXPECT_EQ(a.varbinds[0].first, kSysName);
    EXPECT_EQ(a.varbinds[0].second.tag, 0x04);
    EXPECT_EQ(a.varbinds[0].second.contents, "web-prod-03");  // the hostname, not the decky
    EXPECT_EQ(a.varbinds[1].first, kSysDescr);
    EXPECT_TRUE(a.varbinds[1].second.contents.starts_with("Linux web-prod-03 "))
        << a.varbinds[1].second.contents;
    EXPECT_EQ(a.varbinds[2].second.tag, 0x02);
    EXPECT_EQ(integer_of(a.varbinds[2].second.contents), 72);

    ASSERT_EQ(event_types(r.events), std::vector<std::string>{"get_request"});
    const auto& e = r.events[0];
    EXPECT_EQ(e.service, "snmp");
    EXPECT_EQ(e.severity, Severity::info);
    EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(e, "src_port"), "40000");
    EXPECT_EQ(field(e, "version"), "1");
    EXPECT_EQ(field(e, "community"), "s3cr3t");
    EXPECT_EQ(field(e, "pdu"), "get");
    EXPECT_EQ(field(e, "oids"), R"(["1.3.6.1.2.1.1.5.0","1.3.6.1.2.1.1.1.0","1.3.6.1.2.1.1.7.0"])");
}

TEST(SnmpDialogue, ValuesCarryTheirTypesAndUptimeAdvances) {
    auto agent = snmp();
    const auto first = ask(agent, request(1, kGet, {kSysObjectId, kSysUpTime}));
    ASSERT_EQ(first.varbinds.size(), 2u);
    EXPECT_EQ(first.varbinds[0].second.tag, 0x06);
    EXPECT_EQ(oid_of(first.varbinds[0].second.contents), "1.3.6.1.4.1.8072.3.2.10");
    EXPECT_EQ(first.varbinds[1].second.tag, 0x43);  // TimeTicks
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const auto second = ask(agent, request(1, kGet, {kSysUpTime}));
    ASSERT_EQ(second.varbinds.size(), 1u);
    EXPECT_GT(integer_of(second.varbinds[0].second.contents),
              integer_of(first.varbinds[1].second.contents));
}

TEST(SnmpDialogue, TheArchetypePersonaChangesTheDevice) {
    auto agent = snmp({{"archetype", "water_plant"}});
    const auto a = ask(agent, request(1, kGet, {kSysDescr, kSysContact, kSysLocation}));
    ASSERT_EQ(a.varbinds.size(), 3u);
    EXPECT_TRUE(a.varbinds[0].second.contents.starts_with("Linux web-prod-03 4.19.0-18-amd64"))
        << a.varbinds[0].second.contents;
    EXPECT_EQ(a.varbinds[1].second.contents, "ICS Admin <ics-admin@plant.local>");
    EXPECT_EQ(a.varbinds[2].second.contents, "Water Treatment Facility \xe2\x80\x94 Pump Room B");

    auto standard = snmp();  // the default device
    const auto b = ask(standard, request(1, kGet, {kSysContact}));
    ASSERT_EQ(b.varbinds.size(), 1u);
    EXPECT_EQ(b.varbinds[0].second.contents, "admin@localhost");
    // An unknown archetype is refused when the decky is deployed, not served as the default.
    EXPECT_THROW(snmp({{"archetype", "no-such-archetype"}}), ConfigError);
}

TEST(SnmpDialogue, GetNextWalksTheSystemGroupInOrderAndLeavesIt) {
    auto agent = snmp();
    std::vector<std::string> walked;
    std::string cursor = "1.3.6.1.2.1.1";
    for (int i = 0; i < 12; ++i) {
        const auto a = ask(agent, request(1, kGetNext, {cursor}));
        ASSERT_EQ(a.varbinds.size(), 1u);
        if (a.varbinds[0].second.tag == 0x82) break;  // endOfMibView
        cursor = a.varbinds[0].first;
        walked.push_back(cursor);
        if (!cursor.starts_with("1.3.6.1.2.1.1.")) break;  // snmpwalk stops here
    }
    EXPECT_EQ(walked,
              (std::vector<std::string>{kSysDescr, kSysObjectId, kSysUpTime, kSysContact, kSysName,
                                        kSysLocation, kSysServices, kSysOrLastChange, kIfNumber}));
    const auto end = ask(agent, request(1, kGetNext, {kIfNumber}));
    ASSERT_EQ(end.varbinds.size(), 1u);
    EXPECT_EQ(end.varbinds[0].first, kIfNumber);
    EXPECT_EQ(end.varbinds[0].second.tag, 0x82);
    EXPECT_EQ(field(agent.events().back(), "pdu"), "getnext");
}

TEST(SnmpDialogue, MissingObjectsFollowV1AndV2cConventions) {
    auto agent = snmp();
    const std::string missing = "1.3.6.1.4.1.9.9.999.0";
    const auto v2c = ask(agent, request(1, kGet, {kSysName, missing}));
    EXPECT_EQ(v2c.error_status, 0);
    ASSERT_EQ(v2c.varbinds.size(), 2u);
    EXPECT_EQ(v2c.varbinds[1].first, missing);
    EXPECT_EQ(v2c.varbinds[1].second.tag, 0x80);  // noSuchObject
    EXPECT_EQ(v2c.varbinds[1].second.contents, "");

    const auto v1 = ask(agent, request(0, kGet, {kSysName, missing}));
    EXPECT_EQ(v1.version, 0);
    EXPECT_EQ(v1.error_status, 2);  // noSuchName
    EXPECT_EQ(v1.error_index, 2);
    ASSERT_EQ(v1.varbinds.size(), 2u);
    EXPECT_EQ(v1.varbinds[0].first, kSysName);
    EXPECT_EQ(v1.varbinds[1].first, missing);
}

TEST(SnmpDialogue, GetBulkRepeatsUpToItsBound) {
    auto agent = snmp();
    const auto a = ask(agent, request(1, kGetBulk, {kSysUpTime, "1.3.6.1.2.1.1"}, "public", 7,
                                      /*non_repeaters=*/1, /*max_repetitions=*/3));
    EXPECT_EQ(a.error_status, 0);
    ASSERT_EQ(a.varbinds.size(), 4u);
    EXPECT_EQ(a.varbinds[0].first, kSysContact);  // the non-repeater's next
    EXPECT_EQ(a.varbinds[1].first, kSysDescr);
    EXPECT_EQ(a.varbinds[2].first, kSysObjectId);
    EXPECT_EQ(a.varbinds[3].first, kSysUpTime);
    EXPECT_EQ(field(agent.events().back(), "pdu"), "getbulk");

    // A huge max-repetitions is capped, and the answer stays within 8× the request.
    const auto big_request = request(1, kGetBulk, {"1.3"}, "public", 8, 0, 100000);
    const auto r = agent.exchange(big_request);
    ASSERT_EQ(r.replies.size(), 1u);
    EXPECT_LE(r.replies[0].size(), 8 * big_request.size());
    const auto big = decode(r.replies[0]);
    EXPECT_GE(big.varbinds.size(), 1u);
    EXPECT_LE(big.varbinds.size(), 8u);
}

TEST(SnmpDialogue, SetIsRefusedAsOnAReadOnlyCommunity) {
    auto agent = snmp();
    auto r = agent.exchange(request(1, kSet, {kSysContact}, "private"));
    ASSERT_EQ(r.replies.size(), 1u);
    const auto v2c = decode(r.replies[0]);
    EXPECT_EQ(v2c.error_status, 6);  // noAccess
    EXPECT_EQ(v2c.error_index, 1);
    ASSERT_EQ(event_types(r.events), std::vector<std::string>{"set_request"});
    EXPECT_EQ(r.events[0].severity, Severity::warning);
    EXPECT_EQ(field(r.events[0], "community"), "private");
    EXPECT_EQ(field(r.events[0], "pdu"), "set");

    const auto v1 = ask(agent, request(0, kSet, {kSysContact}, "private"));
    EXPECT_EQ(v1.error_status, 2);  // noSuchName
    EXPECT_EQ(v1.error_index, 1);
}

// A datagram the agent cannot parse: a parse_error event with the reason, no reply.
void expect_parse_error(const std::string& datagram, const std::string& error) {
    SCOPED_TRACE(decnet::testing::Client::printable(datagram));
    auto agent = snmp();
    const auto r = agent.exchange(datagram);
    EXPECT_TRUE(r.replies.empty());
    ASSERT_EQ(event_types(r.events), std::vector<std::string>{"parse_error"});
    EXPECT_EQ(field(r.events[0], "error"), error);
    EXPECT_EQ(field(r.events[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(r.events[0].severity, Severity::warning);
    EXPECT_EQ(field(r.events[0], "data"),
              to_hex({reinterpret_cast<const std::uint8_t*>(datagram.data()),
                      std::min<std::size_t>(datagram.size(), 64)}));
}

// An SNMPv3 message as net-snmp's tools send it: `engine` "" for discovery.
std::string v3_get(const std::string& engine, const std::string& user, unsigned char flags) {
    using wire::ber::integer_contents;
    using wire::ber::tlv;
    const std::string global =
        tlv(0x02, integer_contents(0x1234)) + tlv(0x02, integer_contents(65507)) +
        tlv(0x04, std::string(1, static_cast<char>(flags))) + tlv(0x02, integer_contents(3));
    const std::string usm = tlv(0x30, tlv(0x04, engine) + tlv(0x02, integer_contents(0)) +
                                          tlv(0x02, integer_contents(0)) + tlv(0x04, user) +
                                          tlv(0x04, {}) + tlv(0x04, {}));
    const std::string pdu =
        tlv(0xa0, tlv(0x02, integer_contents(77)) + tlv(0x02, integer_contents(0)) +
                      tlv(0x02, integer_contents(0)) + tlv(0x30, {}));
    return tlv(0x30, tlv(0x02, integer_contents(3)) + tlv(0x30, global) + tlv(0x04, usm) +
                         tlv(0x30, tlv(0x04, engine) + tlv(0x04, {}) + pdu));
}

// snmpd without v3 users: discovery learns the engine (usmStatsUnknownEngineIDs), a request
// to it is refused for its user (usmStatsUnknownUserNames), each counter counting on.
TEST(SnmpDialogue, SnmpV3IsAnsweredWithNetSnmpsUsmReports) {
    const std::string unknown_engine_ids = "\x06\x0a\x2b\x06\x01\x06\x03\x0f\x01\x01\x04\x00"s;
    const std::string unknown_users = "\x06\x0a\x2b\x06\x01\x06\x03\x0f\x01\x01\x03\x00"s;
    auto agent = snmp();
    const auto first = agent.exchange(v3_get("", "", 0x04));
    ASSERT_EQ(first.replies.size(), 1u);
    const auto report = snmp::parse_v3(first.replies[0]);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->pdu, 0xa8);
    EXPECT_EQ(report->request_id, 77);
    EXPECT_TRUE(report->engine_id.starts_with("\x80\x00\x1f\x88\x80"s));  // net-snmp, random
    EXPECT_EQ(report->engine_id.size(), 17u);
    EXPECT_NE(first.replies[0].find(unknown_engine_ids + "\x41\x01\x01"s), std::string::npos);
    EXPECT_EQ(field(first.events.at(0), "answer"), "unknown_engine_id");
    const auto again = agent.exchange(v3_get("", "", 0x04));
    ASSERT_EQ(again.replies.size(), 1u);
    EXPECT_NE(again.replies[0].find(unknown_engine_ids + "\x41\x01\x02"s), std::string::npos);

    const auto login = agent.exchange(v3_get(report->engine_id, "admin", 0x04));
    ASSERT_EQ(login.replies.size(), 1u);
    EXPECT_NE(login.replies[0].find(unknown_users + "\x41\x01\x01"s), std::string::npos);
    EXPECT_EQ(snmp::parse_v3(login.replies[0])->user, "admin");
    ASSERT_EQ(event_types(login.events), std::vector<std::string>{"v3_request"});
    EXPECT_EQ(field(login.events[0], "user"), "admin");
    EXPECT_EQ(field(login.events[0], "answer"), "unknown_user_name");

    EXPECT_TRUE(agent.exchange(v3_get("", "", 0x00)).replies.empty());  // not reportable
    // An embedded controller's agent is no snmpd: v3 is not its protocol.
    auto plc = snmp({{"archetype", "factory"}});
    const auto silent = plc.exchange(v3_get("", "", 0x04));
    EXPECT_TRUE(silent.replies.empty());
    EXPECT_EQ(event_types(silent.events), std::vector<std::string>{"parse_error"});
}

TEST(SnmpDialogue, MalformedDatagramsAreLoggedWithoutAReply) {
    const auto good = request(1, kGet, {kSysName});
    expect_parse_error("", "expected SEQUENCE");
    expect_parse_error("GET / HTTP/1.0\r\n\r\n", "expected SEQUENCE");
    expect_parse_error(good.substr(0, good.size() - 3), "length beyond data");
    expect_parse_error(good + "\x00"s, "trailing bytes");
    expect_parse_error(request(3, kGet, {kSysName}), "unsupported version 3");
    expect_parse_error(request(0, kGetBulk, {kSysName}), "Invalid PDU type 165");
    expect_parse_error(request(1, kGet, {kSysName}, std::string(300, 'c')), "community too long");
    std::vector<std::string> many(33, kSysName);
    expect_parse_error(request(1, kGet, many), "too many varbinds");
    expect_parse_error("\x30\x80\x02\x01\x01\x00\x00"s, "indefinite length");
    expect_parse_error(std::string(200, '\xff'), "expected SEQUENCE");
}

}  // namespace
}  // namespace decnet::honeypot
