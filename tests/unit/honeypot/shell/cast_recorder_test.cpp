// Session casts: valid asciinema v2 (a JSON header, then one JSON array per line with
// monotonic times), input and output both recorded, bounded, and stored as an artifact.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "honeypot/shell/cast_recorder.hpp"

namespace decnet::honeypot::shell {
namespace {

// A transport that delivers scripted keystrokes and collects what the shell shows.
class ScriptedTerminal : public Terminal {
  public:
    std::deque<std::string> input;
    std::string shown;
    boost::asio::awaitable<std::optional<std::string>> read() override {
        if (input.empty()) co_return std::nullopt;
        std::string next = input.front();
        input.pop_front();
        co_return next;
    }
    boost::asio::awaitable<bool> write(std::string_view bytes) override {
        shown += bytes;
        co_return true;
    }
};

// A little session: a prompt, a command typed, its output, a resize, binary junk.
void play(CastRecorder& cast, ScriptedTerminal& inner) {
    boost::asio::io_context io;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            co_await cast.write("root@web-prod-03:~# ");
            for (int i = 0; i < 10; ++i) {
                auto keys = co_await cast.read();
                if (!keys) break;
                inner.cols = 132;
                co_await cast.write(*keys + "\r\n\x1b[1;31mred\x1b[0m \xff\xfe \xe2\x9c\x93\r\n");
            }
        },
        boost::asio::detached);
    io.run_for(std::chrono::seconds(5));
}

std::vector<nlohmann::json> lines_of(const std::string& cast) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(cast);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(CastRecorder, WritesValidAsciicastWithMonotonicTimes) {
    ScriptedTerminal inner;
    inner.input = {"uname -a", "cat /etc/passwd"};
    CastOptions options;
    options.title = "root@web-prod-03";
    options.timestamp = 1790000000;
    CastRecorder cast(inner, options);
    play(cast, inner);
    const auto lines = lines_of(cast.text());
    ASSERT_GE(lines.size(), 6u);
    const auto& header = lines.front();
    EXPECT_EQ(header["version"], 2);
    EXPECT_EQ(header["width"], 80);
    EXPECT_EQ(header["height"], 24);
    EXPECT_EQ(header["timestamp"], 1790000000);
    EXPECT_EQ(header["env"]["TERM"], "xterm-256color");
    EXPECT_EQ(header["env"]["SHELL"], "/bin/bash");
    EXPECT_EQ(header["title"], "root@web-prod-03");
    double last = 0.0;
    std::string typed, output;
    bool resized = false;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto& e = lines[i];
        ASSERT_TRUE(e.is_array());
        ASSERT_EQ(e.size(), 3u);
        EXPECT_GE(e[0].get<double>(), last);
        last = e[0].get<double>();
        if (e[1] == "i") typed += e[2].get<std::string>();
        if (e[1] == "o") output += e[2].get<std::string>();
        if (e[1] == "r") resized = e[2] == "132x24";
    }
    EXPECT_EQ(typed, "uname -acat /etc/passwd");
    EXPECT_NE(output.find("\x1b[1;31mred"), std::string::npos);
    EXPECT_NE(output.find("\xef\xbf\xbd\xef\xbf\xbd \xe2\x9c\x93"), std::string::npos);  // U+FFFD
    EXPECT_TRUE(resized);
    EXPECT_EQ(inner.shown.substr(0, 20), "root@web-prod-03:~# ");  // passes everything on
}

TEST(CastRecorder, StopsAtItsBoundAndSaysSo) {
    ScriptedTerminal inner;
    for (int i = 0; i < 10; ++i) inner.input.push_back(std::string(1000, 'y'));
    CastOptions options;
    options.max_bytes = 4000;
    CastRecorder cast(inner, options);
    play(cast, inner);
    EXPECT_TRUE(cast.truncated());
    EXPECT_LT(cast.text().size(), 4100u);
    const auto lines = lines_of(cast.text());
    EXPECT_EQ(lines.back()[1], "m");
    EXPECT_EQ(lines.back()[2], "truncated");
    EXPECT_EQ(inner.shown.size(), 20u + 10 * (1000 + 25));  // the session itself went on
}

TEST(CastRecorder, FinishStoresTheCastAsAnArtifact) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("decnet-cast-" + std::to_string(::getpid()));
    ScriptedTerminal inner;
    inner.input = {"id"};
    CastRecorder cast(inner, CastOptions{});
    play(cast, inner);
    {
        ArtifactStore store(dir);
        const auto result = cast.finish(&store);
        store.flush();
        EXPECT_TRUE(result.artifact.stored);
        EXPECT_EQ(result.artifact.mime, "application/x-asciicast");
        EXPECT_EQ(result.artifact.size, cast.text().size());
        EXPECT_TRUE(std::filesystem::exists(dir / result.artifact.sha256));
    }
    std::filesystem::remove_all(dir);
}

TEST(JsonString, EscapesControlsAndKeepsUtf8) {
    EXPECT_EQ(json_string("a\"b\\c\n\x01\x7f"), "\"a\\\"b\\\\c\\n\\u0001\\u007f\"");
    EXPECT_EQ(json_string("\xc3\xa9"), "\"\xc3\xa9\"");
    EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
    EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
    EXPECT_EQ(json_string("\xe2\x9c"), "\"\\ufffd\\ufffd\"");             // cut short
}

}  // namespace
}  // namespace decnet::honeypot::shell
