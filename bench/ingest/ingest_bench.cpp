// ingest_bench: events/s from EventBus through the ingester into SQLite, batched (the
// production path) and with one transaction per event (the reference's shape), same run.
// Then decnet against a plain C loop on the same rows (issue #21): the sqlite3 C API
// directly, one prepared INSERT per table, 1,000 rows per transaction, on a database with
// decnet's schema (its migrations) and decnet's PRAGMAs; rounds alternate the two sides.
// Usage: ingest_bench [events=200000] [per_event_events=20000] [rounds=4] [--unique-ips]
// Last line: ingest_events_per_sec <N> ingest_ratio_to_c_loop <R>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../support/plain_inserts.hpp"
#include "../support/traffic.hpp"
#include "events/event_bus.hpp"
#include "store/ingest/bounty.hpp"
#include "store/ingest/ingester.hpp"
#include "store/ingest/log_record.hpp"
#include "store/payload_hash.hpp"
#include "store/repository.hpp"
#include "store/sqlite/sqlite_repository.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;
using bench::Traffic;

double process_cpu_us() {
    return 1e6 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

double thread_cpu_us() {
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    return 1e6 * static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e3;
}

double load_average() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

struct Side {
    double events_per_sec = 0;
    double cpu_us_per_event = 0;  // the whole process
    std::uint64_t bounties = 0;
};

// The events, made before the clock starts: what the sessions publish.
std::vector<EventPtr> make_events(std::size_t count, bool unique_ips) {
    Traffic traffic(unique_ips);
    std::vector<EventPtr> events;
    events.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        events.push_back(std::make_shared<const Event>(traffic.next(i)));
    return events;
}

// decnet's path: publish on the bus, the ingester (its own thread) converts, batches,
// stores the rows, extracts and stores the bounties.
Side run_decnet(const std::vector<EventPtr>& events, std::size_t max_batch,
                const std::string& db_path, bool print) {
    const std::size_t count = events.size();
    std::filesystem::remove(db_path);
    auto repository = store::open_sqlite(db_path);
    EventBus bus;
    auto subscription = bus.subscribe("ingester", count + 1);
    store::IngesterOptions options;
    options.max_batch = max_batch;
    store::Ingester ingester(*repository, options);

    const auto start = clock_type::now();
    const double cpu_start = process_cpu_us();  // a figure the machine's load distorts less
    double writer_cpu_us = 0;                   // the ingester thread: the serial part
    std::thread writer([&] {
        ingester.run(*subscription);
        writer_cpu_us = thread_cpu_us();
    });
    for (const auto& event : events) bus.publish(event);
    bus.close();
    writer.join();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const double cpu_us = process_cpu_us() - cpu_start;
    const auto stats = ingester.stats();
    if (stats.stored != count) {
        std::fprintf(stderr, "ingest_bench: stored %llu of %zu events\n",
                     static_cast<unsigned long long>(stats.stored), count);
        std::exit(1);
    }
    const Side side{count / seconds, cpu_us / static_cast<double>(count), stats.bounties};
    if (print)
        std::printf(
            "  %-26s %9zu events  %7.3f s  %10.0f events/s  CPU/event %5.1f us (ingester thread "
            "%5.1f us)  (%llu bounties)  load %.1f\n",
            max_batch == 1 ? "one transaction per event" : "decnet (<=1000 / 50 ms)", count,
            seconds, side.events_per_sec, side.cpu_us_per_event,
            writer_cpu_us / static_cast<double>(count),
            static_cast<unsigned long long>(stats.bounties), load_average());
    return side;
}

// What the C loop inserts: decnet's rows for the same events, and each 1,000-row
// batch's bounties with their dedup hash, all computed before the clock starts.
struct Prepared {
    std::vector<store::LogRecord> logs;
    std::vector<std::vector<store::BountyRecord>> bounties;  // per batch
    std::vector<std::vector<std::string>> hashes;            // per batch, per bounty
};

constexpr std::size_t kBatch = 1000;

Prepared prepare_rows(const std::vector<EventPtr>& events) {
    Prepared p;
    p.logs.reserve(events.size());
    for (const auto& event : events) p.logs.push_back(store::to_log_record(*event));
    const auto now = store::now_timestamp();
    for (std::size_t first = 0; first < p.logs.size(); first += kBatch) {
        auto& batch = p.bounties.emplace_back();
        auto& hashes = p.hashes.emplace_back();
        for (std::size_t i = first; i < std::min(p.logs.size(), first + kBatch); ++i)
            for (auto& bounty : store::extract_bounties(p.logs[i])) {
                bounty.timestamp = now;
                hashes.push_back(store::payload_hash(bounty.payload));
                batch.push_back(std::move(bounty));
            }
    }
    return p;
}

void check(int rc, sqlite3* db, const char* what) {
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
    std::fprintf(stderr, "ingest_bench: C loop: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
}

void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void bind_text(sqlite3_stmt* s, int index, const std::optional<std::string>& text) {
    if (text)
        bind_text(s, index, *text);
    else
        sqlite3_bind_null(s, index);
}

std::int64_t count_rows(sqlite3* db, const char* table) {
    sqlite3_stmt* s = nullptr;
    check(sqlite3_prepare_v2(db, (std::string("SELECT COUNT(*) FROM ") + table).c_str(), -1, &s,
                             nullptr),
          db, "count");
    check(sqlite3_step(s), db, "count");
    const auto n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

// The baseline: plain sqlite3 calls on a file decnet created (so its migrations made the
// schema and indexes, and its 8 KiB pages), with the writer PRAGMAs decnet sets. The one
// difference is checkpointing: decnet copies the WAL back from a thread of its own, a
// plain program lets SQLite do it on commit, here at decnet's WAL bound (4,096 pages).
// Bounties go in with decnet's dedup statement, so both files end up with the same rows.
Side run_c_loop(const Prepared& p, const std::string& db_path, bool print) {
    std::filesystem::remove(db_path);
    {
        store::SqliteOptions options;
        options.background_indexing = false;
        store::open_sqlite(db_path, options);  // creates and migrates, then closes
    }
    sqlite3* db = nullptr;
    check(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), db, "open");
    check(sqlite3_exec(db,
                       "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; "
                       "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; "
                       "PRAGMA cache_size = -65536; PRAGMA journal_size_limit = 67108864; "
                       "PRAGMA wal_autocheckpoint = 4096;",
                       nullptr, nullptr, nullptr),
          db, "pragmas");
    sqlite3_stmt* log = nullptr;
    sqlite3_stmt* bounty = nullptr;
    check(sqlite3_prepare_v2(db, bench::kPlainLogInsert, -1, &log, nullptr), db, "prepare");
    check(sqlite3_prepare_v2(db, bench::kPlainBountyInsert, -1, &bounty, nullptr), db, "prepare");
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_us();
    std::uint64_t bounties = 0;
    for (std::size_t batch = 0; batch * kBatch < p.logs.size(); ++batch) {
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
        const auto end = std::min(p.logs.size(), (batch + 1) * kBatch);
        for (std::size_t i = batch * kBatch; i < end; ++i) {
            const auto& r = p.logs[i];
            bind_text(log, 1, r.timestamp);
            bind_text(log, 2, r.decky);
            bind_text(log, 3, r.service);
            bind_text(log, 4, r.event_type);
            bind_text(log, 5, r.attacker_ip);
            bind_text(log, 6, r.raw_line);
            bind_text(log, 7, r.fields);
            bind_text(log, 8, r.msg);
            bind_text(log, 9, r.trace_id);
            bind_text(log, 10, r.span_id);
            bind_text(log, 11, r.tags);
            check(sqlite3_step(log), db, "insert log");
            sqlite3_reset(log);
        }
        for (std::size_t k = 0; k < p.bounties[batch].size(); ++k) {
            const auto& b = p.bounties[batch][k];
            bind_text(bounty, 1, b.timestamp);
            bind_text(bounty, 2, b.decky);
            bind_text(bounty, 3, b.service);
            bind_text(bounty, 4, b.attacker_ip);
            bind_text(bounty, 5, b.bounty_type);
            bind_text(bounty, 6, b.payload);
            bind_text(bounty, 7, p.hashes[batch][k]);
            check(sqlite3_step(bounty), db, "insert bounty");
            bounties += static_cast<std::uint64_t>(sqlite3_changes(db));
            sqlite3_reset(bounty);
        }
        check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    }
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const double cpu_us = process_cpu_us() - cpu_start;
    const auto stored = count_rows(db, "logs");
    sqlite3_finalize(log);
    sqlite3_finalize(bounty);
    sqlite3_close(db);
    if (stored != static_cast<std::int64_t>(p.logs.size())) {
        std::fprintf(stderr, "ingest_bench: C loop stored %lld of %zu rows\n",
                     static_cast<long long>(stored), p.logs.size());
        std::exit(1);
    }
    const auto count = static_cast<double>(p.logs.size());
    const Side side{count / seconds, cpu_us / count, bounties};
    if (print)
        std::printf(
            "  %-26s %9zu events  %7.3f s  %10.0f events/s  CPU/event %5.1f us  (%llu bounties)  "
            "load %.1f\n",
            "C loop (1000 / txn)", p.logs.size(), seconds, side.events_per_sec,
            side.cpu_us_per_event, static_cast<unsigned long long>(bounties), load_average());
    return side;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> numbers;
    bool unique_ips = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--unique-ips")
            unique_ips = true;
        else
            numbers.push_back(std::strtoull(argv[i], nullptr, 10));
    }
    const std::size_t events = numbers.size() > 0 ? numbers[0] : 200000;
    const std::size_t per_event = numbers.size() > 1 ? numbers[1] : 20000;
    const std::size_t rounds = std::max<std::size_t>(1, numbers.size() > 2 ? numbers[2] : 4);
    const auto dir = std::filesystem::temp_directory_path() / "decnet-ingest-bench";
    std::filesystem::create_directories(dir);
    std::printf("ingest_bench: bus -> ingester -> SQLite (WAL, synchronous=NORMAL) in %s\n",
                dir.c_str());
    const auto batch_events = make_events(events, unique_ips);
    const double batched =
        run_decnet(batch_events, 1000, (dir / "batched.db").string(), true).events_per_sec;
    const double single =
        run_decnet(make_events(per_event, unique_ips), 1, (dir / "single.db").string(), true)
            .events_per_sec;
    std::printf("  batched / per-event ratio: %.1fx\n", batched / single);

    std::printf("decnet vs a plain C loop (sqlite3 API, 1000 rows/txn), same rows, %zu rounds:\n",
                rounds);
    const auto prepared = prepare_rows(batch_events);
    std::vector<double> decnet_rates, c_rates, ratios, cpu_ratios;
    for (std::size_t round = 0; round < rounds; ++round) {
        // Alternate which side goes first, so a change in the machine's load mid-round
        // weighs on both.
        Side d, c;
        if (round % 2 == 0) {
            d = run_decnet(batch_events, 1000, (dir / "decnet.db").string(), true);
            c = run_c_loop(prepared, (dir / "c_loop.db").string(), true);
        } else {
            c = run_c_loop(prepared, (dir / "c_loop.db").string(), true);
            d = run_decnet(batch_events, 1000, (dir / "decnet.db").string(), true);
        }
        if (d.bounties != c.bounties) {
            std::fprintf(stderr, "ingest_bench: bounties differ: decnet %llu, C loop %llu\n",
                         static_cast<unsigned long long>(d.bounties),
                         static_cast<unsigned long long>(c.bounties));
            return 1;
        }
        decnet_rates.push_back(d.events_per_sec);
        c_rates.push_back(c.events_per_sec);
        ratios.push_back(d.events_per_sec / c.events_per_sec);
        cpu_ratios.push_back(c.cpu_us_per_event / d.cpu_us_per_event);
        std::printf("  round %zu: decnet / C loop %.2f (by CPU per event %.2f)\n", round + 1,
                    ratios.back(), cpu_ratios.back());
    }
    const double ratio = median(ratios);
    std::printf(
        "  median: decnet %.0f events/s, C loop %.0f events/s, ratio %.2f (target >= 0.70), "
        "by CPU %.2f, load %.1f\n",
        median(decnet_rates), median(c_rates), ratio, median(cpu_ratios), load_average());
    std::filesystem::remove_all(dir);
    std::printf("ingest_events_per_sec %.0f ingest_ratio_to_c_loop %.2f\n", batched, ratio);
    return 0;
}
