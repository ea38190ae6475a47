// `decnet up` with the http emulator, driven by the real curl and nc: the default persona
// page, HEAD, 405, a WordPress-style login post that becomes a credential bounty, garbage and
// oversized heads that get a 400 without taking the process down, an INI persona, TLS on
// 443 and the `files` persona. Subnets 127.94/95/132.x belong to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
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
    // The page names the decky's hostname (from the plan table), as Apache names its host.
    std::smatch planned;
    ASSERT_TRUE(std::regex_search(out, planned, std::regex(R"(decky-01 +127\.94\.0\.1 +(\S+))")))
        << out;
    const std::string host = planned[1];
    const auto page_size = std::to_string(265 + host.size());

    // HEAD: the reference's status, exactly one Server header, no body.
    const auto head = capture("curl -sI --max-time 5 " + url);
    EXPECT_THAT(head, HasSubstr("HTTP/1.1 403 Forbidden\r\n"));
    EXPECT_EQ(count_lines_starting(head, "Server:"), 1) << head;
    EXPECT_THAT(head, HasSubstr("Server: Apache/2.4.54 (Debian)\r\n"));
    EXPECT_THAT(head, HasSubstr("Content-Length: " + page_size + "\r\n"));
    EXPECT_THAT(head, HasSubstr("Content-Type: text/html\r\n"));
    EXPECT_THAT(head, HasSubstr("Connection: close\r\n"));
    EXPECT_THAT(head, HasSubstr(" GMT\r\n"));

    const auto page = capture("curl -s --max-time 5 " + url);
    EXPECT_THAT(page, HasSubstr("<address>Apache/2.4.54 (Debian) Server at " + host +
                                " Port 80</address>"));
    EXPECT_EQ(std::to_string(page.size()), page_size);

    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE " + url),
              "405");
    // Port 443 speaks TLS (CliHttp.TlsOn443AndFilesPersona has the details).
    EXPECT_EQ(capture("curl -sk -o /dev/null -w '%{http_code}' --max-time 10 "
                      "https://127.94.0.1/admin"),
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

TEST(CliHttp, TlsOn443AndFilesPersona) {
    const auto dir = make_temp_dir();
    std::filesystem::create_directories(dir + "/site/backup");
    write_file(dir + "/site/robots.txt", "User-agent: *\nDisallow: /backup/\n");
    write_file(dir + "/site/backup/db.sql", "INSERT INTO users VALUES ('admin','hunter2');\n");
    write_file(dir + "/secret.txt", "outside the files directory\n");
    std::filesystem::create_symlink(dir + "/secret.txt", dir + "/site/escape.txt");
    write_file(dir + "/web.ini",
               "[general]\nnet = 127.132.0.0/24\n\n[web]\nservices = http\n\n"
               "[web.http]\nfiles = site\nextra_headers = {\"X-Powered-By\": \"PHP/7.4.33\"}\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/web.ini", "--db",
                          dir + "/t.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const std::string hostname =
        capture("sed -n 's/.*\"hostname\": \"\\(.*\\)\",/\\1/p' " + dir + "/decnet-state.json");
    ASSERT_FALSE(hostname.empty());

    // TLS on 443: a self-signed certificate for the decky's hostname, TLS 1.2+.
    const auto verbose = capture("curl -skv --max-time 20 https://127.132.0.1/robots.txt 2>&1");
    EXPECT_THAT(verbose, HasSubstr("subject: CN=" + hostname.substr(0, hostname.size() - 1)));
    EXPECT_THAT(verbose, HasSubstr("issuer: CN=" + hostname.substr(0, hostname.size() - 1)));
    EXPECT_THAT(verbose, HasSubstr("SSL connection using TLSv1.3"));
    EXPECT_THAT(verbose, HasSubstr("< HTTP/1.1 200 OK"));
    EXPECT_THAT(verbose, HasSubstr("< Content-Type: text/plain"));
    EXPECT_THAT(verbose, HasSubstr("< X-Powered-By: PHP/7.4.33"));
    EXPECT_THAT(verbose, HasSubstr("Disallow: /backup/"));
    EXPECT_EQ(count_lines_starting(verbose, "< Server:"), 1);
    // The same certificate on the next connection (generated once per decky).
    const auto fingerprint =
        "echo | timeout 10 openssl s_client -connect 127.132.0.1:443 "
        "2>/dev/null | openssl x509 -noout -fingerprint -sha256";
    EXPECT_EQ(capture(fingerprint), capture(fingerprint));
    EXPECT_THAT(capture(fingerprint), HasSubstr("Fingerprint="));
    EXPECT_EQ(capture("echo | timeout 10 openssl s_client -tls1_1 -connect 127.132.0.1:443 "
                      "2>&1 | grep -c 'BEGIN CERTIFICATE'"),
              "0\n");

    // files: nested paths and both ports; traversal and symlinks out are refused.
    EXPECT_EQ(capture("curl -s --max-time 5 http://127.132.0.1/backup/db.sql"),
              "INSERT INTO users VALUES ('admin','hunter2');\n");
    EXPECT_EQ(capture("curl -sk -o /dev/null -w '%{http_code} %{content_type}' --max-time 10 "
                      "https://127.132.0.1/backup/db.sql"),
              "200 application/sql");
    for (const auto* path :
         {"/../secret.txt", "/%2e%2e/secret.txt", "/escape.txt", "/backup/", "/missing.txt", "/"}) {
        const auto page = capture(std::string("curl -s --path-as-is --max-time 5 "
                                              "http://127.132.0.1") +
                                  path);
        EXPECT_THAT(page, HasSubstr("<title>403 Forbidden</title>")) << path;
        EXPECT_THAT(page, Not(HasSubstr("outside the files directory"))) << path;
    }
    // The address line names the decky's hostname and the port the request came in on.
    EXPECT_THAT(
        capture("curl -sk --max-time 10 https://127.132.0.1/missing"),
        HasSubstr("Server at " + hostname.substr(0, hostname.size() - 1) + " Port 443</address>"));
    // Plain HTTP on the TLS port is reported, not served.
    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
                      "http://127.132.0.1:443/"),
              "000");
    // A connect-and-close (a connect scan) is not a TLS error.
    EXPECT_EQ(capture("bash -c 'echo -n > /dev/tcp/127.132.0.1/443' && echo open"), "open\n");
    // A login form posted over TLS is a credential like any other.
    EXPECT_EQ(capture("curl -sk -o /dev/null -w '%{http_code}' --max-time 10 -d "
                      "'username=root&password=t0ps3cret' https://127.132.0.1/login"),
              "403");

    auto repo = store::open_sqlite(dir + "/t.db");
    store::LogFilter tls_error;
    tls_error.search = "service:http event:tls_error";
    store::BountyFilter credentials;
    credentials.bounty_type = "credential";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((repo->count_logs(tls_error) < 2 || repo->bounties(credentials, 10, 0).empty()) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(up.stop(), 0) << up.err();

    // The TLS 1.1 attempt and the plain request; not the connect-and-close.
    const auto errors = repo->logs(tls_error, 10, 0);
    ASSERT_EQ(errors.size(), 2u);
    std::string all;
    for (const auto& e : errors) {
        EXPECT_THAT(e.fields, HasSubstr(R"("dst_port":"443")"));
        all += e.fields;
    }
    EXPECT_THAT(all, HasSubstr(R"("error":"http request")"));
    EXPECT_THAT(all, HasSubstr("unsupported protocol"));
    store::LogFilter requests;
    requests.search = "service:http event:request";
    bool saw_tls_get = false;
    for (const auto& row : repo->logs(requests, 50, 0))
        saw_tls_get |= row.fields.find(R"("path":"/robots.txt")") != std::string::npos &&
                       row.fields.find(R"("dst_port":"443")") != std::string::npos;
    EXPECT_TRUE(saw_tls_get);
    const auto bounties = repo->bounties(credentials, 10, 0);
    ASSERT_EQ(bounties.size(), 1u);
    EXPECT_EQ(bounties[0].payload, R"({"username":"root","password":"t0ps3cret"})");
}

}  // namespace
}  // namespace decnet::testing
