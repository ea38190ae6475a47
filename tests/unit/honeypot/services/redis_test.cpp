// The redis emulator's dialogue over an in-memory session: RESP and inline commands, AUTH
// capture in both forms, the persona's INFO, QUIT, and every kind of bad frame ending the
// session with its event.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

Dialogue redis(PersonaConfig persona = {}) {
    return Dialogue("redis", DialogueOptions{.persona = std::move(persona)});
}

TEST(RedisDialogue, AnswersRespAndInlineCommandsAndLogsEach) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send("*1\r\n$4\r\nPING\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+PONG\r\n");
    ASSERT_TRUE(d.send("ping\r\n"));  // inline, any case
    EXPECT_EQ(d.read_until("\r\n"), "+PONG\r\n");
    ASSERT_TRUE(d.send("\r\n"));  // an empty inline line is skipped silently
    ASSERT_TRUE(d.send("GET nosuchkey\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "$-1\r\n");
    ASSERT_TRUE(d.send("*0\r\n*2\r\n$3\r\nTTL\r\n$1\r\nk\r\n"));  // an empty array is skipped
    EXPECT_EQ(d.read_until("\r\n"), ":-2\r\n");                   // no such key, as Redis answers
    ASSERT_TRUE(d.send("FLUSHALL\r\n"));
    EXPECT_EQ(d.read_until("\r\n"),
              "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");

    const auto events = d.finish();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "command", "command", "command", "command",
                                        "command", "disconnect"}));
    EXPECT_EQ(field(events[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(events[0], "src_port"), "40000");
    EXPECT_EQ(events[0].decky, "decky-01");
    EXPECT_EQ(events[0].service, "redis");
    EXPECT_EQ(events[0].src_ip, "203.0.113.7");
    EXPECT_EQ(field(events[2], "cmd"), "PING");
    EXPECT_EQ(field(events[2], "args"), R"(["ping"])");
    EXPECT_EQ(field(events[3], "args"), R"(["GET","nosuchkey"])");
    EXPECT_EQ(field(events[6], "src_ip"), "203.0.113.7");
    EXPECT_EQ(d.close_reason(), "peer_closed");
    EXPECT_EQ(d.counted(), events.size());
}

TEST(RedisDialogue, CapturesAuthInBothForms) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send("*2\r\n$4\r\nAUTH\r\n$6\r\nhunter\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+OK\r\n");
    ASSERT_TRUE(d.send("*3\r\n$4\r\nauth\r\n$5\r\nalice\r\n$9\r\nw0nd r\r\nl\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+OK\r\n");
    ASSERT_TRUE(d.send("AUTH\r\n"));  // no argument: logged as a command, no credential
    EXPECT_EQ(d.read_until("\r\n"), "-ERR wrong number of arguments for 'auth' command\r\n");

    const auto events = d.finish();
    std::vector<Event> auths;
    for (const auto& e : events)
        if (e.event_type == "auth") auths.push_back(e);
    ASSERT_EQ(auths.size(), 2u) << decnet::testing::describe(events);
    EXPECT_EQ(field(auths[0], "username"), "default");
    EXPECT_EQ(field(auths[0], "password"), "hunter");
    EXPECT_EQ(field(auths[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(auths[1], "username"), "alice");
    EXPECT_EQ(field(auths[1], "password"), "w0nd r\r\nl");  // bulk strings are binary-safe
}

TEST(RedisDialogue, InfoShowsThePersonaVersionAndOs) {
    const std::string expected_default = "# Server\r\nredis_version:7.2.7\r\n";
    {
        Dialogue d("redis");
        ASSERT_TRUE(d.send("INFO\r\n"));
        const auto header = d.read_until("\r\n");
        ASSERT_EQ(header.front(), '$');
        const auto length = std::stoul(header.substr(1));
        const auto body = d.read_exact(length + 2);
        EXPECT_TRUE(body.starts_with(expected_default)) << body;
        EXPECT_TRUE(body.ends_with("\r\n"));
    }
    auto d = redis({{"version", "6.0.16"}, {"os_string", "Linux 4.19.0-25-amd64 x86_64"}});
    ASSERT_TRUE(d.send("*1\r\n$4\r\ninfo\r\n"));
    const auto header = d.read_until("\r\n");
    const auto body = d.read_exact(std::stoul(header.substr(1)) + 2);
    EXPECT_NE(body.find("\r\nredis_version:6.0.16\r\n"), std::string::npos) << body;
    EXPECT_NE(body.find("\r\nos:Linux 4.19.0-25-amd64 x86_64\r\n"), std::string::npos) << body;
}

TEST(RedisDialogue, BaitKeyspaceSmoke) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send("KEYS *\r\n"));
    const auto header = d.read_until("\r\n");
    ASSERT_EQ(header.front(), '*');
    ASSERT_GT(std::stoul(header.substr(1)), 0u);
    d.read_until("\r\n");  // the first key's length
    const auto key = d.read_until("\r\n");
    d.read_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(d.send("GET " + key.substr(0, key.size() - 2) + "\r\n"));
    EXPECT_EQ(d.read_until("\r\n").front(), '$');
}

TEST(RedisDialogue, QuitAnswersAndCloses) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send("QUIT\r\nPING\r\n"));
    EXPECT_EQ(d.expect_closed(), "+OK\r\n");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(event_types(d.events()),
              (std::vector<std::string>{"connect", "command", "disconnect"}));
}

// A frame Redis refuses: answered with its protocol error, then the session ends with
// `protocol_error` (the same text) and `disconnect`.
void expect_refused(const std::string& frame, const std::string& error) {
    SCOPED_TRACE(decnet::testing::Client::printable(frame));
    Dialogue d("redis");
    ASSERT_TRUE(d.send(frame));
    EXPECT_EQ(d.expect_closed(), "-ERR " + error + "\r\n");
    ASSERT_TRUE(d.wait_ended());
    const auto events = d.events();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "protocol_error", "disconnect"}));
    const auto& e = decnet::testing::first_event(events, "protocol_error");
    EXPECT_EQ(field(e, "error"), error);
    EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
    EXPECT_EQ(e.severity, Severity::warning);
}

// A frame the session cannot finish: it ends without an answer (nothing to parse yet).
void expect_dropped(const std::string& frame, bool half_close) {
    SCOPED_TRACE(decnet::testing::Client::printable(frame));
    Dialogue d("redis");
    ASSERT_TRUE(d.send(frame));
    if (half_close) d.client().shutdown_send();
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(RedisDialogue, BadFramesGetRedisProtocolErrors) {
    expect_refused("*abc\r\n", "Protocol error: invalid multibulk length");
    expect_refused("*1025\r\n", "Protocol error: invalid multibulk length");
    expect_refused("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'");
    expect_refused("*1\r\n$-5\r\n", "Protocol error: invalid bulk length");
    expect_refused("*1\r\n$\r\n", "Protocol error: invalid bulk length");
    expect_refused("PING \"unbalanced\r\n", "Protocol error: unbalanced quotes in request");
    // Longer than the session's frame limit (8 KiB): the session ends before reading it.
    expect_dropped("*1\r\n$100000\r\n", false);
    // The peer stops mid-string.
    expect_dropped("*1\r\n$10\r\nPING", true);
}

TEST(RedisDialogue, AnOversizedInlineLineEndsTheSession) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send(std::string(9000, 'A')));  // no newline, past max_line
    d.expect_closed();
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(d.close_reason(), "line_too_long");
    EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(RedisDialogue, BinaryGarbageIsAnUnknownCommandNotACrash) {
    Dialogue d("redis");
    ASSERT_TRUE(d.send("\x01\xff\xfe x\r\n"s));
    EXPECT_EQ(d.read_until("\r\n"),
              "-ERR unknown command '\x01\xff\xfe', with args beginning with: 'x' \r\n"s);
    ASSERT_TRUE(d.send("PING\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+PONG\r\n");
}

TEST(RedisDialogue, AnUnknownCommandNameCannotBreakTheReplyFraming) {
    Dialogue d("redis");
    // A bulk string may hold CR LF; echoed raw it would forge a second reply line.
    ASSERT_TRUE(d.send("*1\r\n$10\r\nX\r\n+FORGED\r\n"));
    EXPECT_EQ(d.read_until("\r\n"),
              "-ERR unknown command 'X  +FORGED', with args beginning with: \r\n");
    ASSERT_TRUE(d.send("PING\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+PONG\r\n");
}

}  // namespace
}  // namespace decnet::honeypot
