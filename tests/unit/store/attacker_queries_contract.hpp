// The attacker queries of api.md §6.5 as one set of checks run against every backend
// (SQLite here, MariaDB in mysql/), so both answer the API the same way.
#pragma once

#include <gtest/gtest.h>

#include "store/repository.hpp"

namespace decnet::store::attacker_contract {

inline AttackerRecord attacker(const std::string& uuid, const std::string& ip,
                               const std::string& last_seen, std::int64_t events, bool traversal,
                               const std::string& services) {
    AttackerRecord a;
    a.uuid = uuid;
    a.ip = ip;
    a.first_seen = "2026-04-01 10:00:00.000000";
    a.last_seen = last_seen;
    a.event_count = events;
    a.services = services;
    a.deckies = R"(["decky-01"])";
    a.is_traversal = traversal;
    if (traversal) a.traversal_path = "decky-01 → decky-02";
    a.commands = R"([{"service":"ssh","command":"id"}])";
    a.attack_techniques = R"({"T1059.004":1,"T1110":4})";
    a.updated_at = "2026-04-09 12:00:00.500000";
    return a;
}

inline void seed(Repository& repo) {
    AttackerBehaviorRecord b;
    b.attacker_uuid = "u-1";
    b.os_guess = "linux";
    b.hop_distance = 4;
    b.beacon_interval_s = 2.5;
    b.tool_guesses = R"(["nmap"])";
    b.updated_at = "2026-04-09 12:00:00.000000";
    repo.upsert_attacker(
        attacker("u-1", "10.0.0.1", "2026-04-09 12:00:00.000000", 5, false, R"(["ssh","ftp"])"), b);
    auto located =
        attacker("u-2", "10.0.0.2", "2026-04-09 13:00:00.000000", 50, false, R"(["http"])");
    located.country = "DE";
    located.country_name = "Germany";
    located.asn = 4294967295;  // the largest 32-bit ASN
    located.as_org = "Example Transit GmbH";
    repo.upsert_attacker(located, std::nullopt);
    repo.upsert_attacker(
        attacker("u-3", "192.168.0.3", "2026-04-09 11:00:00.000000", 1, true, R"(["SSH"])"),
        std::nullopt);
}

inline std::vector<std::string> uuids(const std::vector<AttackerRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.uuid);
    return out;
}

inline void check_attacker_queries(Repository& repo) {
    using V = std::vector<std::string>;
    EXPECT_TRUE(repo.attackers({}, AttackerSort::recent, 50, 0).empty());
    EXPECT_EQ(repo.count_attackers({}), 0);
    EXPECT_FALSE(repo.attacker("u-1"));
    EXPECT_FALSE(repo.attacker_commands("u-1"));
    seed(repo);
    EXPECT_EQ(uuids(repo.attackers({}, AttackerSort::recent, 50, 0)), (V{"u-2", "u-1", "u-3"}));
    EXPECT_EQ(uuids(repo.attackers({}, AttackerSort::active, 50, 0)), (V{"u-2", "u-1", "u-3"}));
    EXPECT_EQ(uuids(repo.attackers({}, AttackerSort::traversals, 1, 0)), (V{"u-3"}));
    EXPECT_EQ(uuids(repo.attackers({}, AttackerSort::recent, 2, 2)), (V{"u-3"}));
    AttackerFilter search;
    search.search = "10.0.0";
    EXPECT_EQ(repo.count_attackers(search), 2);
    AttackerFilter service;
    service.service = "ssh";  // exact, case-sensitive element: not "SSH"
    EXPECT_EQ(uuids(repo.attackers(service, AttackerSort::recent, 50, 0)), (V{"u-1"}));
    EXPECT_EQ(repo.count_attackers(service), 1);
    service.service = "ss";
    EXPECT_EQ(repo.count_attackers(service), 0);
    for (const std::string hostile : {"' OR 1=1 --", "\"); DROP TABLE attackers; --", "\\"}) {
        AttackerFilter f;
        f.search = hostile;
        f.service = hostile;
        EXPECT_EQ(repo.count_attackers(f), 0);
        EXPECT_TRUE(repo.attackers(f, AttackerSort::recent, 50, 0).empty());
    }
    EXPECT_EQ(repo.count_attackers({}), 3);

    const auto one = repo.attacker("u-1");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->ip, "10.0.0.1");
    EXPECT_EQ(one->services, R"(["ssh","ftp"])");
    EXPECT_EQ(one->updated_at, "2026-04-09 12:00:00.500000");
    EXPECT_EQ(one->attack_techniques, R"({"T1059.004":1,"T1110":4})");
    EXPECT_FALSE(one->traversal_path);
    EXPECT_FALSE(one->country || one->country_name || one->asn || one->as_org);
    const auto two = repo.attacker("u-2");
    ASSERT_TRUE(two);
    EXPECT_EQ(two->country, "DE");
    EXPECT_EQ(two->country_name, "Germany");
    EXPECT_EQ(two->asn, 4294967295);
    EXPECT_EQ(two->as_org, "Example Transit GmbH");
    EXPECT_EQ(repo.attacker("u-3")->traversal_path, "decky-01 → decky-02");
    EXPECT_EQ(repo.attacker_commands("u-1"), R"([{"service":"ssh","command":"id"}])");

    const auto behaviour = repo.attacker_behavior("u-1");
    ASSERT_TRUE(behaviour);
    EXPECT_EQ(behaviour->os_guess, "linux");
    EXPECT_EQ(behaviour->hop_distance, 4);
    EXPECT_EQ(behaviour->beacon_interval_s, 2.5);
    EXPECT_FALSE(behaviour->beacon_jitter_pct);
    EXPECT_FALSE(behaviour->behavior_class);
    EXPECT_EQ(behaviour->tcp_fingerprint, "{}");
    EXPECT_FALSE(repo.attacker_behavior("u-2"));

    const auto bulk = repo.attacker_behaviors_by_ip({"10.0.0.1", "10.0.0.2", "10.0.0.1", "x'"});
    ASSERT_EQ(bulk.size(), 1u);
    EXPECT_EQ(bulk[0].first, "10.0.0.1");
    EXPECT_EQ(bulk[0].second.attacker_uuid, "u-1");
    EXPECT_TRUE(repo.attacker_behaviors_by_ip({}).empty());

    // Upsert replaces by uuid, behaviour included.
    auto changed = attacker("u-1", "10.0.0.1", "2026-04-10 00:00:00.000000", 6, false, "[]");
    AttackerBehaviorRecord b2;
    b2.attacker_uuid = "u-1";
    b2.behavior_class = "scanning";
    b2.updated_at = "2026-04-10 00:00:00.000000";
    repo.upsert_attacker(changed, b2);
    EXPECT_EQ(repo.count_attackers({}), 3);
    EXPECT_EQ(repo.attacker("u-1")->event_count, 6);
    EXPECT_EQ(repo.attacker_behavior("u-1")->behavior_class, "scanning");
    EXPECT_FALSE(repo.attacker_behavior("u-1")->os_guess);
}

}  // namespace decnet::store::attacker_contract
