// Identities and exports end to end (issue #19 parts 4 and 6): two loopback sources log in
// to an ssh decky with the same real client (same HASSH and version) and the same
// credential list, a third with the same client but only a default password and a
// formula for a user name. The API joins the first two into one identity — not the third
// — and the id survives a restart; `decnet export` writes a STIX 2.1 bundle that passes
// the test's schema (tests/integration/stix21_bundle.schema.json, python3-jsonschema),
// the same ids twice, and MISP, CSV and JSON with the hostile user name escaped.
// Loopback subnet 127.215.0.0/24, API port 18215.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/attacker_clients.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kBase = "http://127.0.0.1:18215/api/v1";
constexpr const char* kPassword = "identity-password-1";
constexpr const char* kA = "127.215.0.200";
constexpr const char* kB = "127.215.0.201";
constexpr const char* kC = "127.215.0.202";
const std::string kHostileUser = "=1+2";  // OpenSSH refuses quotes and brackets in user names

std::vector<std::string> up_args(const std::string& dir) {
    return {"/usr/bin/env",
            std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
            "DECNET_JWT_SECRET=identity-test-secret-0123456789abcdef",
            DECNET_BINARY,
            "up",
            "-n",
            "1",
            "--services",
            "ssh",
            "--subnet",
            "127.215.0.0/24",
            "--db",
            dir + "/i.db",
            "--state-dir",
            dir,
            "--api-port",
            "18215"};
}

json identities(const std::string& token) {
    const auto [status, page] = api_call(kBase, "GET", "/identities?limit=10", token);
    return status == 200 ? page : json();
}

std::set<std::string> stix_ids(const std::string& path) {
    std::set<std::string> ids;
    const auto bundle = json::parse(read_file(path));  // kept: the loop walks a part of it
    for (const auto& o : bundle["objects"]) ids.insert(o["id"]);
    return ids;
}

TEST(CliIdentityExport, SharedClientAndCredentialsMakeOneIdentityAndExportsValidate) {
    const auto dir = make_temp_dir();
    const auto db = dir + "/i.db";
    std::string identity_id;
    {
        BackgroundProcess up(up_args(dir), dir);
        ASSERT_THAT(up.wait_for_output("decnet is up", std::chrono::seconds(30)),
                    HasSubstr("REST API: http://127.0.0.1:18215/api/v1"))
            << up.err();
        const auto token = api_login(kBase, kPassword);
        ASSERT_FALSE(token.empty());
        const auto deckies = api_call(kBase, "GET", "/deckies", token).second;
        ASSERT_EQ(deckies.size(), 1u) << deckies.dump();
        const std::string host = deckies[0]["ip"];

        for (const char* source : {kA, kB}) {
            ssh_password_login(source, host, "root", "root");
            ssh_password_login(source, host, "deploy", "Xk9!vQ2#");
            ssh_password_login(source, host, "oracle", "Winter2025!");
        }
        ssh_password_login(kC, host, "root", "root");
        ssh_password_login(kC, host, kHostileUser, "a,\"b");

        // The profiler links within seconds of the bounties being stored.
        json page;
        for (int i = 0; i < 150; ++i) {
            page = identities(token);
            const auto c = attacker_by_ip(kBase, token, kC);
            if (page.is_object() && page["total"] == 1 && c.is_object() &&
                c["credential_count"] == 2)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_TRUE(page.is_object());
        ASSERT_EQ(page["total"], 1) << page.dump();
        const auto& identity = page["data"][0];
        identity_id = identity["id"];
        EXPECT_EQ(identity["members"], json({kA, kB})) << identity.dump();
        EXPECT_GE(identity["confidence"].get<double>(), 0.8) << identity.dump();
        std::set<std::string> kinds;
        for (const auto& e : identity["evidence"]) {
            kinds.insert(e["kind"]);
            EXPECT_EQ(e["ips"], json({kA, kB})) << e.dump();
            if (e["kind"] == "credential_set") {
                EXPECT_EQ(e["value"], "deploy:Xk9!vQ2#, oracle:Winter2025!");  // not root:root
            }
            if (e["kind"] == "ssh_client") {
                EXPECT_THAT(e["value"].get<std::string>(), HasSubstr("SSH-2.0-OpenSSH"));
            }
        }
        EXPECT_EQ(kinds, (std::set<std::string>{"credential_set", "ssh_client"}));

        // Detail: members with their profiles; attackers name their identity.
        const auto [status, detail] = api_call(kBase, "GET", "/identities/" + identity_id, token);
        ASSERT_EQ(status, 200) << detail.dump();
        ASSERT_EQ(detail["members"].size(), 2u);
        for (const auto& m : detail["members"]) {
            EXPECT_TRUE(m["attacker_uuid"].is_string()) << m.dump();
            EXPECT_TRUE(m["first_seen"].is_string()) << m.dump();
            EXPECT_TRUE(m["last_seen"].is_string()) << m.dump();
        }
        EXPECT_EQ(api_call(kBase, "GET", "/identities/nope", token).first, 404);
        EXPECT_EQ(api_call(kBase, "GET", "/identities", "").first, 401);
        EXPECT_EQ(attacker_by_ip(kBase, token, kA)["identity_id"], identity_id);
        EXPECT_EQ(attacker_by_ip(kBase, token, kB)["identity_id"], identity_id);
        EXPECT_TRUE(attacker_by_ip(kBase, token, kC)["identity_id"].is_null());
        const auto uuid_a = attacker_by_ip(kBase, token, kA)["uuid"].get<std::string>();
        EXPECT_EQ(api_call(kBase, "GET", "/attackers/" + uuid_a, token).second["identity_id"],
                  identity_id);

        // Exports of the live store.
        const auto stix =
            run_decnet({"export", "--format", "stix", "--db", db, "-o", dir + "/1.json"});
        ASSERT_EQ(stix.exit_code, 0) << stix.err;
        const auto check =
            capture("python3 " + std::string(DECNET_SOURCE_DIR) +
                    "/tests/integration/check_stix.py " + dir + "/1.json 2>&1; echo rc=$?");
        EXPECT_THAT(check, HasSubstr("0 problems")) << check;
        EXPECT_THAT(check, HasSubstr("rc=0")) << check;
        const auto bundle = read_file(dir + "/1.json");
        for (const char* ip : {kA, kB, kC})
            EXPECT_THAT(bundle, HasSubstr(std::string("[ipv4-addr:value = '") + ip + "']"));
        EXPECT_THAT(bundle, HasSubstr("\"external_id\": \"T1110\""));
        ASSERT_EQ(
            run_decnet({"export", "--format", "stix", "--db", db, "-o", dir + "/2.json"}).exit_code,
            0);
        EXPECT_EQ(stix_ids(dir + "/1.json"), stix_ids(dir + "/2.json"));

        const auto misp = run_decnet({"export", "--format", "misp", "--db", db});
        ASSERT_EQ(misp.exit_code, 0) << misp.err;
        const auto event = json::parse(misp.out)["Event"];
        std::set<std::string> sources, types;
        for (const auto& a : event["Attribute"]) {
            types.insert(a["type"]);
            if (a["type"] == "ip-src") sources.insert(a["value"]);
        }
        EXPECT_EQ(sources, (std::set<std::string>{kA, kB, kC}));
        EXPECT_TRUE(types.contains("hassh-md5"));
        EXPECT_THAT(misp.out,
                    HasSubstr("misp-galaxy:mitre-attack-pattern=\\\"Brute Force - T1110\\\""));

        const auto csv = run_decnet({"export", "--format", "csv", "--db", db, "--since", "1h"});
        ASSERT_EQ(csv.exit_code, 0) << csv.err;
        // The hostile user name starts C's credential cell: neutralised and quoted.
        EXPECT_THAT(csv.out, HasSubstr("\"'=1+2:a,\"\"b;root:root\"")) << csv.out;
        EXPECT_THAT(csv.out, ::testing::Not(HasSubstr(",=1+2")));
        const auto json_export = run_decnet({"export", "--format", "json", "--db", db});
        ASSERT_EQ(json_export.exit_code, 0);
        const auto exported = json::parse(json_export.out);
        EXPECT_EQ(exported["attackers"].size(), 3u);
        EXPECT_THAT(json_export.out, HasSubstr(identity_id));
        // --since in the future: nothing; a bad --since is a usage error.
        EXPECT_EQ(json::parse(run_decnet({"export", "--format", "json", "--db", db, "--since",
                                          "2999-01-01"})
                                  .out)["attackers"]
                      .size(),
                  0u);
        EXPECT_EQ(
            run_decnet({"export", "--format", "json", "--db", db, "--since", "soon"}).exit_code, 2);
        EXPECT_EQ(run_decnet({"export", "--format", "xml", "--db", db}).exit_code, 2);
    }
    // A restart keeps the identity and its id.
    BackgroundProcess up(up_args(dir), make_temp_dir());  // its own output files
    ASSERT_THAT(up.wait_for_output("decnet is up", std::chrono::seconds(30)), HasSubstr("REST API"))
        << up.err();
    const auto token = api_login(kBase, kPassword);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // its first linking round
    const auto page = identities(token);
    ASSERT_EQ(page["total"], 1) << page.dump();
    EXPECT_EQ(page["data"][0]["id"], identity_id);
}

}  // namespace
}  // namespace decnet::testing
