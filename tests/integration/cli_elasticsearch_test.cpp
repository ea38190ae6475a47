// `decnet up` with the elasticsearch emulator, driven by curl and nmap as an attacker would:
// an open 7.17 node's root document, _cat/indices and _search, a ransom wipe and its note;
// a secured 8.x node refusing curl's Basic credentials and storing them; nmap -sV naming a
// 6.8 node. Subnet 127.214.0.0/16 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string joined(const std::vector<std::string>& rows) {
    std::string out;
    for (const auto& row : rows) out += row + "\n";
    return out;
}

struct Instance {
    std::string dir = make_temp_dir();
    std::unique_ptr<BackgroundProcess> up;
    explicit Instance(const std::string& ini) {
        write_file(dir + "/d.ini", ini);
        up = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{DECNET_BINARY, "up", "--no-api", "--db", dir + "/c.db",
                                     "--state-dir", dir, "--config", dir + "/d.ini"},
            dir);
    }
    std::unique_ptr<store::Repository> repo() { return store::open_sqlite(dir + "/c.db"); }
};

const std::string kCurl = "curl -s --max-time 10 ";

TEST(CliElasticsearch, CurlSeesAnOpenNodeAndItsBaitAndItsWipeIsStored) {
    Instance i("[general]\nnet = 127.214.1.0/24\n\n[search-01]\nservices = elasticsearch\n");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    const std::string node = "127.214.1.1:9200";

    const auto root = capture(kCurl + "-i " + node + "/");
    EXPECT_THAT(root, HasSubstr("HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\n"));
    EXPECT_THAT(root, HasSubstr("content-type: application/json; charset=UTF-8"));
    EXPECT_THAT(root, Not(HasSubstr("Server:")));
    EXPECT_THAT(root, HasSubstr("\"number\" : \"7.17.9\""));
    EXPECT_THAT(root, HasSubstr("\"lucene_version\" : \"8.11.1\""));
    EXPECT_THAT(root, HasSubstr("\"tagline\" : \"You Know, for Search\""));
    EXPECT_THAT(root, Not(HasSubstr("search-01")));  // the hostname, never the decky's name

    const auto cat = capture(kCurl + node + "/_cat/indices?v");
    EXPECT_THAT(cat, ContainsRegex("^health status index +uuid +pri rep docs.count"));
    EXPECT_THAT(cat, ContainsRegex("yellow open +customers +[A-Za-z0-9_-]{22} +1 +1 +[0-9]+ "));
    EXPECT_THAT(cat, HasSubstr("orders"));
    EXPECT_THAT(cat, ContainsRegex("logs-20[0-9][0-9]\\.[01][0-9]"));
    EXPECT_THAT(capture(kCurl + "'" + node + "/_cat/indices?format=json'"),
                HasSubstr(R"("index":"customers")"));
    const auto search = capture(kCurl + "'" + node + "/customers/_search?q=role:admin&pretty'");
    EXPECT_THAT(search, HasSubstr("\"hits\" : {\n    \"total\" : {\n      \"value\" : "));
    EXPECT_THAT(search, HasSubstr("\"_index\" : \"customers\""));
    EXPECT_THAT(search, HasSubstr("\"password_hash\" : \"$2y$10$"));
    const auto post =
        capture(kCurl + "-H 'Content-Type: application/json' " + node +
                "/orders/_search -d '{\"query\":{\"match\":{\"status\":\"refunded\"}}}'");
    EXPECT_THAT(post, HasSubstr(R"("took":)"));
    EXPECT_THAT(post, HasSubstr(R"("_shards":{"total":1,"successful":1,"skipped":0,"failed":0})"));
    EXPECT_THAT(
        capture(kCurl + node + "/nothing/_search"),
        HasSubstr(R"("type":"index_not_found_exception","reason":"no such index [nothing]")"));

    // What a ransom bot does: wipe, leave the note, check.
    EXPECT_EQ(capture(kCurl + "-XDELETE " + node + "/customers"), R"({"acknowledged":true})");
    EXPECT_THAT(capture(kCurl + "-XPOST -H 'Content-Type: application/json' " + node +
                        "/read_me/_doc -d '{\"message\":\"All your data is backed up. You must "
                        "pay 0.0058 BTC to recover it\"}'"),
                HasSubstr(R"("result":"created")"));
    const auto after = capture(kCurl + node + "/_cat/indices");
    EXPECT_THAT(after, Not(HasSubstr("customers")));
    EXPECT_THAT(after, HasSubstr("read_me"));

    auto repo = i.repo();
    wait_for_logs(*repo, "service:elasticsearch event:ransom_note", 1);
    EXPECT_THAT(joined(stored_fields(*repo, "service:elasticsearch event:delete")),
                HasSubstr(R"("action":"index_delete")"));
    const auto requests = joined(stored_fields(*repo, "service:elasticsearch event:request", 50));
    EXPECT_THAT(requests, HasSubstr(R"("path":"/_cat/indices")"));
    EXPECT_THAT(requests, HasSubstr(R"("user_agent":"curl/)"));
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

TEST(CliElasticsearch, SecuredNodeRefusesCurlAndStoresItsCredentials) {
    Instance i(
        "[general]\nnet = 127.214.2.0/24\n\n[search-02]\nservices = elasticsearch\n\n"
        "[search-02.elasticsearch]\nversion = 8.13.4\ncluster_name = prod-logs\n");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    const std::string node = "127.214.2.1:9200";
    const auto anonymous = capture(kCurl + "-i " + node + "/");
    EXPECT_THAT(anonymous,
                HasSubstr("HTTP/1.1 401 Unauthorized\r\n"
                          "WWW-Authenticate: Basic realm=\"security\" charset=\"UTF-8\""));
    EXPECT_THAT(anonymous, HasSubstr("missing authentication credentials for REST request [/]"));
    EXPECT_THAT(
        capture(kCurl + "-u elastic:Spring2024! " + node + "/_cat/indices"),
        HasSubstr("unable to authenticate user [elastic] for REST request [/_cat/indices]"));
    auto repo = i.repo();
    wait_for_logs(*repo, "service:elasticsearch event:auth", 1);
    const auto auth = joined(stored_fields(*repo, "service:elasticsearch event:auth"));
    EXPECT_THAT(auth, HasSubstr(R"("username":"elastic","password":"Spring2024!")"));
    EXPECT_THAT(auth, HasSubstr(R"("status":"failed")"));
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

TEST(CliElasticsearch, NmapNamesTheRelease) {
    Instance i(
        "[general]\nnet = 127.214.3.0/24\n\n[search-03]\nservices = elasticsearch\n\n"
        "[search-03.elasticsearch]\nversion = 6.8.23\n");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    const auto started = std::chrono::steady_clock::now();
    const auto scan = capture("timeout 25 nmap -n -sV -Pn -p 9200 127.214.3.1 2>&1");
    std::cout << "[  TIME    ] nmap -sV: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count()
              << " ms\n";
    EXPECT_THAT(scan, ContainsRegex("9200/tcp +open +http +Elasticsearch REST API 6\\.8\\.23 "
                                    "\\(name: [^;]+; cluster: elasticsearch; Lucene 7\\.7\\.3\\)"))
        << scan;
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

}  // namespace
}  // namespace decnet::testing
