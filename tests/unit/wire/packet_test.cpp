// Frame decoding: Ethernet padding is not payload, VLAN tags, loopback and cooked link
// layers, IPv6 with an extension header, TCP options, fragments and bad lengths.
#include "wire/packet.hpp"

#include <gtest/gtest.h>

#include "support/packet_builder.hpp"

namespace decnet::wire::packet {
namespace {

namespace b = decnet::test::packet;

TEST(Packet, EthernetPaddingIsNotPayload) {
    b::Tcp t;
    t.flags = 0x10;
    const auto frame = b::ethernet(b::ipv4(t));
    ASSERT_EQ(frame.size(), 60u);
    const auto p = decode(LinkType::ethernet, frame);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->src.text(), "10.0.0.7");
    EXPECT_EQ(p->dst.text(), "192.168.1.10");
    EXPECT_EQ(p->dst_port, 443);
    EXPECT_EQ(p->flags, tcp_flag::ack);
    EXPECT_TRUE(p->payload.empty());
    EXPECT_TRUE(p->df);
    EXPECT_EQ(p->ttl, 64);
}

TEST(Packet, VlanTagsLoopbackCookedAndRaw) {
    b::Tcp t;
    t.payload = "hello";
    const auto ip = b::ipv4(t);
    for (const auto& frame : {b::ethernet(ip, {100}), b::ethernet(ip, {100, 200})}) {
        const auto p = decode(LinkType::ethernet, frame);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->payload, "hello");
    }
    EXPECT_FALSE(decode(LinkType::ethernet, b::ethernet(ip, {1, 2, 3, 4, 5})));  // too many tags
    EXPECT_TRUE(decode(LinkType::null, std::string("\x02\x00\x00\x00", 4) + ip));
    EXPECT_TRUE(decode(LinkType::raw, ip));
    const std::string sll = std::string(14, '\0') + b::be16(0x0800) + ip;
    EXPECT_TRUE(decode(LinkType::linux_sll, sll));
    const std::string sll2 = b::be16(0x0800) + std::string(18, '\0') + ip;
    EXPECT_TRUE(decode(LinkType::linux_sll2, sll2));
    EXPECT_FALSE(decode(LinkType::ethernet, b::ethernet(ip, {}, 0x0806)));  // ARP
}

TEST(Packet, Ipv6WithHopByHop) {
    b::Tcp t;
    t.src = "2001:db8::7";
    t.dst = "2001:db8::10";
    t.payload = "x";
    auto ip = b::ipv6(t);
    // Insert an 8-byte hop-by-hop header before TCP.
    ip[6] = 0;
    ip.insert(40, std::string("\x06\x00\x00\x00\x00\x00\x00\x00", 8));
    ip[5] = static_cast<char>(static_cast<unsigned char>(ip[5]) + 8);
    const auto p = decode_ip(ip);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->src.text(), "2001:db8::7");
    EXPECT_EQ(p->payload, "x");
    EXPECT_EQ(p->ip_version, 6);
}

TEST(Packet, TcpOptions) {
    const auto o = parse_tcp_options(b::linux_options());
    EXPECT_EQ(o.kinds, (std::vector<std::uint8_t>{2, 4, 8, 1, 3}));
    EXPECT_EQ(o.mss, 1460);
    EXPECT_EQ(o.wscale, 7);
    EXPECT_TRUE(o.sack_permitted);
    EXPECT_EQ(o.ts_val, 12345u);
    EXPECT_FALSE(o.malformed);
    const auto eol = parse_tcp_options(std::string("\x02\x04\x05\xb4\x00\x00\x01", 7));
    EXPECT_EQ(eol.kinds, (std::vector<std::uint8_t>{2, 0}));
    EXPECT_EQ(eol.eol_padding, 2);
    EXPECT_TRUE(eol.data_after_eol);
    EXPECT_TRUE(parse_tcp_options(std::string("\x02\x09\x05", 3)).malformed);
    EXPECT_TRUE(parse_tcp_options(std::string("\x08\x01", 2)).malformed);
}

TEST(Packet, BadLengthsAndFragments) {
    b::Tcp t;
    t.payload = "data";
    auto ip = b::ipv4(t);
    EXPECT_FALSE(decode_ip(ip.substr(0, ip.size() - 1)));  // total length past the bytes
    auto frag = ip;
    frag[7] = 0x10;  // a fragment offset
    EXPECT_FALSE(decode_ip(frag));
    auto short_header = ip;
    short_header[0] = 0x44;  // IHL 16 bytes
    EXPECT_FALSE(decode_ip(short_header));
    auto tcp_offset = ip;
    tcp_offset[20 + 12] = static_cast<char>(0xf0);  // data offset 60 > segment
    EXPECT_FALSE(decode_ip(tcp_offset));
    EXPECT_FALSE(decode_ip(""));
    EXPECT_FALSE(decode(LinkType::ethernet, "short"));
}

TEST(Packet, AddressText) {
    EXPECT_EQ(Address::parse("127.203.0.1")->text(), "127.203.0.1");
    EXPECT_EQ(Address::parse("::1")->text(), "::1");
    EXPECT_FALSE(Address::parse("nope"));
}

}  // namespace
}  // namespace decnet::wire::packet
