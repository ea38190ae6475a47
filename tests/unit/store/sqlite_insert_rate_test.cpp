// insert_logs with ingester-like rows in batches of 1,000, with and without the background
// search indexer: every row lands. The rate is printed for a glance only; throughput is
// measured (and compared) by bench/ingest, not asserted by a timed unit test on a shared,
// noisy machine.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::TempDir;

constexpr int kBatchRows = 1000;
constexpr int kBatches = 100;

// Like a busy honeypot: 20 deckies, 8 services, a few dozen attackers per batch out of a
// few thousand, RFC 5424 lines of ~200 bytes.
std::vector<LogRecord> batch(int number, std::mt19937& rng) {
    static const char* services[] = {"ssh",   "http",  "ftp",    "smb",
                                     "redis", "mysql", "telnet", "rdp"};
    static const char* events[] = {"connect", "login_attempt", "command", "disconnect", "request"};
    std::vector<LogRecord> rows;
    rows.reserve(kBatchRows);
    const int attackers_base = static_cast<int>(rng() % 5000);
    for (int i = 0; i < kBatchRows; ++i) {
        const int n = number * kBatchRows + i;
        LogRecord r;
        char text[64];
        std::snprintf(text, sizeof text, "2024-01-%02d %02d:%02d:%02d.%06d", 1 + n / 86400 % 28,
                      n / 3600 % 24, n / 60 % 60, n % 60, i * 997 % 1000000);
        r.timestamp = text;
        r.decky = "decky-" + std::to_string(rng() % 20);
        r.service = services[rng() % 8];
        r.event_type = events[rng() % 5];
        const int a = attackers_base + static_cast<int>(rng() % 40);
        r.attacker_ip = "10." + std::to_string(a / 65536 % 256) + "." +
                        std::to_string(a / 256 % 256) + "." + std::to_string(a % 256);
        const std::string user = "user" + std::to_string(rng() % 1000);
        const std::string pass = "pass" + std::to_string(rng() % 100000);
        r.raw_line = "<134>1 2024-01-15T12:00:00+00:00 " + r.decky + " " + r.service + " - " +
                     r.event_type + " [decnet@55555 src_ip=\"" + r.attacker_ip + "\" username=\"" +
                     user + "\" password=\"" + pass + "\"] session " + std::to_string(n);
        r.fields = R"({"src_ip":")" + r.attacker_ip + R"(","username":")" + user +
                   R"(","password":")" + pass + "\"}";
        rows.push_back(std::move(r));
    }
    return rows;
}

double rows_per_second(const SqliteOptions& options, const std::string& path) {
    auto repo = open_sqlite(path, options);
    std::mt19937 rng(42);
    std::vector<std::vector<LogRecord>> batches;
    for (int b = 0; b < kBatches; ++b) batches.push_back(batch(b, rng));
    const auto start = std::chrono::steady_clock::now();
    for (auto& rows : batches) repo->insert_logs(rows);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(repo->count_logs({}), kBatches * kBatchRows);
    if (options.background_indexing)
        std::printf(
            "[ rate     ] search index backlog after the run: %lld rows\n",
            static_cast<long long>(dynamic_cast<SqliteRepository&>(*repo).search_index_backlog()));
    return kBatches * kBatchRows / elapsed.count();
}

TEST(SqliteInsertRate, BatchesOfAThousandAllLandBesideTheIndexer) {
    TempDir dir;
    SqliteOptions quiet;
    quiet.background_indexing = false;
    const double alone = rows_per_second(quiet, dir.file("alone.db"));
    const double with_indexer = rows_per_second(SqliteOptions{}, dir.file("default.db"));
    std::printf("[ rate     ] insert_logs: %.0f rows/s alone, %.0f rows/s beside the indexer\n",
                alone, with_indexer);
}

}  // namespace
}  // namespace decnet::store
