// GET /bounty (api.md §1.5) and the attacker resources (§1.10–§1.12, §6.5; checks 29,
// 48–50), with their cache rules (§7).
#include "unit/api/read_test_support.hpp"

namespace decnet::api::read_test {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kBounty = "/api/v1/bounty";
constexpr const char* kAttackers = "/api/v1/attackers";
constexpr const char* kAttacker = "/api/v1/attackers/{uuid}";
constexpr const char* kCommands = "/api/v1/attackers/{uuid}/commands";

store::BountyRecord bounty(const std::string& ip, const std::string& type,
                           const std::string& payload) {
    store::BountyRecord b;
    b.timestamp = store::now_timestamp();
    b.decky = "decky-01";
    b.service = "ssh";
    b.attacker_ip = ip;
    b.bounty_type = type;
    b.payload = payload;
    return b;
}

store::AttackerRecord attacker(const std::string& uuid, const std::string& ip,
                               const std::string& last_seen, std::int64_t events, bool traversal,
                               const std::string& services) {
    store::AttackerRecord a;
    a.uuid = uuid;
    a.ip = ip;
    a.first_seen = "2026-04-01 10:00:00.000000";
    a.last_seen = last_seen;
    a.event_count = events;
    a.services = services;
    a.deckies = R"(["decky-01","decky-03"])";
    a.traversal_path = traversal ? std::optional<std::string>("decky-01 → decky-03") : std::nullopt;
    a.is_traversal = traversal;
    a.fingerprints =
        R"([{"id":1,"bounty_type":"fingerprint","payload":"{\"fingerprint_type\":\"ja3\"}"}])";
    a.commands =
        R"([{"service":"ssh","decky":"decky-01","command":"id","timestamp":"2026-04-01T10:00:00"},)"
        R"({"service":"telnet","decky":"decky-01","command":"ls","timestamp":"2026-04-01T10:01:00"},)"
        R"({"service":"ssh","decky":"decky-03","command":"uname -a","timestamp":"2026-04-01T10:02:00"}])";
    a.updated_at = "2026-04-09 12:00:00.123456";
    return a;
}

class BountyResource : public ReadApiTest {};
class AttackerResources : public ReadApiTest {
  protected:
    void seed() {
        store::AttackerBehaviorRecord behavior;
        behavior.attacker_uuid = "u-1";
        behavior.os_guess = "linux";
        behavior.hop_distance = 3;
        behavior.behavior_class = "brute_force";
        behavior.beacon_interval_s = 1.5;
        behavior.tool_guesses = R"("hydra")";
        behavior.timing_stats = R"({"mean":2})";
        behavior.updated_at = "2026-04-09 12:00:00.000000";
        repo_->upsert_attacker(attacker("u-1", "10.0.0.1", "2026-04-09 12:00:00.000000", 5, false,
                                        R"(["ssh","telnet"])"),
                               behavior);
        repo_->upsert_attacker(
            attacker("u-2", "10.0.0.2", "2026-04-09 13:00:00.000000", 50, false, R"(["http"])"),
            std::nullopt);
        repo_->upsert_attacker(
            attacker("u-3", "192.168.7.7", "2026-04-09 11:00:00.000000", 1, true, R"(["ssh"])"),
            std::nullopt);
    }
};

// --- bounty ---

TEST_F(BountyResource, ShapeEchoAndParsedPayload) {
    std::vector<store::BountyRecord> rows{
        bounty("1.1.1.1", "credential", R"({"username":"root","password":"toor"})"),
        bounty("2.2.2.2", "fingerprint", "not json")};
    store_->insert_bounties(rows);
    auto page = body(get(kBounty, {{"limit", "1"}, {"offset", "0"}}));
    EXPECT_EQ(page["total"], 2);
    EXPECT_EQ(page["limit"], 1);
    ASSERT_EQ(page["data"].size(), 1u);
    page = body(get(kBounty, {{"bounty_type", "credential"}}));
    ASSERT_EQ(page["total"], 1);
    const auto& row = page["data"][0];
    EXPECT_TRUE(row["payload"].is_object());
    EXPECT_EQ(row["payload"]["username"], "root");
    for (const char* key :
         {"id", "timestamp", "decky", "service", "attacker_ip", "bounty_type", "payload"})
        EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_NE(row["timestamp"].get<std::string>().find('T'), std::string::npos);
    page = body(get(kBounty, {{"bounty_type", "fingerprint"}}));
    EXPECT_EQ(page["data"][0]["payload"], "not json");  // raw text when unparseable
    EXPECT_EQ(body(get(kBounty, {{"search", "toor"}}))["total"], 1);
}

TEST_F(BountyResource, Validation) {
    for (const Query& bad : std::vector<Query>{
             {{"limit", "0"}}, {{"limit", "1001"}}, {{"offset", "-1"}}, {{"limit", "x"}}})
        EXPECT_EQ(get(kBounty, bad).status, 422);
    for (const auto& value : hostile_values())
        for (const char* name : {"bounty_type", "search"})
            EXPECT_EQ(get(kBounty, {{name, value}}).status, 200) << name;
}

TEST_F(BountyResource, OnlyTheDefaultPageIsCached) {
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kBounty).status, 200); });
    EXPECT_EQ(repo_->bounties_calls, 1);
    EXPECT_EQ(repo_->count_bounties_calls, 1);
    repo_->delay = std::chrono::milliseconds(0);
    get(kBounty, {{"limit", "50"}, {"offset", "0"}, {"search", "undefined"}});  // default too
    EXPECT_EQ(repo_->bounties_calls, 1);
    get(kBounty, {{"limit", "49"}});
    get(kBounty, {{"offset", "1"}});
    get(kBounty, {{"bounty_type", "credential"}});
    EXPECT_EQ(repo_->bounties_calls, 4);
}

TEST_F(BountyResource, DefaultPageExpires) {
    ReadCacheTtls ttls;
    ttls.bounty_default = std::chrono::milliseconds(100);
    use_ttls(ttls);
    EXPECT_EQ(body(get(kBounty))["total"], 0);
    std::vector<store::BountyRecord> rows{bounty("1.1.1.1", "credential", "{}")};
    store_->insert_bounties(rows);
    EXPECT_EQ(body(get(kBounty))["total"], 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(body(get(kBounty))["total"], 1);
}

// --- attackers ---

TEST_F(AttackerResources, EmptyListAndSortValidation) {
    EXPECT_EQ(get(kAttackers).body, R"({"total":0,"limit":50,"offset":0,"data":[]})");
    EXPECT_EQ(get(kAttackers, {{"sort_by", "foo"}}).status, 422);
    EXPECT_EQ(get(kAttackers, {{"sort_by", ""}}).status, 422);  // sort_by is not null-ish
    EXPECT_EQ(get(kAttackers, {{"sort_by", "recent; DROP TABLE attackers"}}).status, 422);
    for (const char* sort : {"recent", "active", "traversals"})
        EXPECT_EQ(get(kAttackers, {{"sort_by", sort}}).status, 200);
    EXPECT_EQ(get(kAttackers, {{"limit", "0"}}).status, 422);
    EXPECT_EQ(get(kAttackers, {{"limit", "1001"}}).status, 422);
}

TEST_F(AttackerResources, RowsCarryParsedListsAndBehaviour) {
    seed();
    const auto page = body(get(kAttackers));
    EXPECT_EQ(page["total"], 3);
    ASSERT_EQ(page["data"].size(), 3u);
    EXPECT_EQ(page["data"][0]["uuid"], "u-2");  // recent: last_seen DESC
    const auto& one = page["data"][1];
    EXPECT_EQ(one["uuid"], "u-1");
    EXPECT_EQ(one["services"], nlohmann::json::parse(R"(["ssh","telnet"])"));
    EXPECT_TRUE(one["deckies"].is_array());
    EXPECT_TRUE(one["commands"].is_array());
    EXPECT_EQ(one["fingerprints"][0]["payload"]["fingerprint_type"], "ja3");
    EXPECT_EQ(one["first_seen"], "2026-04-01T10:00:00");
    EXPECT_EQ(one["updated_at"], "2026-04-09T12:00:00.123456");
    EXPECT_FALSE(one["is_traversal"].get<bool>());
    ASSERT_TRUE(one["behavior"].is_object());
    EXPECT_EQ(one["behavior"]["os_guess"], "linux");
    EXPECT_EQ(one["behavior"]["hop_distance"], 3);
    EXPECT_EQ(one["behavior"]["beacon_interval_s"], 1.5);
    EXPECT_EQ(one["behavior"]["tool_guesses"], nlohmann::json::parse(R"(["hydra"])"));
    EXPECT_EQ(one["behavior"]["timing_stats"]["mean"], 2);
    EXPECT_EQ(one["behavior"]["tcp_fingerprint"], nlohmann::json::object());
    EXPECT_TRUE(page["data"][0]["behavior"].is_null());
    EXPECT_EQ(repo_->behavior_bulk_calls, 1);  // one query for the page
}

TEST_F(AttackerResources, SortsFiltersAndPagination) {
    seed();
    EXPECT_EQ(body(get(kAttackers, {{"sort_by", "active"}}))["data"][0]["uuid"], "u-2");
    EXPECT_EQ(body(get(kAttackers, {{"sort_by", "traversals"}}))["data"][0]["uuid"], "u-3");
    auto page = body(get(kAttackers, {{"search", "10.0.0"}}));
    EXPECT_EQ(page["total"], 2);
    page = body(get(kAttackers, {{"service", "ssh"}}));
    EXPECT_EQ(page["total"], 2);
    for (const auto& row : page["data"]) EXPECT_NE(row["uuid"], "u-2");
    EXPECT_EQ(body(get(kAttackers, {{"service", "ss"}}))["total"], 0);  // element match
    page = body(get(kAttackers, {{"limit", "2"}, {"offset", "2"}}));
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(page["data"].size(), 1u);
    // LIKE wildcards in `search` stay wildcards (as in the reference); nothing else leaks.
    for (const auto& value : hostile_values())
        for (const char* name : {"search", "service"}) {
            const auto response = get(kAttackers, {{name, value}});
            ASSERT_EQ(response.status, 200) << name;
            const bool wildcard = name == std::string("search") && (value == "%" || value == "_");
            EXPECT_EQ(body(response)["total"], wildcard ? 3 : 0) << name << " " << value;
        }
    EXPECT_EQ(store_->count_attackers({}), 3);
}

TEST_F(AttackerResources, UnfilteredTotalIsCachedFilteredIsNot) {
    seed();
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kAttackers).status, 200); });
    EXPECT_EQ(repo_->count_attackers_calls, 1);
    repo_->delay = std::chrono::milliseconds(0);
    get(kAttackers, {{"sort_by", "active"}, {"limit", "3"}, {"search", "null"}});
    EXPECT_EQ(repo_->count_attackers_calls, 1);  // sort/limit/null-ish do not matter
    get(kAttackers, {{"service", "ssh"}});
    get(kAttackers, {{"service", "ssh"}});
    EXPECT_EQ(repo_->count_attackers_calls, 3);
    std::lock_guard lock(repo_->filters_mutex);
    EXPECT_EQ(repo_->count_attacker_filters.back().service, "ssh");
}

TEST_F(AttackerResources, DetailAndNotFound) {
    seed();
    auto response = get(kAttacker, {}, {{"uuid", "nonexistent"}});
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body, R"({"detail":"Attacker not found"})");
    response = get(kAttacker, {}, {{"uuid", "' OR 1=1 --"}});
    EXPECT_EQ(response.status, 404);
    const auto detail_body = body(get(kAttacker, {}, {{"uuid", "u-1"}}));
    EXPECT_EQ(detail_body["ip"], "10.0.0.1");
    EXPECT_EQ(detail_body["behavior"]["behavior_class"], "brute_force");
    EXPECT_TRUE(body(get(kAttacker, {}, {{"uuid", "u-2"}}))["behavior"].is_null());
}

TEST_F(AttackerResources, CountryAndAsnAreNullOrTheStoredValues) {
    seed();
    auto located =
        attacker("u-4", "198.51.100.7", "2026-04-09 14:00:00.000000", 2, false, R"(["ssh"])");
    located.country = "DE";
    located.country_name = "Germany";
    located.asn = 64500;
    located.as_org = "Example Transit GmbH";
    repo_->upsert_attacker(located, std::nullopt);
    const auto detail = body(get(kAttacker, {}, {{"uuid", "u-4"}}));
    EXPECT_EQ(detail["country"], "DE");
    EXPECT_EQ(detail["country_name"], "Germany");
    EXPECT_EQ(detail["asn"], 64500);
    EXPECT_EQ(detail["as_org"], "Example Transit GmbH");
    const auto listed = body(get(kAttackers));  // kept: the loop walks a part of it
    for (const auto& a : listed["data"]) {
        ASSERT_TRUE(a.contains("asn"));
        EXPECT_EQ(a["asn"].is_null(), a["uuid"] != "u-4") << a.dump();
        EXPECT_EQ(a["country"].is_null(), a["uuid"] != "u-4") << a.dump();
    }
}

TEST_F(AttackerResources, CommandsFilterCountAndSlice) {
    seed();
    EXPECT_EQ(get(kCommands, {}, {{"uuid", "nonexistent"}}).status, 404);
    EXPECT_EQ(get(kCommands, {{"limit", "201"}}, {{"uuid", "nonexistent"}}).status, 422);
    EXPECT_EQ(get(kCommands, {{"limit", "0"}}, {{"uuid", "u-1"}}).status, 422);
    EXPECT_EQ(get(kCommands, {{"limit", "200"}}, {{"uuid", "u-1"}}).status, 200);
    auto page = body(get(kCommands, {{"service", "ssh"}}, {{"uuid", "u-1"}}));
    EXPECT_EQ(page["total"], 2);
    ASSERT_EQ(page["data"].size(), 2u);
    for (const auto& c : page["data"]) EXPECT_EQ(c["service"], "ssh");
    EXPECT_EQ(page["data"][1]["command"], "uname -a");  // stored order
    page = body(get(kCommands, {{"limit", "1"}, {"offset", "1"}}, {{"uuid", "u-1"}}));
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(page["data"][0]["command"], "ls");
    page = body(get(kCommands, {{"offset", "10"}}, {{"uuid", "u-1"}}));
    EXPECT_EQ(page["total"], 3);
    EXPECT_TRUE(page["data"].empty());
    EXPECT_EQ(body(get(kCommands, {{"service", "null"}}, {{"uuid", "u-1"}}))["total"], 3);
}

}  // namespace
}  // namespace decnet::api::read_test

// Fingerprints of the attacker with first seen (the deduplicated bounty's insertion) and last
// seen (the newest stored prober event with the same hash).
namespace decnet::api::read_test {
namespace {

TEST_F(AttackerResources, DetailListsFingerprintSightings) {
    seed();
    std::vector<store::BountyRecord> rows{
        bounty(
            "10.0.0.1", "fingerprint",
            R"({"fingerprint_type":"jarm","hash":"2ad2ad0002ad2ad","target_ip":"10.0.0.1","target_port":"443"})"),
        bounty("10.0.0.1", "credential", R"({"username":"root","password":"toor"})"),
        bounty("10.0.0.2", "fingerprint", R"({"fingerprint_type":"jarm","hash":"other"})")};
    store_->insert_bounties(rows);
    std::vector<store::LogRecord> logs(2);
    for (auto& log : logs) {
        log.decky = "decnet-prober";
        log.service = "prober";
        log.event_type = "jarm_fingerprint";
        log.attacker_ip = "10.0.0.1";
        log.fields =
            R"({"target_ip":"10.0.0.1","target_port":"443","jarm_hash":"2ad2ad0002ad2ad"})";
    }
    logs[0].timestamp = "2099-01-01 00:00:00.000000";
    logs[1].timestamp = "2098-01-01 00:00:00.000000";
    store_->insert_logs(logs);
    const auto detail = body(get(kAttacker, {}, {{"uuid", "u-1"}}));
    const auto& sightings = detail["fingerprint_sightings"];
    ASSERT_EQ(sightings.size(), 1u) << detail.dump();
    EXPECT_EQ(sightings[0]["fingerprint_type"], "jarm");
    EXPECT_EQ(sightings[0]["value"], "2ad2ad0002ad2ad");
    EXPECT_EQ(sightings[0]["last_seen"], "2099-01-01T00:00:00");
    EXPECT_LT(sightings[0]["first_seen"].get<std::string>(), "2099");
    EXPECT_EQ(sightings[0]["payload"]["target_port"], "443");
    EXPECT_TRUE(body(get(kAttacker, {}, {{"uuid", "u-3"}}))["fingerprint_sightings"].empty());
}

}  // namespace
}  // namespace decnet::api::read_test

namespace decnet::api::read_test {
namespace {

// GET /identities and /identities/{id} (docs/INTEL.md); attackers name their identity.
TEST_F(AttackerResources, IdentitiesListDetailAndAttackerLinks) {
    seed();
    store::IdentityRecord identity;
    identity.id = "i-1";
    identity.confidence = 0.805;
    identity.members = {"10.0.0.1", "10.0.0.9"};
    identity.evidence =
        R"([{"kind":"ssh_client","value":"h v","weight":0.35,"ips":["10.0.0.1","10.0.0.9"]}])";
    identity.first_seen = "2026-04-01 10:00:00.000000";
    identity.last_seen = "2026-04-09 12:00:00.000000";
    identity.updated_at = "2026-04-09 12:00:01.000000";
    repo_->replace_identities({identity});
    const auto page = body(get("/api/v1/identities"));
    EXPECT_EQ(page["total"], 1);
    EXPECT_EQ(page["data"][0]["id"], "i-1");
    EXPECT_EQ(page["data"][0]["member_count"], 2);
    EXPECT_EQ(page["data"][0]["evidence"][0]["kind"], "ssh_client");
    EXPECT_EQ(page["data"][0]["first_seen"], "2026-04-01T10:00:00");
    EXPECT_EQ(get("/api/v1/identities", {{"limit", "0"}}).status, 422);
    const auto detail = body(get("/api/v1/identities/{id}", {}, {{"id", "i-1"}}));
    ASSERT_EQ(detail["members"].size(), 2u);
    EXPECT_EQ(detail["members"][0]["attacker_uuid"], "u-1");
    EXPECT_EQ(detail["members"][0]["last_seen"], "2026-04-09T12:00:00");
    EXPECT_TRUE(detail["members"][1]["attacker_uuid"].is_null());  // no profile yet
    EXPECT_EQ(get("/api/v1/identities/{id}", {}, {{"id", "nope"}}).status, 404);
    const auto attackers = body(get(kAttackers));
    for (const auto& a : attackers["data"])
        EXPECT_EQ(a["identity_id"], a["uuid"] == "u-1" ? nlohmann::json("i-1") : nlohmann::json());
    EXPECT_EQ(body(get(kAttacker, {}, {{"uuid", "u-1"}}))["identity_id"], "i-1");
}

}  // namespace
}  // namespace decnet::api::read_test
