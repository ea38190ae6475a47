// Identities (intel/identity): evidence from bounty rows, what links and what must not,
// confidence, stable ids.
#include "intel/identity/identity_linker.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "intel/uuid_v5.hpp"

namespace decnet::intel {
namespace {

using Obs = std::vector<Observation>;

void credentials(Obs& out, const std::string& ip, const std::vector<std::string>& pairs) {
    for (const auto& p : pairs) out.push_back({ip, "credential", p, "2026-04-01 10:00:00.000000"});
}

Observation ssh(const std::string& ip, const std::string& client = "h1 SSH-2.0-OpenSSH_9.2p1") {
    return {ip, "ssh_client", client, "2026-04-01 11:00:00.000000"};
}

TEST(UuidV5, MatchesTheRfcExample) {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    EXPECT_EQ(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
              "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(IdentityEvidence, FromBountyRows) {
    store::BountyRecord b;
    b.attacker_ip = "10.0.0.1";
    b.timestamp = "2026-04-01 10:00:00.000000";
    b.bounty_type = "credential";
    b.payload = R"({"username":"deploy","password":"Xk9:q"})";
    auto o = observations_of(b);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0].kind, "credential");
    EXPECT_EQ(o[0].value, "deploy:Xk9:q");
    b.bounty_type = "fingerprint";
    b.payload = R"({"fingerprint_type":"hassh","hash":"abc","client_version":"SSH-2.0-Go"})";
    o = observations_of(b);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0].value, "abc SSH-2.0-Go");
    b.payload = R"({"fingerprint_type":"ja3","ja3":"j3","ja4":"t13d1516h2_x_y"})";
    EXPECT_EQ(observations_of(b).at(0).kind, "ja4");
    b.payload = R"({"fingerprint_type":"http_useragent","value":"curl/8"})";
    EXPECT_TRUE(observations_of(b).empty());
    b.bounty_type = "artifact";
    b.payload = R"({"sha256":"aa"})";
    EXPECT_EQ(observations_of(b).at(0).kind, "artifact");
    for (const char* bad : {"", "{", "[]", R"({"username":1,"password":2})"}) {
        b.bounty_type = "credential";
        b.payload = bad;
        EXPECT_TRUE(observations_of(b).empty()) << bad;
    }
    b.attacker_ip = "Unknown";
    b.payload = R"({"username":"a","password":"b"})";
    EXPECT_TRUE(observations_of(b).empty());
}

TEST(IdentityLinking, SameCredentialListAndClientLinkOthersDoNot) {
    Obs o;
    credentials(o, "10.0.0.1", {"root:root", "deploy:Xk9!", "oracle:Winter25"});
    credentials(o, "10.0.0.2", {"root:root", "deploy:Xk9!", "oracle:Winter25"});
    credentials(o, "10.0.0.3", {"root:root", "admin:admin"});  // only defaults in common
    o.push_back(ssh("10.0.0.1"));
    o.push_back(ssh("10.0.0.2"));
    const auto ids = link_identities(o, {}, "2026-04-02 00:00:00.000000");
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids[0].members, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
    // credential list of 2 uncommon pairs (0.7) and the SSH client (0.35): 1 - 0.3 * 0.65
    EXPECT_DOUBLE_EQ(ids[0].confidence, 0.805);
    EXPECT_EQ(ids[0].id, uuid_v5(kIdentityNamespace, "identity:10.0.0.1"));
    const auto evidence = nlohmann::json::parse(ids[0].evidence);
    ASSERT_EQ(evidence.size(), 2u);
    EXPECT_EQ(evidence[0]["kind"], "credential_set");
    EXPECT_EQ(evidence[0]["value"], "deploy:Xk9!, oracle:Winter25");
    EXPECT_EQ(evidence[0]["ips"], nlohmann::json({"10.0.0.1", "10.0.0.2"}));
    EXPECT_EQ(evidence[1]["kind"], "ssh_client");
    EXPECT_EQ(ids[0].first_seen, "2026-04-01 10:00:00.000000");
    EXPECT_EQ(ids[0].last_seen, "2026-04-01 11:00:00.000000");
}

TEST(IdentityLinking, WeakEvidenceAloneDoesNotLink) {
    Obs o;
    o.push_back(ssh("10.0.0.1"));  // every OpenSSH 9.2 user shares this
    o.push_back(ssh("10.0.0.2"));
    credentials(o, "10.0.0.1", {"root:root", "admin:admin", "pi:raspberry"});
    credentials(o, "10.0.0.2", {"root:root", "admin:admin", "pi:raspberry"});
    EXPECT_TRUE(link_identities(o, {}, "now").empty());
    // JA4 + HASSH + client version together do.
    o.push_back({"10.0.0.1", "ja4", "t13d1516h2_8daaf6152771_02713d6af862", "t"});
    o.push_back({"10.0.0.2", "ja4", "t13d1516h2_8daaf6152771_02713d6af862", "t"});
    const auto ids = link_identities(o, {}, "now");
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_DOUBLE_EQ(ids[0].confidence, 0.545);
}

TEST(IdentityLinking, ValuesManyIpsShareAreCommon) {
    Obs o;
    for (int i = 0; i < 20; ++i)
        o.push_back({"10.0.1." + std::to_string(i), "artifact", "mirai-sha", "t"});
    EXPECT_TRUE(link_identities(o, {}, "now").empty());
    IdentityOptions wide;
    wide.max_ips_per_value = 32;
    wide.max_members = 8;  // and groups stay bounded
    const auto ids = link_identities(o, {}, "now", wide);
    ASSERT_FALSE(ids.empty());
    for (const auto& id : ids) EXPECT_LE(id.members.size(), 8u);
}

TEST(IdentityLinking, ArtifactLinksAndGroupsChainByWeakestLink) {
    Obs o;
    o.push_back({"10.0.0.1", "artifact", "sha-a", "t"});
    o.push_back({"10.0.0.2", "artifact", "sha-a", "t"});
    o.push_back({"10.0.0.2", "ssh_client", "c", "t"});
    o.push_back({"10.0.0.3", "ssh_client", "c", "t"});
    o.push_back({"10.0.0.2", "ja4", "j", "t"});
    o.push_back({"10.0.0.3", "ja4", "j", "t"});
    const auto ids = link_identities(o, {}, "now");
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids[0].members.size(), 3u);
    EXPECT_DOUBLE_EQ(ids[0].confidence, 0.545);  // 2–3 is weaker than 1–2 (0.8)
}

TEST(IdentityLinking, IdsSurviveRecomputationAndGrowth) {
    Obs o;
    o.push_back({"10.0.0.5", "artifact", "sha-a", "t"});
    o.push_back({"10.0.0.9", "artifact", "sha-a", "t"});
    const auto first = link_identities(o, {}, "now");
    ASSERT_EQ(first.size(), 1u);
    // A new member sorting first does not rename the group.
    o.push_back({"10.0.0.1", "artifact", "sha-a", "t"});
    const auto again =
        link_identities(o, {{"10.0.0.5", first[0].id}, {"10.0.0.9", first[0].id}}, "now");
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].id, first[0].id);
    EXPECT_EQ(again[0].members.size(), 3u);
}

TEST(IdentityLinking, HostileValuesStayJson) {
    Obs o;
    const std::string hostile = "\"]}\n\x01'; DROP TABLE x; --\xff\xfe ☃";
    credentials(o, "10.0.0.1", {hostile + ":a", "b:" + hostile});
    credentials(o, "10.0.0.2", {hostile + ":a", "b:" + hostile});
    const auto ids = link_identities(o, {}, "now");
    ASSERT_EQ(ids.size(), 1u);
    const auto evidence = nlohmann::json::parse(ids[0].evidence, nullptr, false);
    ASSERT_TRUE(evidence.is_array());
    EXPECT_EQ(evidence[0]["kind"], "credential_set");
}

}  // namespace
}  // namespace decnet::intel
