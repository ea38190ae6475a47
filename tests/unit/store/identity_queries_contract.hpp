// The identity queries as one set of checks run against every backend (SQLite here,
// MariaDB in mysql/), so both store and answer identities the same way.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include "store/repository.hpp"

namespace decnet::store::identity_contract {

inline IdentityRecord identity(const std::string& id, std::vector<std::string> members,
                               const std::string& last_seen) {
    IdentityRecord r;
    r.id = id;
    r.confidence = 0.865;
    r.members = std::move(members);
    r.evidence =
        R"([{"kind":"ssh_client","value":"h OpenSSH' \"x","weight":0.35,"ips":["a","b"]}])";
    r.first_seen = "2026-04-01 10:00:00.000000";
    r.last_seen = last_seen;
    r.updated_at = "2026-04-09 12:00:00.500000";
    return r;
}

inline void check_identity_queries(Repository& repo) {
    EXPECT_EQ(repo.count_identities(), 0);
    EXPECT_FALSE(repo.identity("i-1"));
    EXPECT_TRUE(repo.identity_ids_by_ip({"10.0.0.1"}).empty());
    repo.replace_identities(
        {identity("i-1", {"10.0.0.1", "10.0.0.2"}, "2026-04-09 12:00:00.000000"),
         identity("i-2", {"10.0.0.3", "10.0.0.4", "10.0.0.5"}, "2026-04-09 13:00:00.000000")});
    EXPECT_EQ(repo.count_identities(), 2);
    const auto page = repo.identities(50, 0);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, "i-2");  // last_seen DESC
    EXPECT_EQ(page[0].members, (std::vector<std::string>{"10.0.0.3", "10.0.0.4", "10.0.0.5"}));
    EXPECT_EQ(repo.identities(1, 1).at(0).id, "i-1");
    const auto one = repo.identity("i-1");
    ASSERT_TRUE(one);
    EXPECT_NEAR(one->confidence, 0.865, 1e-9);
    EXPECT_EQ(one->evidence, identity("i-1", {}, "").evidence);
    EXPECT_EQ(one->first_seen, "2026-04-01 10:00:00.000000");
    EXPECT_EQ(one->last_seen, "2026-04-09 12:00:00.000000");
    auto ids = repo.identity_ids_by_ip({"10.0.0.2", "10.0.0.4", "10.9.9.9"});
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::pair<std::string, std::string>>{{"10.0.0.2", "i-1"},
                                                                     {"10.0.0.4", "i-2"}}));
    // Replaced as a whole: i-2 is gone, its members too.
    repo.replace_identities(
        {identity("i-1", {"10.0.0.1", "10.0.0.2", "10.0.0.3"}, "2026-04-09 14:00:00.000000")});
    EXPECT_EQ(repo.count_identities(), 1);
    EXPECT_FALSE(repo.identity("i-2"));
    EXPECT_TRUE(repo.identity_ids_by_ip({"10.0.0.4"}).empty());
    EXPECT_EQ(repo.identity_ids_by_ip({"10.0.0.3"}).at(0).second, "i-1");
    // Bounty rows by id, ascending, after a cursor.
    std::vector<BountyRecord> bounties(3);
    for (int i = 0; i < 3; ++i) {
        bounties[i].decky = "d";
        bounties[i].service = "ssh";
        bounties[i].attacker_ip = "10.0.0.1";
        bounties[i].bounty_type = "credential";
        bounties[i].payload = R"({"username":"u","password":"p)" + std::to_string(i) + "\"}";
    }
    repo.insert_bounties(bounties);
    const auto all = repo.bounties_after_id(0, 10);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_LT(all[0].id, all[1].id);
    const auto rest = repo.bounties_after_id(all[0].id, 1);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].id, all[1].id);
    EXPECT_EQ(rest[0].payload, bounties[1].payload);
    // A developer reinit forgets identities with the rest.
    repo.purge_data();
    EXPECT_EQ(repo.count_identities(), 0);
    EXPECT_TRUE(repo.identity_ids_by_ip({"10.0.0.1"}).empty());
}

}  // namespace decnet::store::identity_contract
