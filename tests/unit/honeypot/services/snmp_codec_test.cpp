// The SNMP BER parser's bounds and the encoder's output, on hand-built messages.
#include "honeypot/services/snmp/snmp_codec.hpp"

#include <gtest/gtest.h>

namespace decnet::honeypot::snmp {
namespace {

using namespace std::string_literals;

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

std::string varbind(const std::string& oid_contents) {
    return tlv(0x30, tlv(0x06, oid_contents) + "\x05\x00"s);
}

std::string message(long version, unsigned char pdu, const std::string& varbinds,
                    const std::string& community = "public") {
    const std::string body =
        "\x02\x04\x12\x34\x56\x78"s + "\x02\x01\x00\x02\x01\x00"s + tlv(0x30, varbinds);
    return tlv(0x30, tlv(0x02, std::string(1, static_cast<char>(version))) + tlv(0x04, community) +
                         tlv(pdu, body));
}

const std::string kSysDescr = "\x2b\x06\x01\x02\x01\x01\x01\x00"s;

TEST(SnmpBer, ParsesAGetRequest) {
    const auto r = parse_request(message(1, 0xa0, varbind(kSysDescr), "s3cret"));
    ASSERT_TRUE(r.request) << r.error;
    EXPECT_EQ(r.request->version, 1);
    EXPECT_EQ(r.request->community, "s3cret");
    EXPECT_EQ(r.request->pdu, PduType::get);
    EXPECT_EQ(r.request->request_id, 0x12345678);
    ASSERT_EQ(r.request->oids.size(), 1u);
    EXPECT_EQ(oid_to_string(r.request->oids[0]), "1.3.6.1.2.1.1.1.0");
}

TEST(SnmpBer, RejectsWhatIsOutOfBounds) {
    const auto error = [](const std::string& m) { return parse_request(m).error; };
    EXPECT_EQ(error(message(3, 0xa0, varbind(kSysDescr))), "unsupported version 3");
    EXPECT_EQ(error(message(1, 0xa4, varbind(kSysDescr))), "Invalid PDU type 164");
    EXPECT_EQ(error(message(0, 0xa5, varbind(kSysDescr))), "Invalid PDU type 165");  // v1 bulk
    std::string many;
    for (int i = 0; i < 33; ++i) many += varbind(kSysDescr);
    EXPECT_EQ(error(message(1, 0xa0, many)), "too many varbinds");
    EXPECT_EQ(error(message(1, 0xa0, varbind("\x2b" + std::string(64, '\x01')))),
              "OID has too many arcs");
    EXPECT_EQ(error(message(1, 0xa0, varbind("\x2b\x90\x80\x80\x80\x00"s))), "OID arc too large");
    EXPECT_EQ(error(message(1, 0xa0, varbind("\x2b\x86"s))), "truncated OID");
    EXPECT_EQ(error(message(1, 0xa0, varbind(kSysDescr), std::string(256, 'c'))),
              "community too long");
    EXPECT_EQ(error("\x30\x80\x02\x01\x01\x00\x00"s), "indefinite length");
    EXPECT_EQ(error("\x30\x85\x00\x00\x00\x00\x01\x00"s), "length too long");
    EXPECT_EQ(error("\x30\x84\x7f\xff\xff\xff\x02"s), "length beyond data");
    EXPECT_EQ(error("\x30"s), "truncated");
    EXPECT_EQ(error(message(1, 0xa0, varbind(kSysDescr)) + "x"), "trailing bytes");
    EXPECT_EQ(error("GET / HTTP/1.0\r\n\r\n"), "expected SEQUENCE");
}

TEST(SnmpBer, EncodesTypedValues) {
    Request req;
    req.version = 1;
    req.community = "public";
    req.request_id = 300;
    const std::vector<Varbind> vbs = {
        {{1, 3, 6, 1, 2, 1, 1, 3, 0}, {Value::Kind::timeticks, {}, 200, {}}},
        {{1, 3, 6, 1, 2, 1, 1, 2, 0}, {Value::Kind::oid, {}, 0, {1, 3, 6, 1, 4, 1, 8072}}},
        {{1, 3, 6, 1, 2, 1, 1, 9, 0}, {Value::Kind::end_of_mib_view, {}, 0, {}}},
    };
    const auto out = encode_response(req, 0, 0, vbs);
    const std::string expected =
        tlv(0x30,
            "\x02\x01\x01"s + tlv(0x04, "public") +
                tlv(0xa2, "\x02\x02\x01\x2c\x02\x01\x00\x02\x01\x00"s +
                              tlv(0x30, tlv(0x30, "\x06\x08\x2b\x06\x01\x02\x01\x01\x03\x00"s +
                                                      "\x43\x02\x00\xc8"s) +
                                            tlv(0x30, "\x06\x08\x2b\x06\x01\x02\x01\x01\x02\x00"s +
                                                          "\x06\x07\x2b\x06\x01\x04\x01\xbf\x08"s) +
                                            tlv(0x30, "\x06\x08\x2b\x06\x01\x02\x01\x01\x09\x00"s +
                                                          "\x82\x00"s))));
    EXPECT_EQ(out, expected);
}

std::string bytes(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    return out;
}

// SNMPv3 against a net-snmp snmpd without v3 users (Debian 12's, captured on loopback): the
// requests are nmap's SNMPv3GetRequest probe and snmpget -v3 -l authNoPriv -u bob; the
// reports are snmpd's answers, which the encoder must give byte for byte.
TEST(SnmpV3, ParsesDiscoveryAndUserRequestsAndReportsAsNetSnmpDoes) {
    const std::string engine = bytes("80001f8880b6b83b71766e146b00000000");
    const auto probe = parse_v3(
        bytes("303a020103300f02024a69020300ffe30401040201030410300e0400020100020100040004000400"
              "301204000400a00c020237f0020100020100300"
              "0"));
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->msg_id, 0x4a69);
    EXPECT_EQ(probe->flags, 0x04);
    EXPECT_EQ(probe->engine_id, "");
    EXPECT_EQ(probe->request_id, 0x37f0);
    EXPECT_EQ(encode_v3_report(*probe, engine, 1, 50, UsmReport::unknown_engine_id, 3),
              bytes("306d020103300f02024a69020300ffe30401000201030421301f041180001f8880b6b83b71"
                    "766e146b000000000201010201320400040004003034041180001f8880b6b83b71766e146b"
                    "000000000400a81d020237f00201000201003011300f060a2b060106030f01010400410103"));

    const auto user = parse_v3(
        bytes("307d0201033011020477f8dc4d020300ffe30401050201030430302e041180001f8880b6b83b71766e"
              "146b0000000002010102013b0403626f62040c5fe159e355a9fc3798ae964b04003033041180001f88"
              "80b6b83b71766e146b000000000400a01c02043c20092a020100020100300e300c06082b060102010101"
              "000500"));
    ASSERT_TRUE(user);
    EXPECT_EQ(user->flags, 0x05);  // auth, reportable
    EXPECT_EQ(user->engine_id, engine);
    EXPECT_EQ(user->user, "bob");
    EXPECT_EQ(encode_v3_report(*user, engine, 1, 59, UsmReport::unknown_user_name, 3),
              bytes("30740201033011020477f8dc4d020300ffe304010002010304243022041180001f8880b6b8"
                    "3b71766e146b0000000002010102013b0403626f62040004003036041180001f8880b6b83b"
                    "71766e146b000000000400a81f02043c20092a0201000201003011300f060a2b060106030f"
                    "01010300410103"));

    EXPECT_FALSE(parse_v3(message(1, 0xa0, varbind(kSysDescr))));  // v2c is not v3
    EXPECT_FALSE(parse_v3(bytes("3003020103")));                   // no header
    EXPECT_FALSE(parse_v3(""));
}

}  // namespace
}  // namespace decnet::honeypot::snmp
