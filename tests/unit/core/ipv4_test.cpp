// IPv4 parsing, allocation and covering ranges: engine.md §5.2–§5.3 worked examples.
#include "core/ipv4.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.hpp"

namespace decnet {
namespace {

std::vector<std::string> allocate(const std::string& subnet, const std::string& gw,
                                  const std::string& host, std::size_t count,
                                  const std::string& start = {}) {
    IpReservations reserved{Ipv4::parse(gw), Ipv4::parse(host)};
    std::optional<Ipv4> first;
    if (!start.empty()) first = Ipv4::parse(start);
    std::vector<std::string> out;
    for (auto ip : allocate_ips(Subnet::parse(subnet), reserved, count, first))
        out.push_back(ip.str());
    return out;
}

std::string allocation_error(const std::string& subnet, const std::string& gw,
                             const std::string& host, std::size_t count,
                             const std::string& start = {}) {
    try {
        allocate(subnet, gw, host, count, start);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Ipv4, ParsesAndFormats) {
    EXPECT_EQ(Ipv4::parse("192.168.1.5").str(), "192.168.1.5");
    EXPECT_EQ(Ipv4::parse("0.0.0.0").value, 0u);
    EXPECT_EQ(Ipv4::parse("255.255.255.255").value, 0xffffffffu);
}

TEST(Ipv4, RejectsMalformedWithPythonMessages) {
    EXPECT_THROW(Ipv4::parse("abc"), ConfigError);
    try {
        Ipv4::parse("abc");
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "Expected 4 octets in 'abc'");
    }
    try {
        Ipv4::parse("1.2.3.256");
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "Octet 256 (> 255) not permitted in '1.2.3.256'");
    }
    EXPECT_FALSE(Ipv4::try_parse("1.2.3"));
    EXPECT_FALSE(Ipv4::try_parse("1.2.3.4.5"));
    EXPECT_FALSE(Ipv4::try_parse("1..3.4"));
    EXPECT_FALSE(Ipv4::try_parse("01.2.3.4"));
    EXPECT_FALSE(Ipv4::try_parse(""));
}

TEST(Subnet, NonStrictParsing) {
    const auto s = Subnet::parse("192.168.1.77/24");
    EXPECT_EQ(s.cidr(), "192.168.1.0/24");
    EXPECT_EQ(s.text, "192.168.1.77/24");
    EXPECT_EQ(s.broadcast().str(), "192.168.1.255");
    EXPECT_TRUE(s.contains(Ipv4::parse("192.168.1.200")));
    EXPECT_FALSE(s.contains(Ipv4::parse("192.168.2.1")));
    EXPECT_THROW(Subnet::parse("10.0.0.0/33"), ConfigError);
    EXPECT_THROW(Subnet::parse("10.0.0.0/"), ConfigError);
}

using ::testing::ElementsAre;

TEST(AllocateIps, ReferenceTable) {
    EXPECT_THAT(
        allocate("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 5),
        ElementsAre("192.168.1.2", "192.168.1.3", "192.168.1.4", "192.168.1.6", "192.168.1.7"));
    EXPECT_THAT(allocate("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 3, "192.168.1.100"),
                ElementsAre("192.168.1.100", "192.168.1.101", "192.168.1.102"));
    EXPECT_THAT(allocate("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 2, "192.168.1.0"),
                ElementsAre("192.168.1.2", "192.168.1.3"));
    EXPECT_THAT(allocate("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 2, "10.0.0.1"),
                ElementsAre("192.168.1.2", "192.168.1.3"));
    EXPECT_EQ(allocation_error("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 3, "192.168.1.253"),
              "Not enough free IPs in 192.168.1.0/24 for 3 deckies (found 2).");
    EXPECT_EQ(allocation_error("192.168.1.0/24", "192.168.1.1", "192.168.1.5", 3, "192.168.2.1"),
              "Not enough free IPs in 192.168.1.0/24 for 3 deckies (found 0).");
    EXPECT_THAT(allocate("192.168.1.77/24", "192.168.1.1", "192.168.1.5", 2),
                ElementsAre("192.168.1.2", "192.168.1.3"));
    EXPECT_THAT(allocate("10.0.0.0/30", "10.0.0.1", "10.0.0.3", 1), ElementsAre("10.0.0.2"));
    EXPECT_EQ(allocation_error("10.0.0.0/30", "10.0.0.1", "10.0.0.2", 3),
              "Not enough free IPs in 10.0.0.0/30 for 3 deckies (found 0).");
    EXPECT_EQ(allocation_error("10.0.0.0/31", "10.0.0.9", "10.0.0.8", 2),
              "Not enough free IPs in 10.0.0.0/31 for 2 deckies (found 0).");
    EXPECT_THAT(allocate("192.168.1.0/24", "192.168.1.1", "10.9.9.9", 2),
                ElementsAre("192.168.1.2", "192.168.1.3"));
}

TEST(AllocateIps, LoopbackWithoutGatewayOrHost) {
    const auto ips = allocate_ips(Subnet::parse("127.77.0.0/16"), {}, 1000);
    ASSERT_EQ(ips.size(), 1000u);
    EXPECT_EQ(ips.front().str(), "127.77.0.1");
    EXPECT_EQ(ips.back().str(), "127.77.3.232");
}

std::string range(std::initializer_list<const char*> ips) {
    std::vector<Ipv4> parsed;
    for (const char* ip : ips) parsed.push_back(Ipv4::parse(ip));
    return covering_range(parsed);
}

TEST(CoveringRange, ReferenceTable) {
    EXPECT_EQ(range({"192.168.1.100"}), "192.168.1.100/32");
    EXPECT_EQ(range({"192.168.1.100", "192.168.1.101"}), "192.168.1.100/31");
    EXPECT_EQ(
        range({"192.168.1.97", "192.168.1.98", "192.168.1.99", "192.168.1.100", "192.168.1.101"}),
        "192.168.1.96/29");
    EXPECT_EQ(range({"192.168.1.110", "192.168.1.119"}), "192.168.1.96/27");
    EXPECT_EQ(range({"10.0.0.10", "10.0.0.200"}), "10.0.0.0/24");
    EXPECT_EQ(range({"192.168.1.2", "192.168.1.3", "192.168.1.4", "192.168.1.6", "192.168.1.7"}),
              "192.168.1.0/29");
    EXPECT_EQ(range({"192.168.1.10", "192.168.1.2"}), "192.168.1.0/28");
    EXPECT_EQ(range({"192.168.1.127", "192.168.1.128"}), "192.168.1.0/24");
    EXPECT_EQ(range({"192.168.1.50", "192.168.1.51", "192.168.1.52"}), "192.168.1.48/29");
    EXPECT_EQ(range({"10.0.0.0", "10.255.255.255"}), "10.0.0.0/8");
}

}  // namespace
}  // namespace decnet
