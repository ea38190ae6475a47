// Evidence from bounty rows, pair scores, groups by strongest links first, stable ids.
// The scoring is explained in docs/INTEL.md; the weights live here, in one table.
#include "intel/identity/identity_linker.hpp"


#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "intel/uuid_v5.hpp"

namespace decnet::intel {
namespace {

using json = nlohmann::ordered_json;

// Evidence weights: the probability-like strength of one shared value, combined across
// kinds as a noisy-OR (1 - Π(1 - w)). See docs/INTEL.md for the reasoning.
constexpr double kArtifactWeight = 0.8;    // the same downloaded file (sha256)
constexpr double kSshClientWeight = 0.35;  // HASSH + SSH client version
constexpr double kJa4Weight = 0.3;         // TLS client (JA4)
constexpr double kCredentialSet2 = 0.7;    // the same list of 2 uncommon pairs
constexpr double kCredentialSet3 = 0.85;   // ... of 3 or more
constexpr double kSharedCredential = 0.2;  // one uncommon pair in common (at most 3 count)
constexpr int kMaxSharedCredentials = 3;

std::string field(const json& payload, const char* key) {
    const auto it = payload.find(key);
    if (it == payload.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

std::string cut(std::string value, std::size_t max) {
    if (value.size() > max) value.resize(max);
    return value;
}

double noisy_or(const std::vector<double>& weights) {
    double miss = 1.0;
    for (const double w : weights) miss *= 1.0 - w;
    return std::round((1.0 - miss) * 1000.0) / 1000.0;
}

struct UnionFind {
    std::vector<std::size_t> parent, size;
    explicit UnionFind(std::size_t n) : parent(n), size(n, 1) {
        std::iota(parent.begin(), parent.end(), std::size_t{0});
    }
    std::size_t find(std::size_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
};

// One candidate link between two IPs (indices into the IP table, a < b).
struct Pair {
    std::vector<std::size_t> values;  // shared values (indices into the value table)
    bool same_credential_set = false;
    double confidence = 0;
};

}  // namespace

bool common_credential(const std::string& pair) {
    // The defaults every scanner and Mirai-style bot tries first; any pair the store sees
    // from more than max_ips_per_value IPs is treated the same way.
    static const std::unordered_set<std::string> common{"root:root",
                                                        "root:toor",
                                                        "root:admin",
                                                        "root:password",
                                                        "root:123456",
                                                        "root:12345",
                                                        "root:1234",
                                                        "root:12345678",
                                                        "root:123",
                                                        "root:pass",
                                                        "root:default",
                                                        "root:raspberry",
                                                        "root:ubuntu",
                                                        "root:test",
                                                        "root:qwerty",
                                                        "root:letmein",
                                                        "root:changeme",
                                                        "root:vizxv",
                                                        "root:xc3511",
                                                        "root:888888",
                                                        "root:666666",
                                                        "root:1",
                                                        "root:111111",
                                                        "root:000000",
                                                        "admin:admin",
                                                        "admin:password",
                                                        "admin:123456",
                                                        "admin:1234",
                                                        "admin:12345",
                                                        "admin:admin123",
                                                        "admin:pass",
                                                        "admin:default",
                                                        "admin:changeme",
                                                        "user:user",
                                                        "user:password",
                                                        "test:test",
                                                        "guest:guest",
                                                        "pi:raspberry",
                                                        "ubuntu:ubuntu",
                                                        "oracle:oracle",
                                                        "postgres:postgres",
                                                        "support:support",
                                                        "administrator:password",
                                                        "ftp:ftp",
                                                        "anonymous:anonymous",
                                                        "demo:demo",
                                                        "git:git",
                                                        "sa:sa"};
    return common.contains(pair) || pair.ends_with(":");
}

std::vector<Observation> observations_of(const store::BountyRecord& row,
                                         const IdentityOptions& options) {
    std::vector<Observation> out;
    if (row.attacker_ip.empty() || row.attacker_ip == "Unknown") return out;
    const json payload = json::parse(row.payload, nullptr, false);
    if (!payload.is_object()) return out;
    const auto add = [&](const char* kind, std::string value) {
        if (value.empty()) return;
        out.push_back(
            {row.attacker_ip, kind, cut(std::move(value), options.max_value_bytes), row.timestamp});
    };
    if (row.bounty_type == "credential") {
        // Both sides as the emulator captured them; JSON strings only (a number is a bug).
        const auto user = payload.find("username");
        const auto pass = payload.find("password");
        if (user != payload.end() && pass != payload.end() && user->is_string() &&
            pass->is_string())
            add("credential", user->get<std::string>() + ":" + pass->get<std::string>());
    } else if (row.bounty_type == "artifact") {
        add("artifact", field(payload, "sha256"));
    } else if (row.bounty_type == "fingerprint") {
        const auto type = field(payload, "fingerprint_type");
        if (type == "ja3") add("ja4", field(payload, "ja4"));
        if (type == "hassh") {
            auto value = field(payload, "hash");
            const auto version = field(payload, "client_version");
            if (!value.empty() && !version.empty()) value += " " + version;
            add("ssh_client", std::move(value));
        }
    }
    return out;
}

std::vector<store::IdentityRecord> link_identities(
    const std::vector<Observation>& observations,
    const std::map<std::string, std::string>& previous, const std::string& now,
    const IdentityOptions& options) {
    // Intern IPs and (kind, value); per IP its values and seen times.
    std::vector<std::string> ips;
    std::unordered_map<std::string, std::size_t> ip_index;
    struct Value {
        std::string kind, value;
        std::vector<std::size_t> holders;  // sorted at the end; capped at max + 1
    };
    std::vector<Value> values;
    std::map<std::pair<std::string, std::string>, std::size_t> value_index;
    std::vector<std::set<std::size_t>> ip_values;
    std::vector<std::pair<std::string, std::string>> seen;  // per IP: first, last
    for (const auto& o : observations) {
        auto [ip_it, new_ip] = ip_index.try_emplace(o.ip, ips.size());
        if (new_ip) {
            ips.push_back(o.ip);
            ip_values.emplace_back();
            seen.emplace_back(o.timestamp, o.timestamp);
        }
        const auto ip = ip_it->second;
        auto& [first, last] = seen[ip];
        if (o.timestamp < first) first = o.timestamp;
        if (o.timestamp > last) last = o.timestamp;
        if (o.kind == "credential" && ip_values[ip].size() >= options.max_credentials_per_ip)
            continue;
        auto [v_it, new_value] = value_index.try_emplace({o.kind, o.value}, values.size());
        if (new_value) values.push_back({o.kind, o.value, {}});
        auto& holders = values[v_it->second].holders;
        if (ip_values[ip].insert(v_it->second).second &&
            holders.size() <= options.max_ips_per_value)
            holders.push_back(ip);
    }
    const auto usable = [&](std::size_t v) {
        const auto& value = values[v];
        if (value.holders.size() > options.max_ips_per_value) return false;
        return value.kind != "credential" || !common_credential(value.value);
    };

    // Candidate pairs: IPs holding the same usable value.
    std::map<std::pair<std::size_t, std::size_t>, Pair> pairs;
    for (std::size_t v = 0; v < values.size(); ++v) {
        if (!usable(v)) continue;
        const auto& holders = values[v].holders;
        for (std::size_t i = 0; i < holders.size(); ++i)
            for (std::size_t j = i + 1; j < holders.size(); ++j) {
                const auto a = std::min(holders[i], holders[j]);
                const auto b = std::max(holders[i], holders[j]);
                const auto it = pairs.find({a, b});
                if (it != pairs.end())
                    it->second.values.push_back(v);
                else if (pairs.size() < options.max_pairs)
                    pairs[{a, b}].values.push_back(v);
            }
    }
    // Each IP's list of uncommon credentials, compared whole.
    std::vector<std::vector<std::size_t>> credential_sets(ips.size());
    for (std::size_t ip = 0; ip < ips.size(); ++ip)
        for (const auto v : ip_values[ip])
            if (values[v].kind == "credential" && usable(v)) credential_sets[ip].push_back(v);

    std::vector<std::pair<std::pair<std::size_t, std::size_t>, Pair*>> links;
    for (auto& [key, pair] : pairs) {
        std::vector<double> weights;
        bool ja4 = false, ssh = false;
        int shared_credentials = 0;
        const auto& set_a = credential_sets[key.first];
        pair.same_credential_set = set_a.size() >= 2 && set_a == credential_sets[key.second];
        if (pair.same_credential_set)
            weights.push_back(set_a.size() >= 3 ? kCredentialSet3 : kCredentialSet2);
        for (const auto v : pair.values) {
            const auto& kind = values[v].kind;
            if (kind == "artifact") weights.push_back(kArtifactWeight);
            if (kind == "ja4" && !ja4) {
                ja4 = true;
                weights.push_back(kJa4Weight);
            }
            if (kind == "ssh_client" && !ssh) {
                ssh = true;
                weights.push_back(kSshClientWeight);
            }
            if (kind == "credential" && !pair.same_credential_set &&
                shared_credentials < kMaxSharedCredentials) {
                ++shared_credentials;
                weights.push_back(kSharedCredential);
            }
        }
        pair.confidence = noisy_or(weights);
        if (pair.confidence >= options.link_threshold) links.emplace_back(key, &pair);
    }
    // Strongest links first (Kruskal): a group's confidence is the weakest link it needed.
    std::stable_sort(links.begin(), links.end(), [](const auto& x, const auto& y) {
        return x.second->confidence > y.second->confidence;
    });
    UnionFind groups(ips.size());
    std::vector<double> group_confidence(ips.size(), 1.0);
    for (const auto& [key, pair] : links) {
        const auto a = groups.find(key.first);
        const auto b = groups.find(key.second);
        if (a == b || groups.size[a] + groups.size[b] > options.max_members) continue;
        const auto [big, small] =
            groups.size[a] >= groups.size[b] ? std::pair(a, b) : std::pair(b, a);
        groups.parent[small] = big;
        groups.size[big] += groups.size[small];
        group_confidence[big] =
            std::min({group_confidence[big], group_confidence[small], pair->confidence});
    }

    // Members of each group of two or more, sorted; groups ordered by first member.
    std::map<std::size_t, std::vector<std::size_t>> members_of;
    for (std::size_t ip = 0; ip < ips.size(); ++ip)
        if (groups.size[groups.find(ip)] >= 2) members_of[groups.find(ip)].push_back(ip);
    struct Group {
        std::size_t root;
        std::vector<std::string> members;
    };
    std::vector<Group> list;
    for (auto& [root, members] : members_of) {
        Group g{root, {}};
        for (const auto ip : members) g.members.push_back(ips[ip]);
        std::sort(g.members.begin(), g.members.end());
        list.push_back(std::move(g));
    }
    std::sort(list.begin(), list.end(),
              [](const Group& x, const Group& y) { return x.members < y.members; });

    // Ids: the previous id most members had goes to that group (most members first).
    std::vector<std::string> ids(list.size());
    std::vector<std::tuple<std::size_t, std::string, std::size_t>> claims;  // count, id, group
    for (std::size_t g = 0; g < list.size(); ++g) {
        std::map<std::string, std::size_t> counts;
        for (const auto& ip : list[g].members)
            if (const auto it = previous.find(ip); it != previous.end()) ++counts[it->second];
        for (const auto& [id, count] : counts) claims.emplace_back(count, id, g);
    }
    std::sort(claims.begin(), claims.end(), [](const auto& x, const auto& y) {
        if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) > std::get<0>(y);
        return std::tie(std::get<1>(x), std::get<2>(x)) < std::tie(std::get<1>(y), std::get<2>(y));
    });
    std::set<std::string> taken;
    for (const auto& [count, id, g] : claims)
        if (ids[g].empty() && !taken.contains(id)) {
            ids[g] = id;
            taken.insert(id);
        }
    for (std::size_t g = 0; g < list.size(); ++g) {
        for (int n = 0; ids[g].empty(); ++n) {
            auto id = uuid_v5(kIdentityNamespace, "identity:" + list[g].members.front() +
                                                      (n == 0 ? "" : "#" + std::to_string(n)));
            if (taken.insert(id).second) ids[g] = std::move(id);
        }
    }

    // Records: evidence = every usable value (and equal credential list) of the links
    // inside the group, with the members that hold it.
    std::vector<store::IdentityRecord> out;
    for (std::size_t g = 0; g < list.size(); ++g) {
        const auto root = list[g].root;
        store::IdentityRecord r;
        r.id = ids[g];
        r.members = list[g].members;
        r.confidence = group_confidence[root];
        r.updated_at = now;
        std::map<std::pair<std::string, std::string>, std::set<std::string>> evidence;
        std::map<std::pair<std::string, std::string>, double> weight;
        for (const auto& [key, pair] : links) {
            if (groups.find(key.first) != root) continue;
            for (const auto v : pair->values) {
                if (pair->same_credential_set && values[v].kind == "credential") continue;
                const std::pair<std::string, std::string> item{values[v].kind, values[v].value};
                evidence[item].insert({ips[key.first], ips[key.second]});
                weight[item] = values[v].kind == "artifact"     ? kArtifactWeight
                               : values[v].kind == "ssh_client" ? kSshClientWeight
                               : values[v].kind == "ja4"        ? kJa4Weight
                                                                : kSharedCredential;
            }
            if (pair->same_credential_set) {
                std::string text;
                for (const auto v : credential_sets[key.first])
                    text += (text.empty() ? "" : ", ") + values[v].value;
                const std::pair<std::string, std::string> item{"credential_set",
                                                               cut(text, options.max_value_bytes)};
                evidence[item].insert({ips[key.first], ips[key.second]});
                weight[item] =
                    credential_sets[key.first].size() >= 3 ? kCredentialSet3 : kCredentialSet2;
            }
        }
        json list_json = json::array();
        for (const auto& [item, holders] : evidence)
            list_json.push_back(
                {{"kind", item.first},
                 {"value", item.second},
                 {"weight", weight[item]},
                 {"ips", std::vector<std::string>(holders.begin(), holders.end())}});
        r.evidence = list_json.dump(-1, ' ', false, json::error_handler_t::replace);
        for (const auto& ip : r.members) {
            const auto& [first, last] = seen[ip_index.at(ip)];
            if (r.first_seen.empty() || first < r.first_seen) r.first_seen = first;
            if (last > r.last_seen) r.last_seen = last;
        }
        out.push_back(std::move(r));
    }
    return out;
}

IdentityRunStats recompute_identities(store::Repository& repository,
                                      const IdentityOptions& options) {
    IdentityRunStats stats;
    // The newest max_bounty_rows rows: start after the row that many from the newest.
    std::int64_t after = 0;
    const auto total = repository.count_bounties({});
    if (total > static_cast<std::int64_t>(options.max_bounty_rows)) {
        const auto boundary = repository.bounties({}, 1, static_cast<int>(options.max_bounty_rows));
        if (!boundary.empty()) after = boundary.front().id;
    }
    std::vector<Observation> observations;
    constexpr int kPage = 5000;
    while (stats.rows < options.max_bounty_rows) {
        const auto rows = repository.bounties_after_id(after, kPage);
        for (const auto& row : rows) {
            auto found = observations_of(row, options);
            observations.insert(observations.end(), std::make_move_iterator(found.begin()),
                                std::make_move_iterator(found.end()));
            after = row.id;
        }
        stats.rows += rows.size();
        if (rows.size() < static_cast<std::size_t>(kPage)) break;
    }
    std::map<std::string, std::string> previous;
    std::map<std::string, store::IdentityRecord> stored;
    for (int offset = 0; offset < 1000000; offset += 1000) {
        auto page = repository.identities(1000, offset);
        for (auto& identity : page) {
            for (const auto& ip : identity.members) previous.emplace(ip, identity.id);
            stored.emplace(identity.id, std::move(identity));
        }
        if (page.size() < 1000) break;
    }
    const auto identities =
        link_identities(observations, previous, store::now_timestamp(), options);
    for (const auto& identity : identities) stats.members += identity.members.size();
    stats.identities = identities.size();
    // Unchanged identities are not rewritten (a write would also expire the API's caches).
    bool changed = identities.size() != stored.size();
    for (const auto& r : identities) {
        const auto it = stored.find(r.id);
        if (changed || it == stored.end() || it->second.members != r.members ||
            it->second.evidence != r.evidence ||
            std::abs(it->second.confidence - r.confidence) > 1e-9 ||
            it->second.first_seen != r.first_seen || it->second.last_seen != r.last_seen) {
            changed = true;
            break;
        }
    }
    if (changed) repository.replace_identities(identities);
    return stats;
}

}  // namespace decnet::intel
