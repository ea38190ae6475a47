// --log-target parsing: the reference's host:port rule (engine.md §7.9 / check 89) plus an
// optional udp:// tcp:// tls:// scheme.
#include "events/sinks/log_target.hpp"

#include <gtest/gtest.h>

namespace decnet {
namespace {

TEST(LogTarget, DefaultsToUdp) {
    const auto target = parse_log_target("192.168.1.5:5140");
    ASSERT_TRUE(target);
    EXPECT_EQ(*target, (LogTarget{LogTransport::udp, "192.168.1.5", 5140}));
}

TEST(LogTarget, Schemes) {
    EXPECT_EQ(parse_log_target("tcp://logstash.internal:9600")->transport, LogTransport::tcp);
    EXPECT_EQ(parse_log_target("tls://logs.example.org:6514")->host, "logs.example.org");
    EXPECT_EQ(parse_log_target("udp://10.0.0.1:514")->port, 514);
    EXPECT_EQ(*parse_log_target("relp://10.0.0.1:2514"),
              (LogTarget{LogTransport::relp, "10.0.0.1", 2514}));
    EXPECT_EQ(parse_log_target("relp://[::1]:2514")->to_string(), "relp://[::1]:2514");
}

TEST(LogTarget, SplitsAtTheLastColonAndAcceptsBrackets) {
    EXPECT_EQ(*parse_log_target("::1:514"), (LogTarget{LogTransport::udp, "::1", 514}));
    EXPECT_EQ(*parse_log_target("tls://[::1]:6514"), (LogTarget{LogTransport::tls, "::1", 6514}));
}

TEST(LogTarget, RejectsWhatTheReferenceRejects) {
    for (const char* bad : {"192.168.1.5", "192.168.1.5:syslog", "", ":514", "host:0", "host:65536",
                            "tcp://", "http://host:80", "a b:1"}) {
        EXPECT_FALSE(parse_log_target(bad)) << bad;
    }
    EXPECT_EQ(log_target_error("x"), "Invalid log_target 'x'. Expected format: ip:port");
}

TEST(LogTarget, PrintsWithScheme) {
    EXPECT_EQ(parse_log_target("1.2.3.4:514")->to_string(), "udp://1.2.3.4:514");
    EXPECT_EQ(parse_log_target("tls://::1:6514")->to_string(), "tls://[::1]:6514");
}

}  // namespace
}  // namespace decnet
