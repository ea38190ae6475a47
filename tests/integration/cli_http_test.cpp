// `decnet up` with the http emulator, driven by the real curl and nc: the default persona
// page, HEAD, 405, a WordPress-style login post that becomes a credential bounty, garbage and
// oversized heads that get a 400 without taking the process down, and an INI persona.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int count_lines_starting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(prefix)) ++n;
    return n;
}

TEST(CliHttp, DefaultPersonaLoginCaptureAndBadRequests) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "http",
                          "--subnet", "127.94.0.0/24", "--db", dir + "/h.db", "--state-dir", dir},
                         dir);
    const auto out = up.wait_for_output("decnet is up");
    ASSERT_THAT(out, HasSubstr("decnet is up")) << up.err();
    EXPECT_THAT(out, HasSubstr("127.94.0.1:80/tcp"));
    const std::string url = "http://127.94.0.1/";

    // HEAD: the reference's status, exactly one Server header, no body.
    const auto head = capture("curl -sI --max-time 5 " + url);
    EXPECT_THAT(head, HasSubstr("HTTP/1.1 403 Forbidden\r\n"));
    EXPECT_EQ(count_lines_starting(head, "Server:"), 1) << head;
    EXPECT_THAT(head, HasSubstr("Server: Apache/2.4.54 (Debian)\r\n"));
    EXPECT_THAT(head, HasSubstr("Content-Length: 273\r\n"));
    EXPECT_THAT(head, HasSubstr("Content-Type: text/html\r\n"));
    EXPECT_THAT(head, HasSubstr("Connection: close\r\n"));
    EXPECT_THAT(head, HasSubstr(" GMT\r\n"));

    const auto page = capture("curl -s --max-time 5 " + url);
    EXPECT_THAT(page,
                HasSubstr("<address>Apache/2.4.54 (Debian) Server at decky-01 Port 80</address>"));
    EXPECT_EQ(page.size(), 273u);

    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE " + url),
              "405");
    // Port 443 is plain HTTP for now.
    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
                      "http://127.94.0.1:443/admin"),
              "403");

    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 -d "
                      "'log=admin&pwd=s3cr%3Det' '" +
                      url + "wp-login.php?redirect_to=%2Fwp-admin'"),
              "403");

    // Garbage and an oversized header get a 400 and a closed connection, nothing more.
    EXPECT_THAT(capture("printf 'GARBAGE\\001\\r\\n\\r\\n' | timeout 5 nc -q1 127.94.0.1 80"),
                HasSubstr("HTTP/1.1 400 Bad Request"));
    write_file(dir + "/big.txt",
               "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    const auto big = capture("timeout 5 nc -q1 127.94.0.1 80 < " + dir + "/big.txt");
    EXPECT_THAT(big, Not(HasSubstr("200 OK")));
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 150; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    write_file(dir + "/many.txt", many + "\r\n");
    EXPECT_THAT(capture("timeout 5 nc -q1 127.94.0.1 80 < " + dir + "/many.txt"),
                HasSubstr("HTTP/1.1 400 Bad Request"));
    std::system("head -c 100000 /dev/urandom | timeout 5 nc -q1 127.94.0.1 80 >/dev/null 2>&1");
    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 " + url), "403");

    auto repo = store::open_sqlite(dir + "/h.db");
    store::LogFilter login;
    login.search = "service:http event:request";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (repo->count_logs(login) < 6 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto rows = repo->logs(login, 50, 0);
    const auto post = std::find_if(rows.begin(), rows.end(), [](const auto& row) {
        return row.fields.find("\"method\":\"POST\"") != std::string::npos;
    });
    ASSERT_NE(post, rows.end());
    EXPECT_EQ(post->attacker_ip, "127.0.0.1");
    EXPECT_THAT(post->fields, HasSubstr(R"("path":"/wp-login.php")"));
    EXPECT_THAT(post->fields, HasSubstr(R"("query":"redirect_to=%2Fwp-admin")"));
    EXPECT_THAT(post->fields, HasSubstr(R"("username":"admin","password":"s3cr=et")"));
    EXPECT_THAT(post->fields, HasSubstr("curl/"));
    // The other bounties are the ingester's fingerprints (user agents and the like).
    store::BountyFilter credentials;
    credentials.bounty_type = "credential";
    const auto bounties = repo->bounties(credentials, 10, 0);
    ASSERT_EQ(bounties.size(), 1u);
    EXPECT_EQ(bounties[0].payload, R"({"username":"admin","password":"s3cr=et"})");
    store::LogFilter bad;
    bad.search = "event:bad_request";
    EXPECT_GE(repo->count_logs(bad), 2);
}

TEST(CliHttp, IniPersonaServesNginx) {
    const auto dir = make_temp_dir();
    write_file(dir + "/web.ini",
               "[general]\nnet = 127.95.0.0/24\n\n[web]\nservices = http\n\n"
               "[web.http]\nserver_header = nginx/1.18.0\nfake_app = nginx_default\n"
               "response_code = 200\nextra_headers = {\"X-Powered-By\": \"PHP/7.4.33\"}\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/web.ini", "--db",
                          dir + "/p.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto reply = capture("curl -si --max-time 5 http://127.95.0.1/");
    EXPECT_THAT(reply, HasSubstr("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(reply, HasSubstr("Server: nginx/1.18.0\r\n"));
    EXPECT_EQ(count_lines_starting(reply, "Server:"), 1);
    EXPECT_THAT(reply, HasSubstr("X-Powered-By: PHP/7.4.33\r\n"));
    EXPECT_THAT(reply, HasSubstr("<title>Welcome to nginx!</title>"));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
