// store_10m_bench (issue #21): decnet's SQLite store at 10 million rows.
//  1. The store: 10 M log rows (the ingest bench's traffic, spread evenly over the last 30
//     days) with their bounties, written by a plain sqlite3 loop into a file decnet's
//     migrations created, then the free-text index filled through the store API. Kept
//     under build/ (BENCH_STORE_DB, default <binary dir>/store_10m/store.db) and reused
//     while it holds the same row count; an interrupted index fill resumes.
//  2. Ingest: events/s through decnet's real path (EventBus → ingester → SQLite) into that
//     store and into an empty one, alternating rounds; the rows added are deleted after.
//  3. Reads through an in-process `decnet api` (ApiService) on that store, one keep-alive
//     connection: p50/p99 of /api/v1/logs with each filter, /api/v1/logs/histogram and
//     /api/v1/stats. Every /logs and /histogram request is a response-cache miss (a
//     distinct `bench=` parameter defeats the exact cache; the unfiltered total and the
//     default histogram, which have TTL caches of their own, are asked with a start_time
//     before every row: the same answer, computed by the store). /stats has a 5 s
//     whole-response cache no query can vary, so its miss is timed at the store
//     (Repository::log_stats, what a miss runs) and the HTTP answer shown beside it.
// Usage: store_10m_bench [rows=10000000] [events=100000] [requests=200] [rounds=2]
// Port: BENCH_STORE_PORT (default 18250). BENCH_STORE_BUILD_ONLY=1 stops once the store is
// ready; BENCH_FTS_SECONDS (default 600) bounds the time spent filling the free-text index
// this run (it resumes next run; ~2,000-10,000 rows/s here, so 10 M rows take several).
// Last line: store_10m_ingest_ratio R logs_p99_ms N histogram_p99_ms N stats_p99_ms N
#include <sqlite3.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../support/plain_inserts.hpp"
#include "../support/traffic.hpp"
#include "api/api_service.hpp"
#include "events/event_bus.hpp"
#include "store/ingest/bounty.hpp"
#include "store/ingest/ingester.hpp"
#include "store/ingest/log_record.hpp"
#include "store/payload_hash.hpp"
#include "store/repository.hpp"
#include "store/sqlite/log_counts.hpp"
#include "store/sqlite/sqlite_repository.hpp"
#include "store/sqlite/statement.hpp"

namespace {

using namespace decnet;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

constexpr const char* kPassword = "bench-password-123";
constexpr auto kSpan = std::chrono::hours(24 * 30);  // the stored rows' time span

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

double load_average() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "store_10m_bench: %s\n", what.c_str());
    std::exit(1);
}

void check(int rc, sqlite3* db, const char* what) {
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
    fail(std::string(what) + ": " + sqlite3_errmsg(db));
}

void exec(sqlite3* db, const char* sql) {
    check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
}

std::int64_t query_int(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    check(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), db, sql.c_str());
    check(sqlite3_step(s), db, sql.c_str());
    const auto n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void bind_text(sqlite3_stmt* s, int index, const std::optional<std::string>& text) {
    if (text)
        bind_text(s, index, *text);
    else
        sqlite3_bind_null(s, index);
}

// --- 1. the store ---

std::string state_key() {
    return "bench_store_10m";
}

// The rows, written in large transactions with journaling off (a cache file: an
// interrupted build is detected by the missing state mark and redone).
void build_rows(const std::string& path, std::size_t rows) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    {
        store::SqliteOptions options;
        options.background_indexing = false;
        store::open_sqlite(path, options);  // decnet's schema, indexes and page size
    }
    sqlite3* db = nullptr;
    check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), db, "open");
    exec(db,
         "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576; "
         "PRAGMA foreign_keys = OFF;");
    sqlite3_stmt* log = nullptr;
    sqlite3_stmt* bounty = nullptr;
    check(sqlite3_prepare_v2(db, bench::kPlainLogInsert, -1, &log, nullptr), db, "prepare");
    check(sqlite3_prepare_v2(db, bench::kPlainBountyInsert, -1, &bounty, nullptr), db, "prepare");
    bench::Traffic traffic(false);
    const auto end = std::chrono::time_point_cast<std::chrono::microseconds>(event_now());
    const auto first = end - std::chrono::duration_cast<std::chrono::microseconds>(kSpan);
    const auto step = std::chrono::duration_cast<std::chrono::microseconds>(kSpan) /
                      static_cast<std::int64_t>(rows);
    const auto start = clock_type::now();
    constexpr std::size_t kPerTransaction = 50'000;
    for (std::size_t i = 0; i < rows; ++i) {
        if (i % kPerTransaction == 0) exec(db, "BEGIN");
        Event event = traffic.next(i);
        event.time = first + step * static_cast<std::int64_t>(i);
        auto row = store::to_log_record(event);
        bind_text(log, 1, row.timestamp);
        bind_text(log, 2, row.decky);
        bind_text(log, 3, row.service);
        bind_text(log, 4, row.event_type);
        bind_text(log, 5, row.attacker_ip);
        bind_text(log, 6, row.raw_line);
        bind_text(log, 7, row.fields);
        bind_text(log, 8, row.msg);
        bind_text(log, 9, row.trace_id);
        bind_text(log, 10, row.span_id);
        bind_text(log, 11, row.tags);
        check(sqlite3_step(log), db, "insert log");
        sqlite3_reset(log);
        for (auto& b : store::extract_bounties(row)) {
            bind_text(bounty, 1, row.timestamp);
            bind_text(bounty, 2, b.decky);
            bind_text(bounty, 3, b.service);
            bind_text(bounty, 4, b.attacker_ip);
            bind_text(bounty, 5, b.bounty_type);
            bind_text(bounty, 6, b.payload);
            bind_text(bounty, 7, store::payload_hash(b.payload));
            check(sqlite3_step(bounty), db, "insert bounty");
            sqlite3_reset(bounty);
        }
        if ((i + 1) % kPerTransaction == 0 || i + 1 == rows) {
            exec(db, "COMMIT");
            if ((i + 1) % 1'000'000 == 0 || i + 1 == rows)
                std::printf("  built %zu rows, %.0f s, load %.1f\n", i + 1, seconds_since(start),
                            load_average());
            std::fflush(stdout);
        }
    }
    sqlite3_finalize(log);
    sqlite3_finalize(bounty);
    exec(db, "PRAGMA journal_mode = WAL; ANALYZE;");
    sqlite3_close(db);
    // The rows went around insert_logs: count them as migration 11 counts existing rows.
    store::sqlite::Connection c(path);
    store::sqlite::in_transaction(c, [&] {
        c.exec("DELETE FROM log_counts; DELETE FROM log_attacker_ips");
        store::sqlite::count_stored_logs(c);
    });
    std::printf("  counted, %.0f s\n", seconds_since(start));
}

// Fills the free-text index through the store (resumable: the index keeps its progress),
// for at most `budget` seconds; returns the rows still unindexed.
std::int64_t fill_search_index(const std::string& path, double budget) {
    store::SqliteOptions options;
    options.background_indexing = false;
    store::SqliteRepository repository(path, options);
    const auto start = clock_type::now();
    std::size_t added = 0;
    while (seconds_since(start) < budget) {
        const auto n = repository.index_pending_search(20'000);
        if (n == 0) break;
        added += n;
        if (added % 500'000 < 20'000)
            std::printf("  search index: +%zu rows in %.0f s (backlog %lld), load %.1f\n", added,
                        seconds_since(start),
                        static_cast<long long>(repository.search_index_backlog()), load_average());
        std::fflush(stdout);
    }
    return repository.search_index_backlog();
}

std::int64_t prepare_store(const std::string& path, std::size_t rows) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    bool ready = false;
    if (std::filesystem::exists(path)) {
        // Opening migrates: a store cached by an older build gets its new tables filled.
        const auto start = clock_type::now();
        store::SqliteOptions options;
        options.background_indexing = false;
        auto repository = store::open_sqlite(path, options);
        ready = repository->get_state(state_key()) == std::to_string(rows);
        std::printf("  opened and migrated the cached store in %.0f s\n", seconds_since(start));
    }
    if (!ready) {
        std::printf("  building %zu rows in %s (kept for the next run)\n", rows, path.c_str());
        build_rows(path, rows);
        store::SqliteOptions options;
        options.background_indexing = false;
        store::open_sqlite(path, options)->set_state(state_key(), std::to_string(rows));
    }
    const char* budget = std::getenv("BENCH_FTS_SECONDS");
    return fill_search_index(path, budget ? std::atof(budget) : 600);
}

// --- 2. ingest into the full store and into an empty one ---

double ingest(const std::string& path, const std::vector<EventPtr>& events) {
    store::SqliteOptions options;
    options.background_indexing = false;  // same on both sides; it waits for idle anyway
    auto repository = store::open_sqlite(path, options);
    EventBus bus;
    auto subscription = bus.subscribe("ingester", events.size() + 1);
    store::Ingester ingester(*repository);
    const auto start = clock_type::now();
    std::thread writer([&] { ingester.run(*subscription); });
    for (const auto& event : events) bus.publish(event);
    bus.close();
    writer.join();
    const double seconds = seconds_since(start);
    if (ingester.stats().stored != events.size()) fail("ingest: rows missing");
    return static_cast<double>(events.size()) / seconds;
}

// Rows above the marks go (the cached store stays at its size for the next run), their
// per-minute counts first.
void delete_above(const std::string& path, std::int64_t log_id, std::int64_t bounty_id) {
    store::sqlite::Connection c(path);
    c.exec("PRAGMA busy_timeout = 30000");
    store::sqlite::in_transaction(c, [&] {
        store::sqlite::count_stored_logs(c, log_id, -1);
        c.exec("DELETE FROM logs WHERE id > " + std::to_string(log_id) +
               "; DELETE FROM bounty WHERE id > " + std::to_string(bounty_id));
    });
    c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

double ingest_ratio(const std::string& full, const std::filesystem::path& dir, std::size_t count,
                    std::size_t rounds) {
    bench::Traffic traffic(false);
    std::vector<EventPtr> events;
    for (std::size_t i = 0; i < count; ++i)
        events.push_back(std::make_shared<const Event>(traffic.next(i)));
    sqlite3* db = nullptr;
    check(sqlite3_open_v2(full.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");
    const auto log_mark = query_int(db, "SELECT IFNULL(MAX(id), 0) FROM logs");
    const auto bounty_mark = query_int(db, "SELECT IFNULL(MAX(id), 0) FROM bounty");
    sqlite3_close(db);
    const auto empty = (dir / "empty.db").string();
    std::vector<double> ratios;
    for (std::size_t round = 0; round < rounds; ++round) {
        std::filesystem::remove(empty);
        double into_empty = 0, into_full = 0;
        if (round % 2 == 0) {
            into_empty = ingest(empty, events);
            into_full = ingest(full, events);
        } else {
            into_full = ingest(full, events);
            into_empty = ingest(empty, events);
        }
        ratios.push_back(into_full / into_empty);
        std::printf(
            "  round %zu: %zu events into the 10M-row store %8.0f events/s, into an empty store "
            "%8.0f events/s, ratio %.2f, load %.1f\n",
            round + 1, count, into_full, into_empty, ratios.back(), load_average());
        std::fflush(stdout);
    }
    delete_above(full, log_mark, bounty_mark);
    std::filesystem::remove(empty);
    std::sort(ratios.begin(), ratios.end());
    const auto n = ratios.size();
    return n % 2 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;  // the median
}

// --- 3. reads through the API ---

// One keep-alive HTTP/1.1 connection to the API.
class Client {
  public:
    Client(const std::string& host, int port) : stream_(io_) {
        stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host),
                                                static_cast<unsigned short>(port)));
    }
    http::response<http::string_body> send(http::verb verb, const std::string& target,
                                           const std::string& body = {}) {
        http::request<http::string_body> request{verb, target, 11};
        request.set(http::field::host, "127.0.0.1");
        if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
        if (!body.empty()) {
            request.set(http::field::content_type, "application/json");
            request.body() = body;
        }
        request.prepare_payload();
        http::write(stream_, request);
        http::response<http::string_body> response;
        http::read(stream_, buffer_, response);
        return response;
    }
    void login() {
        const nlohmann::json credentials = {{"username", "admin"}, {"password", kPassword}};
        auto answer = nlohmann::json::parse(
            send(http::verb::post, "/api/v1/auth/login", credentials.dump()).body());
        token_ = answer.at("access_token").get<std::string>();
        if (answer.value("must_change_password", false)) {
            send(http::verb::post, "/api/v1/auth/change-password",
                 nlohmann::json{{"old_password", kPassword}, {"new_password", kPassword}}.dump());
            answer = nlohmann::json::parse(
                send(http::verb::post, "/api/v1/auth/login", credentials.dump()).body());
            token_ = answer.at("access_token").get<std::string>();
        }
    }

  private:
    asio::io_context io_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string token_;
};

struct Latency {
    double p50 = 0, p99 = 0, max = 0;
};

Latency percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))];
    };
    return {at(0.5), at(0.99), ms.back()};
}

// `requests` GETs of `target`, each with a distinct `bench=` parameter (an exact-cache miss).
Latency measure(Client& client, const std::string& target, int requests, std::string* body) {
    std::vector<double> ms;
    const char* join = target.find('?') == std::string::npos ? "?" : "&";
    static int serial = 0;
    const auto began = clock_type::now();
    for (int i = 0; i < requests; ++i) {
        // Bounded in time too: at least 3 samples, then stop after 20 s.
        if (i >= 3 && seconds_since(began) > 20) break;
        const auto start = clock_type::now();
        auto response =
            client.send(http::verb::get, target + join + "bench=" + std::to_string(++serial));
        ms.push_back(seconds_since(start) * 1000);
        if (response.result_int() != 200)
            fail(target + " → " + std::to_string(response.result_int()) + " " +
                 response.body().substr(0, 200));
        if (body) *body = std::move(response.body());
    }
    return percentiles(std::move(ms));
}

std::string query_time(std::chrono::system_clock::time_point t) {
    auto text = store::storage_timestamp(std::chrono::time_point_cast<EventTime::duration>(t));
    text.resize(19);  // "YYYY-MM-DD HH:MM:SS", as the API documents
    for (auto& c : text)
        if (c == ' ') c = '+';
    return text;
}

struct ReadFigures {
    double logs = 0, histogram = 0, stats = 0;
};

ReadFigures read_latencies(const std::string& path, const std::filesystem::path& dir,
                           int requests) {
    store::SqliteOptions options;
    options.background_indexing = false;  // the index was filled beforehand
    store::SqliteRepository repository(path, options);
    auto config = api::api_config_from_environment(dir.string());
    config.settings.host = "127.0.0.1";
    config.settings.port =
        std::getenv("BENCH_STORE_PORT") ? std::atoi(std::getenv("BENCH_STORE_PORT")) : 18250;
    config.admin_password = kPassword;
    api::ApiService service(repository, config);
    service.start();
    Client client("127.0.0.1", config.settings.port);
    client.login();

    // A one-hour window and a one-day window inside the stored span, and a start before it.
    const auto now = std::chrono::system_clock::now();
    const auto hour_from = query_time(now - std::chrono::hours(24 * 10));
    const auto hour_to = query_time(now - std::chrono::hours(24 * 10) + std::chrono::hours(1));
    const auto day_from = query_time(now - std::chrono::hours(24 * 3));
    const auto day_to = query_time(now - std::chrono::hours(24 * 2));
    const std::string everything = "start_time=2000-01-01+00:00:00";
    struct View {
        const char* name;
        std::string target;
        int group;  // 0 logs, 1 histogram, 2 not in the headline
    };
    const std::vector<View> views = {
        {"logs, no filter (total uncached)", "/api/v1/logs?limit=50&" + everything, 0},
        {"logs service:ssh", "/api/v1/logs?limit=50&search=service:ssh", 0},
        {"logs decky:decky-3", "/api/v1/logs?limit=50&search=decky:decky-3", 0},
        {"logs attacker_ip:10.0.7.21", "/api/v1/logs?limit=50&search=attacker_ip:10.0.7.21", 0},
        {"logs one hour window",
         "/api/v1/logs?limit=50&start_time=" + hour_from + "&end_time=" + hour_to, 0},
        {"logs service:http + one day",
         "/api/v1/logs?limit=50&search=service:http&start_time=" + day_from + "&end_time=" + day_to,
         0},
        {"logs search 10.0.7.21 (substring)", "/api/v1/logs?limit=50&search=10.0.7.21", 2},
        {"logs search formLogin (substring)", "/api/v1/logs?limit=50&search=formLogin", 2},
        {"logs page 20 (offset 1000)", "/api/v1/logs?limit=50&offset=1000&" + everything, 0},
        {"histogram default (15 min, all)", "/api/v1/logs/histogram?" + everything, 1},
        {"histogram service:ssh", "/api/v1/logs/histogram?search=service:ssh", 1},
        {"histogram decky:decky-3, 60 min",
         "/api/v1/logs/histogram?search=decky:decky-3&interval_minutes=60", 1},
        {"histogram one day, 30 min (dashboard 24h)",
         "/api/v1/logs/histogram?interval_minutes=30&start_time=" + day_from +
             "&end_time=" + day_to,
         1},
        {"histogram last hour, 1 min (overview)",
         "/api/v1/logs/histogram?interval_minutes=1&start_time=" +
             query_time(now - std::chrono::hours(1)),
         1},
        {"histogram one day, 5 min",
         "/api/v1/logs/histogram?interval_minutes=5&start_time=" + day_from + "&end_time=" + day_to,
         1},
        {"histogram attacker_ip:10.0.7.21", "/api/v1/logs/histogram?search=attacker_ip:10.0.7.21",
         1},
    };
    ReadFigures figures;
    for (const auto& view : views) {
        std::string body;
        measure(client, view.target, 2, &body);  // warm the page cache
        const auto latency = measure(client, view.target, requests, &body);
        std::printf("  GET %-38s p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  (%zu bytes)%s\n",
                    view.name, latency.p50, latency.p99, latency.max, body.size(),
                    view.group == 2 ? "  (not in headline)" : "");
        std::fflush(stdout);
        if (view.group == 0) figures.logs = std::max(figures.logs, latency.p99);
        if (view.group == 1) figures.histogram = std::max(figures.histogram, latency.p99);
    }
    // The substring searches' floor in plain SQL: what the count costs without the
    // free-text index (the sqlite3 CLI's query, on the same file and page cache).
    for (const char* needle : {"10.0.7.21", "formLogin"}) {
        sqlite3* db = nullptr;
        check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");
        const std::string like = std::string("'%") + needle + "%'";
        const auto start = clock_type::now();
        const auto n = query_int(db, "SELECT COUNT(*) FROM logs WHERE raw_line LIKE " + like +
                                         " OR decky LIKE " + like + " OR service LIKE " + like +
                                         " OR attacker_ip LIKE " + like);
        std::printf("  plain SQL count of '%s' (LIKE scan, no index): %lld rows in %.0f ms\n",
                    needle, static_cast<long long>(n), seconds_since(start) * 1000);
        sqlite3_close(db);
    }
    // /stats: a miss is Repository::log_stats(); the HTTP answer is mostly the 5 s cache.
    std::vector<double> ms;
    for (int i = 0; i < requests; ++i) {
        const auto start = clock_type::now();
        const auto stats = repository.log_stats();
        ms.push_back(seconds_since(start) * 1000);
        if (stats.total_logs <= 0) fail("stats: no rows");
    }
    const auto miss = percentiles(std::move(ms));
    const auto hit = measure(client, "/api/v1/stats", requests, nullptr);
    std::printf(
        "  /stats miss (store's log_stats)         p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n"
        "  GET /api/v1/stats (5 s cache)           p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n",
        miss.p50, miss.p99, miss.max, hit.p50, hit.p99, hit.max);
    figures.stats = miss.p99 + hit.p50;  // a miss: the store's work plus the HTTP round trip
    service.stop();
    return figures;
}

std::filesystem::path binary_dir() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::current_path() : self.parent_path();
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
    const std::size_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000;
    const int requests = argc > 3 ? std::atoi(argv[3]) : 200;
    const std::size_t rounds = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 2;
    const char* db = std::getenv("BENCH_STORE_DB");
    const std::string path = db ? db : (binary_dir() / "store_10m" / "store.db").string();
    const auto dir = std::filesystem::temp_directory_path() / "decnet-store-10m-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::printf("store_10m_bench: %zu rows in %s, load %.1f\n", rows, path.c_str(), load_average());
    const auto backlog = prepare_store(path, rows);
    std::printf("  store ready: search index backlog %lld rows, load %.1f\n",
                static_cast<long long>(backlog), load_average());
    if (std::getenv("BENCH_STORE_BUILD_ONLY")) return 0;

    const double ratio = ingest_ratio(path, dir, events, std::max<std::size_t>(rounds, 1));
    std::printf("  ingest into 10M rows / into empty: %.2f (target >= 0.70)\n", ratio);
    const auto reads = read_latencies(path, dir, requests);
    std::printf(
        "  p99: logs %.2f ms (target < 50), histogram %.2f ms (< 200), stats %.2f ms (< 20), "
        "load %.1f\n",
        reads.logs, reads.histogram, reads.stats, load_average());
    std::filesystem::remove_all(dir);
    std::printf(
        "store_10m_ingest_ratio %.2f logs_p99_ms %.2f histogram_p99_ms %.2f stats_p99_ms %.2f\n",
        ratio, reads.logs, reads.histogram, reads.stats);
    return 0;
}
