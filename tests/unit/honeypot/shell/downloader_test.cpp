// The downloader: URL parsing, the SSRF guard, and fetches against a loopback server this
// test starts (allowed explicitly with download_allow 127.0.0.1/32).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/config.hpp"
#include "core/service_catalog.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/shell/downloader.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "unit/honeypot/shell/loopback_http.hpp"

namespace decnet::honeypot::shell {
namespace {

using testing::LoopbackHttp;
namespace ip = boost::asio::ip;

ShellSettings fetch_settings(std::vector<std::string> allow = {"127.0.0.1/32"}) {
    ShellSettings settings;
    settings.downloads = DownloadMode::fetch;
    settings.download_allow = std::move(allow);
    settings.download_timeout = std::chrono::seconds(5);
    return settings;
}

FetchResult run_fetch(const std::string& url, const ShellSettings& settings) {
    boost::asio::io_context io;
    FetchRequest request{*parse_url(url), "wget", "Wget/1.21.3"};
    auto future = boost::asio::co_spawn(io, fetch(io.get_executor(), request, settings),
                                        boost::asio::use_future);
    io.run_for(std::chrono::seconds(10));
    EXPECT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    return future.get();
}

TEST(DownloadUrl, ParsesWhatToolsAccept) {
    auto url = parse_url("http://Evil.example:8080/bins/x86?a=b#frag");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "http");
    EXPECT_EQ(url->host, "evil.example");
    EXPECT_EQ(url->port, 8080);
    EXPECT_EQ(url->path, "/bins/x86?a=b");
    EXPECT_EQ(url->text(), "http://evil.example:8080/bins/x86?a=b");

    url = parse_url("1.2.3.4/x.sh");  // wget and curl assume http
    ASSERT_TRUE(url);
    EXPECT_EQ(url->text(), "http://1.2.3.4/x.sh");
    EXPECT_TRUE(url->host_is_address());

    url = parse_url("https://[2001:db8::1]/a");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "2001:db8::1");
    EXPECT_EQ(url->port, 443);

    url = parse_url("ftp://anonymous:x@10.0.0.1/pub/f");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->user, "anonymous");
    EXPECT_EQ(url->port, 21);
    EXPECT_EQ(parse_url("tftp://h/f")->port, 69);
}

TEST(DownloadUrl, RefusesWhatIsNoUrl) {
    EXPECT_FALSE(parse_url(""));
    EXPECT_FALSE(parse_url("gopher://h/"));
    EXPECT_FALSE(parse_url("http://h:99999/"));
    EXPECT_FALSE(parse_url("http://h:0/"));
    EXPECT_FALSE(parse_url("http://[::1/"));
    EXPECT_FALSE(parse_url("http://a b/"));
    EXPECT_FALSE(parse_url("http://h/\x01"));
    EXPECT_FALSE(parse_url("http://" + std::string(kMaxUrlLength, 'a')));
}

TEST(DownloadUrl, ResolvesRedirectTargets) {
    const auto base = *parse_url("http://h:81/a/b/c.sh");
    EXPECT_EQ(resolve_reference(base, "/x")->text(), "http://h:81/x");
    EXPECT_EQ(resolve_reference(base, "y")->text(), "http://h:81/a/b/y");
    EXPECT_EQ(resolve_reference(base, "//other/z")->text(), "http://other/z");
    EXPECT_EQ(resolve_reference(base, "https://s/")->text(), "https://s/");
}

TEST(SsrfGuard, RefusesInternalAddresses) {
    for (const char* text :
         {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
          "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
          "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
          "2002:7f00:1::1"}) {
        SCOPED_TRACE(text);
        EXPECT_TRUE(is_internal_address(ip::make_address(text)));
        EXPECT_FALSE(may_connect(ip::make_address(text), {}));
    }
    for (const char* text : {"8.8.8.8", "1.1.1.1", "2606:4700::1111"}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(is_internal_address(ip::make_address(text)));
        EXPECT_TRUE(may_connect(ip::make_address(text), {}));
    }
}

TEST(SsrfGuard, AllowListOpensExactlyItsNetworks) {
    const std::vector<IpNetwork> allowed{*parse_network("127.0.0.1/32"),
                                         *parse_network("fd00::/64")};
    EXPECT_TRUE(may_connect(ip::make_address("127.0.0.1"), allowed));
    EXPECT_TRUE(may_connect(ip::make_address("::ffff:127.0.0.1"), allowed));
    EXPECT_TRUE(may_connect(ip::make_address("fd00::5"), allowed));
    EXPECT_FALSE(may_connect(ip::make_address("127.0.0.2"), allowed));
    EXPECT_FALSE(may_connect(ip::make_address("fd00:0:0:1::5"), allowed));
    EXPECT_FALSE(parse_network("10.0.0.0/33"));
    EXPECT_FALSE(parse_network("10.0.0/8"));
    EXPECT_FALSE(parse_network("10.0.0.0/"));
    EXPECT_EQ(parse_network("10.0.0.0")->prefix, 32);
}

TEST(ShellSettings, ReadsDownloadKeys) {
    const auto* ssh = find_service("ssh");
    ASSERT_NE(ssh, nullptr);
    DeckyConfig decky;
    decky.name = "d1";
    PersonaConfig persona;
    EXPECT_EQ(read_shell_settings(PersonaReader(*ssh, decky, persona)).downloads,
              DownloadMode::record);
    persona = {{"downloads", "fetch"}, {"download_allow", "127.0.0.1/32, ::1 ,10.0.0.0/8"}};
    const auto settings = read_shell_settings(PersonaReader(*ssh, decky, persona));
    EXPECT_EQ(settings.downloads, DownloadMode::fetch);
    EXPECT_EQ(settings.download_allow,
              (std::vector<std::string>{"127.0.0.1/32", "::1", "10.0.0.0/8"}));
    persona = {{"downloads", "always"}};
    EXPECT_THROW(read_shell_settings(PersonaReader(*ssh, decky, persona)), PersonaError);
    persona = {{"download_allow", "127.0.0.1/40"}};
    EXPECT_THROW(read_shell_settings(PersonaReader(*ssh, decky, persona)), PersonaError);
}

TEST(Fetch, GetsFromAnAllowedLoopbackServer) {
    LoopbackHttp server({{"/bins/x.sh", LoopbackHttp::ok("#!/bin/sh\necho pwned\n")}});
    const auto result = run_fetch(server.url("/bins/x.sh"), fetch_settings());
    EXPECT_EQ(result.status, DownloadStatus::fetched) << result.reason;
    EXPECT_EQ(result.body, "#!/bin/sh\necho pwned\n");
    EXPECT_EQ(result.content_length, 21u);
    EXPECT_EQ(result.hops.front().connected, "127.0.0.1");
    EXPECT_EQ(result.hops.front().status, 200);
    EXPECT_NE(server.last_request().find("User-Agent: Wget/1.21.3"), std::string::npos);
}

TEST(Fetch, FollowsRedirectsWithinTheAllowList) {
    LoopbackHttp server({{"/a", ""}, {"/b", LoopbackHttp::ok("payload")}});
    LoopbackHttp redirector({{"/start", LoopbackHttp::redirect(server.url("/b"))}});
    const auto result = run_fetch(redirector.url("/start"), fetch_settings());
    EXPECT_EQ(result.status, DownloadStatus::fetched) << result.reason;
    ASSERT_EQ(result.hops.size(), 2u);
    EXPECT_EQ(result.hops[0].status, 302);
    EXPECT_EQ(result.body, "payload");
}

TEST(Fetch, RefusesLoopbackWithoutAnAllow) {
    LoopbackHttp server({{"/x", LoopbackHttp::ok("x")}});
    const auto result = run_fetch(server.url("/x"), fetch_settings({}));
    EXPECT_EQ(result.status, DownloadStatus::refused);
    EXPECT_EQ(result.reason, "refused_address");
    EXPECT_EQ(server.connections(), 0);
}

TEST(Fetch, RefusesMetadataPrivateAndIpv6LoopbackTargets) {
    for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x",
                            "http://[::1]/x", "http://192.168.0.1:8080/"}) {
        SCOPED_TRACE(url);
        const auto result = run_fetch(url, fetch_settings());
        EXPECT_EQ(result.status, DownloadStatus::refused);
        EXPECT_EQ(result.hops.front().connected, "");
    }
}

TEST(Fetch, RechecksEveryRedirect) {
    LoopbackHttp target({{"/secret", LoopbackHttp::ok("internal")}});
    const std::string elsewhere = "http://127.0.0.2:" + std::to_string(target.port()) + "/secret";
    LoopbackHttp redirector({{"/go", LoopbackHttp::redirect(elsewhere)},
                             {"/meta", LoopbackHttp::redirect("http://169.254.169.254/")}});
    auto result = run_fetch(redirector.url("/go"), fetch_settings());
    EXPECT_EQ(result.status, DownloadStatus::refused);
    EXPECT_EQ(result.hops.size(), 2u);
    result = run_fetch(redirector.url("/meta"), fetch_settings());
    EXPECT_EQ(result.status, DownloadStatus::refused);
    EXPECT_EQ(target.connections(), 0);
}

TEST(Fetch, RecordModeNeverConnects) {
    LoopbackHttp server({{"/x", LoopbackHttp::ok("x")}});
    auto settings = fetch_settings();
    settings.downloads = DownloadMode::record;
    const auto result = run_fetch(server.url("/x"), settings);
    EXPECT_EQ(result.status, DownloadStatus::recorded);
    EXPECT_TRUE(result.hops.front().addresses.empty());
    EXPECT_EQ(server.connections(), 0);
}

TEST(Fetch, BoundsSizeAndRedirects) {
    LoopbackHttp server({{"/big", LoopbackHttp::ok(std::string(4096, 'A'))}});
    auto settings = fetch_settings();
    settings.max_download_bytes = 1024;
    const auto big = run_fetch(server.url("/big"), settings);
    EXPECT_EQ(big.reason, "too_large") << big.body.size() << " " << to_string(big.status);

    LoopbackHttp looping({{"/loop", LoopbackHttp::redirect("/loop")}});
    const auto result = run_fetch(looping.url("/loop"), fetch_settings());
    EXPECT_EQ(result.reason, "too_many_redirects");
    EXPECT_EQ(result.hops.size(), 6u);
}

TEST(Fetch, ReportsHttpErrors) {
    LoopbackHttp server(std::map<std::string, std::string>{});
    const auto result = run_fetch(server.url("/missing"), fetch_settings());
    EXPECT_EQ(result.status, DownloadStatus::failed);
    EXPECT_EQ(result.reason, "http_error");
    EXPECT_EQ(result.hops.front().status, 404);
}

TEST(Fetch, SpeaksHttpsWithSniAndNoVerification) {
    LoopbackHttp server({{"/x86", LoopbackHttp::ok("\x7f"
                                                   "ELF",
                                                   "application/octet-stream")}},
                        true);
    // localhost resolves to 127.0.0.1 (and perhaps ::1, which refuses): a name, so SNI.
    const auto url = "https://localhost:" + std::to_string(server.port()) + "/x86";
    const auto result = run_fetch(url, fetch_settings({"127.0.0.1/32", "::1/128"}));
    EXPECT_EQ(result.status, DownloadStatus::fetched) << result.reason;
    EXPECT_EQ(result.body,
              "\x7f"
              "ELF");
    EXPECT_EQ(server.last_sni(), "localhost");
}

TEST(Fetch, GivesUpAtItsDeadline) {
    LoopbackHttp server(std::map<std::string, std::string>{{"/slow", LoopbackHttp::kHang}});
    auto settings = fetch_settings();
    settings.download_timeout = std::chrono::seconds(1);
    const auto start = std::chrono::steady_clock::now();
    const auto result = run_fetch(server.url("/slow"), settings);
    EXPECT_EQ(result.status, DownloadStatus::failed);
    EXPECT_EQ(result.reason, "timeout");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace decnet::honeypot::shell
