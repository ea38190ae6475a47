// The conpot PLC: its device model is deterministic per decky and drifts with time; Modbus
// answers reads, writes (shown in later reads), device identification and the exceptions a
// controller returns; S7comm confirms COTP, sets up, and answers the SZL reads nmap's s7-info
// sends with the persona's identity at the offsets it reads; BACnet answers Who-Is and
// ReadProperty of the device object; bad frames are bounded. Frames are built by hand.
#include <gtest/gtest.h>

#include <string>

#include "honeypot/services/conpot/bacnet_protocol.hpp"
#include "honeypot/services/conpot/modbus_protocol.hpp"
#include "honeypot/services/conpot/s7_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
constexpr std::int64_t kNow = 1'700'000'000'000;

PlcPersona persona(std::string model, std::string serial = "", std::string plant = "") {
    PlcPersona p;
    p.model = std::move(model);
    p.serial = std::move(serial);
    p.plant = std::move(plant);
    return p;
}

std::shared_ptr<const PlcDevice> s7_1200() {
    return make_plc_device("decky-01", "plc-01",
                           persona("s7-1200", "S C-H4U212345678", "Pump Station North"));
}

std::string unhex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    return out;
}

// The NUL-terminated text at 1-based `offset` (how nmap's scripts read fields).
std::string z_at(const std::string& frame, std::size_t offset) {
    if (offset - 1 >= frame.size()) return "<beyond>";
    return std::string(frame.c_str() + offset - 1);
}

TEST(PlcDevice, SameDeckySamePlcAndTagsDrift) {
    const auto a = make_plc_device("decky-01", "plc-01", {});
    const auto b = make_plc_device("decky-01", "plc-01", {});
    EXPECT_EQ(a->model, b->model);
    EXPECT_EQ(a->serial, b->serial);
    EXPECT_EQ(a->plant, b->plant);
    EXPECT_EQ(a->register_at(PlcTable::holding_register, 0, kNow),
              b->register_at(PlcTable::holding_register, 0, kNow));
    bool drifted = false;
    for (int minute = 1; minute < 30 && !drifted; ++minute)
        drifted = a->register_at(PlcTable::holding_register, 0, kNow) !=
                  a->register_at(PlcTable::holding_register, 0, kNow + minute * 60'000);
    EXPECT_TRUE(drifted);
    const auto d = s7_1200();
    EXPECT_EQ(d->vendor, "Siemens");
    EXPECT_EQ(d->serial, "S C-H4U212345678");
    EXPECT_EQ(d->plant, "Pump Station North");
    EXPECT_EQ(d->firmware.text(), "V4.2.3");
    const auto m340 = make_plc_device("decky-01", "plc-01", persona("m340"));
    EXPECT_EQ(m340->vendor, "Schneider Electric");
    EXPECT_FALSE(m340->speaks_s7);
}

TEST(ConpotModbus, ReadsWritesAndExceptions) {
    const auto d = s7_1200();
    modbus::Writes writes;
    // Read 10 holding registers at 0.
    auto o = modbus::answer(*d, writes, 1, unhex("030000000a"), kNow);
    ASSERT_EQ(o.pdu.size(), 2u + 20u);
    EXPECT_EQ(o.pdu[0], 3);
    EXPECT_EQ(o.pdu[1], 20);
    EXPECT_EQ(o.name, "read_holding_registers");
    // Write register 5 = 0x1234; the next read shows it.
    o = modbus::answer(*d, writes, 1, unhex("0600051234"), kNow);
    EXPECT_TRUE(o.write);
    EXPECT_EQ(o.pdu, unhex("0600051234"));
    o = modbus::answer(*d, writes, 1, unhex("0300050001"), kNow);
    EXPECT_EQ(o.pdu, unhex("03021234"));
    // Coils: write multiple then read back.
    modbus::answer(*d, writes, 1, unhex("0f0010000a020103"), kNow);
    o = modbus::answer(*d, writes, 1, unhex("010010000a"), kNow);
    EXPECT_EQ(o.pdu, unhex("01020103"));
    // 23: write then read in one.
    o = modbus::answer(*d, writes, 1, unhex("17003000010030000102beef"), kNow);
    EXPECT_EQ(o.pdu, unhex("1702beef"));
    // Exceptions: address beyond the table, count 0, unknown function, unit of nobody.
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("0300c80001"), kNow).pdu, unhex("8302"));
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("0300000000"), kNow).pdu, unhex("8303"));
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("0500010001"), kNow).pdu, unhex("8503"));
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("08000000"), kNow).pdu, unhex("8801"));
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("03"), kNow).pdu, unhex("8303"));
    EXPECT_EQ(modbus::answer(*d, writes, 7, unhex("0300000001"), kNow).pdu, unhex("830b"));
}

TEST(ConpotModbus, DeviceIdentificationAndHeaders) {
    const auto d = s7_1200();
    modbus::Writes writes;
    const auto o = modbus::answer(*d, writes, 1, unhex("2b0e0100"), kNow);
    ASSERT_GE(o.pdu.size(), 7u);
    EXPECT_EQ(o.pdu[6], 3);  // three basic objects
    EXPECT_NE(o.pdu.find("Siemens"), std::string::npos);
    EXPECT_NE(o.pdu.find("6ES7 214-1AG40-0XB0"), std::string::npos);
    EXPECT_NE(o.pdu.find("V4.2.3"), std::string::npos);
    const auto regular = modbus::answer(*d, writes, 1, unhex("2b0e0200"), kNow);
    EXPECT_EQ(regular.pdu[6], 7);
    EXPECT_NE(regular.pdu.find("SIMATIC S7-1200"), std::string::npos);
    EXPECT_EQ(modbus::answer(*d, writes, 1, unhex("2b0e0409"), kNow).pdu, unhex("ab02"));
    // Headers: a length that lies, a foreign protocol id (nmap's GET probe gets its echo).
    EXPECT_FALSE(modbus::parse_header(unhex("00010000ffff01")).error.empty());
    const auto get = modbus::parse_header("GET / H");
    ASSERT_FALSE(get.error.empty());
    EXPECT_EQ(modbus::bad_frame_reply(get.header, 'T'), "GET \0\x03H\xd4\x01"s);
    const auto ok = modbus::parse_header(unhex("00070000000601"));
    EXPECT_TRUE(ok.error.empty());
    EXPECT_EQ(ok.header.length, 6);
}

// nmap s7-info's frames, in its order.
TEST(ConpotS7, S7InfoSeesTheIdentity) {
    const auto d = s7_1200();
    PlcWrites writes;
    s7::State st;
    const auto run = [&](std::string_view hex) {
        const auto frame = unhex(hex);
        std::string error;
        const auto len = s7::parse_tpkt(frame.substr(0, 4), error);
        EXPECT_TRUE(len) << error;
        return s7::handle(*d, st, std::string_view(frame).substr(4), kNow, writes);
    };
    auto out = run("0300001611e00000001400c1020100c2020102c0010a");
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(static_cast<unsigned char>(out.replies[0][5]), 0xd0);
    EXPECT_EQ(out.notes.at(0).type, "s7_connect");
    out = run("0300001902f08032010000000000080000f0000001000101e0");
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(out.replies[0][7], 0x32);
    out = run("0300002102f080320700000000000800080001120411440100ff09000400110001");
    ASSERT_EQ(out.replies.size(), 1u);
    const auto first = out.replies[0];
    ASSERT_GE(first.size(), 125u);
    EXPECT_EQ(z_at(first, 44).substr(0, 19), "6ES7 214-1AG40-0XB0");
    EXPECT_EQ(static_cast<int>(first[122]), 4);  // byte 123: firmware major
    EXPECT_EQ(static_cast<int>(first[123]), 2);
    EXPECT_EQ(static_cast<int>(first[124]), 3);
    out = run("0300002102f080320700000000000800080001120411440100ff090004001c0001");
    const auto second = out.replies.at(0);
    ASSERT_GT(second.size(), 180u);
    EXPECT_EQ(z_at(second, 44), "S7-1200 station_1");
    EXPECT_EQ(z_at(second, 78), "CPU 1214C DC/DC/DC");
    EXPECT_EQ(z_at(second, 112), "Pump Station North");
    EXPECT_EQ(z_at(second, 146), "Original Siemens Equipment");
    EXPECT_EQ(z_at(second, 180), "S C-H4U212345678");
    EXPECT_LE(second.size() - 7, 240u);  // within the negotiated PDU
}

TEST(ConpotS7, ReadVarStopAndBadFrames) {
    const auto d = s7_1200();
    PlcWrites writes;
    s7::State st;
    st.connected = true;
    // Read var: DB1 4 bytes at 0, and DB9 (no such block).
    const auto body = unhex(
        "02f080"
        "320100000001001a0000"
        "0402"
        "120a10020004000184000000"
        "120a10020001000984000000");
    auto out = s7::handle(*d, st, body, kNow, writes);
    ASSERT_EQ(out.replies.size(), 1u) << (out.notes.empty() ? "" : out.notes[0].type);
    const auto& r = out.replies[0];
    // TPKT 4 + COTP 3 + header 12 + param 2, then item 1: ff 04 0020 + 4 bytes.
    ASSERT_GE(r.size(), 21u + 8u);
    EXPECT_EQ(static_cast<unsigned char>(r[21]), 0xff);
    EXPECT_EQ(static_cast<unsigned char>(r[29]), 0x0a);  // DB9: object does not exist
    // Write var: DB1.DBW0 = 0xbeef, seen by a later S7 read and by Modbus register 0.
    const auto write = unhex(
        "02f080"
        "320100000003000e0006"
        "0501"
        "120a10020002000184000000"
        "00040010beef");
    out = s7::handle(*d, st, write, kNow, writes);
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(static_cast<unsigned char>(out.replies[0].back()), 0xff);
    EXPECT_EQ(out.notes.at(0).type, "s7_write");
    modbus::Writes& shared = writes;
    EXPECT_EQ(modbus::answer(*d, shared, 1, unhex("0300000001"), kNow).pdu, unhex("0302beef"));
    // PLC stop.
    const auto stop =
        "\x02\xf0\x80\x32\x01\x00\x00\x00\x02\x00\x10\x00\x00\x29\x00\x00\x00\x00\x00\x09P_PROGRAM"s;
    out = s7::handle(*d, st, stop, kNow, writes);
    ASSERT_EQ(out.notes.size(), 1u);
    EXPECT_EQ(out.notes[0].type, "s7_control");
    EXPECT_FALSE(st.running);
    // Data before a connection, endless fragments, and a TPKT that lies.
    s7::State fresh;
    EXPECT_TRUE(s7::handle(*d, fresh, "\x02\xf0\x80\x32"s, kNow, writes).close);
    st.connected = true;
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i)
        closed = s7::handle(*d, st, "\x02\xf0\x00"s + std::string(200, 'x'), kNow, writes).close;
    EXPECT_TRUE(closed);
    std::string error;
    EXPECT_FALSE(s7::parse_tpkt("\x03\x00\xff\xff"s, error));
    EXPECT_FALSE(s7::parse_tpkt("\x03\x00\x00\x02"s, error));
    // A Modicon has no S7: the connection request is recorded, then dropped.
    const auto m340 = make_plc_device("d", "h", persona("m340"));
    s7::State other;
    const auto cr = unhex("11e00000001400c1020100c2020102c0010a");
    out = s7::handle(*m340, other, cr, kNow, writes);
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(out.replies.empty());
}

TEST(ConpotBacnet, WhoIsAndReadPropertyAsBacnetInfoAsks) {
    const auto d = s7_1200();
    const auto read = [&](std::uint8_t property) {
        auto q = unhex("810a001101040005010c0c023fffff19");
        q += static_cast<char>(property);
        return bacnet::answer(*d, q);
    };
    auto out = read(0x79);  // vendor-name
    ASSERT_TRUE(out.reply);
    const auto& vendor = *out.reply;
    EXPECT_EQ(static_cast<unsigned char>(vendor[6]), 0x30);  // complex ACK
    EXPECT_NE(vendor.find("Siemens"), std::string::npos);
    EXPECT_LE(vendor.size(), 170u);
    out = read(0x78);  // vendor-identifier
    EXPECT_EQ(static_cast<unsigned char>((*out.reply)[17]), 0x21);
    EXPECT_EQ((*out.reply)[18], 7);
    out = read(0x46);
    EXPECT_NE(out.reply->find("CPU 1214C"), std::string::npos);
    out = read(0x2c);
    EXPECT_NE(out.reply->find("V4.2.3"), std::string::npos);
    out = read(0x3a);
    EXPECT_NE(out.reply->find("Pump Station North"), std::string::npos);
    out = read(0x99);  // unknown property: an Error PDU
    EXPECT_EQ(static_cast<unsigned char>((*out.reply)[6]), 0x50);
    // Who-Is → I-Am with the device's instance and vendor.
    out = bacnet::answer(*d, unhex("810b000c0120ffff00ff1008"));
    ASSERT_TRUE(out.reply);
    EXPECT_EQ(static_cast<unsigned char>((*out.reply)[6]), 0x10);
    EXPECT_EQ((*out.reply)[7], 0x00);
    // Garbage: no answer, one error note.
    out = bacnet::answer(*d, "\x81\x0a\x00\x05\xff"s);
    EXPECT_FALSE(out.reply);
    ASSERT_EQ(out.notes.size(), 1u);
    EXPECT_EQ(out.notes[0].type, "bacnet_error");
    EXPECT_FALSE(bacnet::answer(*d, "GET / HTTP/1.0\r\n\r\n").reply);
}

TEST(ConpotModule, EventsAreDeclared) {
    const auto* module = find_module("conpot");
    ASSERT_NE(module, nullptr);
    Event e;
    e.event_type = "modbus_write";
    e.add("src_ip", "1.2.3.4").add("src_port", 1).add("unit", 1).add("function", 6);
    e.add("name", "write_single_register").add("address", 5).add("count", 1).add("values", "[]");
    EXPECT_EQ(undeclared(*module, e), "");
}

}  // namespace
}  // namespace decnet::honeypot
