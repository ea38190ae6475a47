// GET /logs and /logs/histogram (api.md §1.3, §1.4, §6.1–§6.3, §7; checks 21–27, 61).
#include <regex>

#include "api/resources/resource_json.hpp"
#include "store/repository.hpp"
#include "unit/api/read_test_support.hpp"

namespace decnet::api::read_test {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kLogs = "/api/v1/logs";
constexpr const char* kHistogram = "/api/v1/logs/histogram";

class LogsResource : public ReadApiTest {};

TEST_F(LogsResource, EmptyStoreGivesAnEmptyPage) {
    const auto response = get(kLogs);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.body, R"({"total":0,"limit":50,"offset":0,"data":[]})");
}

TEST_F(LogsResource, LimitAndOffsetAreValidated) {
    for (const Query& bad : std::vector<Query>{{{"limit", "0"}},
                                               {{"limit", "1001"}},
                                               {{"limit", "abc"}},
                                               {{"limit", "5.5"}},
                                               {{"limit", ""}},
                                               {{"offset", "-1"}},
                                               {{"offset", "2147483648"}},
                                               {{"offset", "1e3x"}}}) {
        const auto response = get(kLogs, bad);
        EXPECT_EQ(response.status, 422) << bad[0].first << "=" << bad[0].second;
        EXPECT_EQ(detail(response), "Invalid request parameters");
    }
    EXPECT_EQ(get(kLogs, {{"limit", "1000"}}).status, 200);
    EXPECT_EQ(get(kLogs, {{"offset", "2147483647"}}).status, 200);
    // Lax integers: "5" and "5.0" are 5.
    EXPECT_EQ(body(get(kLogs, {{"limit", "5.0"}}))["limit"], 5);
    EXPECT_EQ(body(get(kLogs, {{"limit", "7"}, {"offset", "3"}}))["offset"], 3);
}

TEST_F(LogsResource, SearchLongerThan512CharactersIs422) {
    EXPECT_EQ(get(kLogs, {{"search", std::string(513, 'a')}}).status, 422);
    EXPECT_EQ(get(kLogs, {{"search", std::string(512, 'a')}}).status, 200);
    // Characters, not bytes: 512 two-byte characters are allowed.
    std::string wide;
    for (int i = 0; i < 512; ++i) wide += "\xc3\xa9";
    EXPECT_EQ(get(kLogs, {{"search", wide}}).status, 200);
}

TEST_F(LogsResource, RowsHaveTheReferenceShape) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.2.3.4", "raw one",
                         R"({"src_ip":"1.2.3.4","username":"root"})"),
                 log_row("2026-04-09 12:00:01.250000", "ssh", "1.2.3.4", "raw two")});
    const auto page = body(get(kLogs));
    ASSERT_EQ(page["data"].size(), 2u);
    const auto& newest = page["data"][0];
    std::vector<std::string> keys;
    for (const auto& [key, value] : newest.items()) keys.push_back(key);
    EXPECT_EQ(keys.size(), 12u);  // the reference's 11, then decnet's ATT&CK `tags`
    EXPECT_EQ(newest["tags"], nlohmann::json::array());
    for (const char* key : {"id", "timestamp", "decky", "service", "event_type", "attacker_ip",
                            "raw_line", "fields", "msg", "trace_id", "span_id", "tags"})
        EXPECT_TRUE(newest.contains(key)) << key;
    EXPECT_EQ(newest["timestamp"], "2026-04-09T12:00:01.250000");
    EXPECT_EQ(page["data"][1]["timestamp"], "2026-04-09T12:00:00");
    const std::regex iso(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$)");
    for (const auto& row : page["data"])
        EXPECT_TRUE(std::regex_match(row["timestamp"].get<std::string>(), iso));
    ASSERT_TRUE(page["data"][1]["fields"].is_string());
    EXPECT_EQ(nlohmann::json::parse(page["data"][1]["fields"].get<std::string>())["username"],
              "root");
    EXPECT_TRUE(newest["msg"].is_null());
    EXPECT_TRUE(newest["trace_id"].is_null());
}

TEST_F(LogsResource, InvalidUtf8InARowIsReplacedNotA500) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.2.3.4", "bad \xff\xfe bytes")});
    const auto response = get(kLogs);
    ASSERT_EQ(response.status, 200);
    EXPECT_NE(body(response)["data"][0]["raw_line"].get<std::string>().find("\xef\xbf\xbd"),
              std::string::npos);
}

// The page is written without building a JSON tree: byte for byte what the tree gave.
TEST(LogJsonWriter, MatchesTheLibrarysOutputForEveryKindOfText) {
    const std::vector<std::string> texts = {
        "",
        "plain ascii",
        "quote \" and \\ backslash",
        "tab\tnew\nline\r\b\f",
        std::string("nul \0 and \x01\x1f\x7f", sizeof "nul \0 and \x01\x1f\x7f" - 1),
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "bad \xff\xfe bytes",
        "cut \xe2\x82",
        "/slash/ <html> & 'q'",
        R"({"k":"v","n":[1,2]})"};
    for (const auto& text : texts) {
        store::LogRecord row;
        row.id = 9007199254740993;
        row.timestamp = "2026-04-09 12:00:01.250000";
        row.decky = text;
        row.service = "ssh";
        row.event_type = text;
        row.attacker_ip = "1.2.3.4";
        row.raw_line = text;
        row.fields = text;
        for (int nulls = 0; nulls < 2; ++nulls) {
            if (nulls) {
                row.msg = text;
                row.trace_id = "0af7651916cd43dd8448eb211c80319c";
                row.span_id = "b7ad6b7169203331";
                row.timestamp = "2026-04-09 12:00:00.000000";
            }
            std::string written;
            append_log_json(written, row);
            EXPECT_EQ(written, dump_json(log_json(row))) << text;
            std::string plain;
            append_json_string(plain, text);
            EXPECT_EQ(plain, dump_json(nlohmann::ordered_json(text))) << text;
        }
    }
}

TEST_F(LogsResource, PagesAreDisjointAndNewestFirst) {
    std::vector<store::LogRecord> rows;
    for (int i = 0; i < 10; ++i)
        rows.push_back(log_row("2026-04-09 12:00:0" + std::to_string(i) + ".000000", "ssh",
                               "1.2.3.4", "line " + std::to_string(i)));
    insert_logs(rows);
    std::set<std::int64_t> seen;
    std::vector<std::size_t> sizes;
    std::string previous = "9999";
    for (const char* offset : {"0", "4", "8"}) {
        const auto page = body(get(kLogs, {{"limit", "4"}, {"offset", offset}}));
        EXPECT_EQ(page["total"], 10);
        sizes.push_back(page["data"].size());
        for (const auto& row : page["data"]) {
            EXPECT_TRUE(seen.insert(row["id"].get<std::int64_t>()).second);
            EXPECT_LT(row["timestamp"].get<std::string>(), previous);
            previous = row["timestamp"].get<std::string>();
        }
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
}

TEST_F(LogsResource, FiltersApplyToRowsAndTotal) {
    insert_logs(
        {log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a", R"({"username":"root"})"),
         log_row("2026-04-09 12:10:00.000000", "http", "2.2.2.2", "supersecret"),
         log_row("2026-04-09 12:20:00.000000", "ssh", "3.3.3.3", "c")});
    auto page = body(get(kLogs, {{"search", "service:ssh"}}));
    EXPECT_EQ(page["total"], 2);
    for (const auto& row : page["data"]) EXPECT_EQ(row["service"], "ssh");
    EXPECT_EQ(body(get(kLogs, {{"search", "username:root"}}))["total"], 1);
    EXPECT_EQ(body(get(kLogs, {{"search", "supersecret"}}))["total"], 1);
    page = body(
        get(kLogs, {{"start_time", "2026-04-09 12:10:00"}, {"end_time", "2026-04-09 12:20:00"}}));
    EXPECT_EQ(page["total"], 1);  // 12:20:00.000000 > "12:20:00" as text (Q5, kept)
    page = body(get(kLogs, {{"start_time", "2026-04-09 12:05:00"}}));
    EXPECT_EQ(page["total"], 2);
}

TEST_F(LogsResource, NullishFiltersMeanAbsentAndUseTheCachedTotal) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    for (const char* nullish : {"null", "NULL", "undefined", ""}) {
        const auto page =
            body(get(kLogs, {{"search", nullish}, {"start_time", nullish}, {"end_time", nullish}}));
        EXPECT_EQ(page["total"], 1) << nullish;
        EXPECT_EQ(page["data"].size(), 1u) << nullish;
    }
    EXPECT_EQ(repo_->count_logs_calls, 1);  // all four served by the 2 s cache
}

TEST_F(LogsResource, HostileValuesInEveryParameterAreJustData) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    for (const auto& value : hostile_values()) {
        for (const char* name : {"start_time", "end_time"}) {
            const auto response = get(kLogs, {{name, value}});
            EXPECT_EQ(response.status, 200) << name;
        }
        const auto search = get(kLogs, {{"search", value}});
        EXPECT_EQ(search.status, value.size() > 512 ? 422 : 200);
        for (const char* name : {"limit", "offset"})
            EXPECT_EQ(get(kLogs, {{name, value}}).status, 422) << name;
        for (const char* name : {"search", "start_time", "end_time"})
            EXPECT_EQ(get(kHistogram, {{name, value}}).status, 200) << name;
        EXPECT_EQ(get(kHistogram, {{"interval_minutes", value}}).status, 422);
    }
    EXPECT_EQ(store_->count_logs({}), 1);  // nothing was dropped or deleted
}

TEST_F(LogsResource, FiftyConcurrentUnfilteredCallsCountOnce) {
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kLogs).status, 200); });
    EXPECT_EQ(repo_->count_logs_calls, 1);
    EXPECT_EQ(repo_->logs_calls, 50);  // pages are never cached
}

TEST_F(LogsResource, FilteredCountsAlwaysHitTheStoreWithTheFilter) {
    for (int i = 0; i < 3; ++i) get(kLogs, {{"search", "service:ssh"}});
    EXPECT_EQ(repo_->count_logs_calls, 3);
    std::lock_guard lock(repo_->filters_mutex);
    for (const auto& f : repo_->count_log_filters) EXPECT_EQ(f.search, "service:ssh");
}

TEST_F(LogsResource, TheUnfilteredTotalExpiresAfterItsTtl) {
    ReadCacheTtls ttls;
    ttls.logs_total = std::chrono::milliseconds(100);
    use_ttls(ttls);
    EXPECT_EQ(body(get(kLogs))["total"], 0);
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    EXPECT_EQ(body(get(kLogs))["total"], 0);  // still cached
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(body(get(kLogs))["total"], 1);
    EXPECT_EQ(repo_->count_logs_calls, 2);
}

// --- histogram ---

TEST_F(LogsResource, HistogramValidatesTheInterval) {
    for (const char* bad : {"0", "-5", "abc", "1.5", ""})
        EXPECT_EQ(get(kHistogram, {{"interval_minutes", bad}}).status, 422) << bad;
    EXPECT_EQ(get(kHistogram, {{"interval_minutes", "99999999999"}}).status, 200);
    EXPECT_EQ(get(kHistogram).body, "[]");
}

TEST_F(LogsResource, HistogramBucketsAscending) {
    std::vector<store::LogRecord> rows;
    for (int i = 0; i < 3; ++i)
        rows.push_back(
            log_row("2026-04-09 12:00:0" + std::to_string(i) + ".000000", "ssh", "1.1.1.1", "a"));
    for (int i = 0; i < 7; ++i)
        rows.push_back(
            log_row("2026-04-09 12:20:0" + std::to_string(i) + ".000000", "ssh", "1.1.1.1", "b"));
    insert_logs(rows);
    EXPECT_EQ(
        get(kHistogram).body,
        R"([{"time":"2026-04-09 12:00:00","count":3},{"time":"2026-04-09 12:15:00","count":7}])");
    EXPECT_EQ(get(kHistogram, {{"interval_minutes", "60"}}).body,
              R"([{"time":"2026-04-09 12:00:00","count":10}])");
}

TEST_F(LogsResource, OnlyTheDefaultHistogramIsCached) {
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kHistogram).status, 200); });
    EXPECT_EQ(repo_->histogram_calls, 1);
    repo_->delay = std::chrono::milliseconds(0);
    get(kHistogram, {{"interval_minutes", "15"}, {"search", "null"}});  // still the default
    EXPECT_EQ(repo_->histogram_calls, 1);
    get(kHistogram, {{"interval_minutes", "30"}});
    get(kHistogram, {{"interval_minutes", "30"}});
    get(kHistogram, {{"search", "ssh"}});
    EXPECT_EQ(repo_->histogram_calls, 4);
}

}  // namespace
}  // namespace decnet::api::read_test
