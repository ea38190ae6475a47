// Redis's inline tokenizer, integer parser and error wording, checked against what
// redis-server 7 answers byte for byte.
#include "honeypot/services/redis/redis_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace decnet::honeypot::redis {
namespace {

using ::testing::ElementsAre;

TEST(RedisInline, SplitsOnBlanksAndHonoursQuotes) {
    EXPECT_THAT(*split_inline("GET / HTTP/1.0"), ElementsAre("GET", "/", "HTTP/1.0"));
    EXPECT_THAT(*split_inline("  set\tk  v \v"), ElementsAre("set", "k", "v"));
    EXPECT_THAT(*split_inline(R"(set "a b\x41\n" 'it\'s')"), ElementsAre("set", "a bA\n", "it's"));
    EXPECT_THAT(*split_inline(R"(ab"cd" x)"), ElementsAre("abcd", "x"));
    EXPECT_THAT(*split_inline(R"("" '')"), ElementsAre("", ""));
    EXPECT_TRUE(split_inline("")->empty());
    EXPECT_TRUE(split_inline(" \t ")->empty());
    EXPECT_THAT(*split_inline(std::string("a b\0c d", 7)), ElementsAre("a", "b"));
}

TEST(RedisInline, UnbalancedQuotesAreAnError) {
    EXPECT_FALSE(split_inline(R"(foo "unbalanced)"));
    EXPECT_FALSE(split_inline(R"(foo 'x)"));
    EXPECT_FALSE(split_inline(R"("a"b)"));  // a closing quote must end its word
    EXPECT_FALSE(split_inline(R"("a\)"));
}

TEST(RedisInteger, StrictLikeString2ll) {
    EXPECT_EQ(parse_integer("0"), 0);
    EXPECT_EQ(parse_integer("42"), 42);
    EXPECT_EQ(parse_integer("-1"), -1);
    EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(parse_integer("-9223372036854775808"), INT64_MIN);
    for (const char* bad : {"", "-", "01", "+1", " 1", "1 ", "-0", "9223372036854775808",
                            "99999999999999999999999", "1a"})
        EXPECT_FALSE(parse_integer(bad)) << bad;
}

TEST(RedisErrors, WordedLikeRedis) {
    EXPECT_EQ(error_reply(unknown_command({"FOO", "bar"})),
              "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
    EXPECT_EQ(error_reply(unknown_command({"HELP"})),
              "-ERR unknown command 'HELP', with args beginning with: \r\n");
    EXPECT_EQ(error_reply(unknown_command({"OPTIONS", "/", "HTTP/1.0"})),
              "-ERR unknown command 'OPTIONS', with args beginning with: '/' 'HTTP/1.0' \r\n");
    EXPECT_EQ(error_reply("a\r\nb"), "-ERR a  b\r\n");
    // The argument list stops growing past 128 bytes; each argument is cut to what is left.
    const std::string long_arg(200, 'x');
    EXPECT_EQ(unknown_command({"X", long_arg, "y"}),
              "unknown command 'X', with args beginning with: '" + std::string(128, 'x') + "' ");
    EXPECT_EQ(unknown_command({std::string(200, 'c')}),
              "unknown command '" + std::string(128, 'c') + "', with args beginning with: ");
}

TEST(RedisCommands, RejectedLikeRedis7) {
    EXPECT_EQ(command_rejection({"GET", "/", "HTTP/1.0"}),
              "-ERR wrong number of arguments for 'get' command\r\n");
    EXPECT_EQ(command_rejection({"Subscribe"}),
              "-ERR wrong number of arguments for 'subscribe' command\r\n");
    EXPECT_EQ(command_rejection({"CONFIG"}),
              "-ERR wrong number of arguments for 'config' command\r\n");
    EXPECT_EQ(command_rejection({"CoNfIg", "GeT"}),
              "-ERR wrong number of arguments for 'config|get' command\r\n");
    EXPECT_EQ(command_rejection({"config", "foo"}),
              "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
    EXPECT_EQ(command_rejection({"HELP"}),
              "-ERR unknown command 'HELP', with args beginning with: \r\n");
    EXPECT_FALSE(command_rejection({"get", "k"}));
    EXPECT_FALSE(command_rejection({"SET", "k", "v", "EX", "10"}));
    EXPECT_FALSE(command_rejection({"config", "get", "dir"}));
    EXPECT_FALSE(command_rejection({"COMMAND"}));
}

}  // namespace
}  // namespace decnet::honeypot::redis
