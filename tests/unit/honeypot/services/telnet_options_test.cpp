// telnet's option layer alone: refusals, NAWS, escaped 0xFF, bounded subnegotiations.
#include "honeypot/services/telnet/telnet_options.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;

struct Fed {
    std::string data, reply;
};

Fed feed(TelnetOptions& options, const std::string& bytes) {
    Fed out;
    for (const char c : bytes)
        if (options.feed(static_cast<unsigned char>(c), out.reply)) out.data += c;
    return out;
}

TEST(TelnetOptions, RefusesWhatWasNotOfferedAndPassesData) {
    TelnetOptions options;
    // DO LINEMODE (34): refused with WONT; WILL NAWS (asked for): no answer; DO ECHO (ours).
    const auto fed = feed(options, "\xff\xfd\x22\xff\xfb\x1f\xff\xfd\x01id\r\n"s);
    EXPECT_EQ(fed.reply, "\xff\xfc\x22"s);
    EXPECT_EQ(fed.data, "id\r\n");
}

TEST(TelnetOptions, NawsSetsTheWindowAndEscapedIacIsData) {
    TelnetOptions options;
    const auto fed = feed(options,
                          "\xff\xfa\x1f\x00\x84\x00\x2a\xff\xf0"
                          "a\xff\xff"s);
    EXPECT_EQ(options.cols, 132);
    EXPECT_EQ(options.rows, 42);
    EXPECT_EQ(fed.data, "a\xff"s);
    // A 255-column window is sent with its 0xFF doubled.
    feed(options, "\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0"s);
    EXPECT_EQ(options.cols, 255);
}

TEST(TelnetOptions, EndlessSubnegotiationIsBoundedAndNonsenseSizesIgnored) {
    TelnetOptions options;
    const auto fed = feed(options, "\xff\xfa\x1f"s + std::string(100000, 'x') + "\xff\xf0ok"s);
    EXPECT_EQ(fed.data, "ok");
    feed(options, "\xff\xfa\x1f\xff\xff\xff\xff\xff\xff\xff\xff\xff\xf0"s);  // 65535 × 65535
    EXPECT_EQ(options.cols, 80);
    EXPECT_EQ(options.rows, 24);
}

}  // namespace
}  // namespace decnet::honeypot
