// Log search (api.md §6.1) against real SQLite, run three ways that must agree: before
// the free-text index has seen the rows (they are the LIKE-scanned tail), after it has
// (trigram candidates re-checked by LIKE), and with the index never used (plain scan).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "store/sqlite/statement.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::log_row;
using sqlite_test::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

enum class Mode { unindexed_tail, indexed, scan };

std::string mode_name(const ::testing::TestParamInfo<Mode>& info) {
    switch (info.param) {
        case Mode::unindexed_tail:
            return "UnindexedTail";
        case Mode::indexed:
            return "Indexed";
        case Mode::scan:
            return "Scan";
    }
    return "?";
}

constexpr const char* kMetaLine =
    "<134>1 2024-01-15T12:04:00+00:00 decky-03 mysql - query - x' OR 1=1; -- \"quoted\" "
    "100% _under_ back\\slash it's";

class SqliteSearch : public ::testing::TestWithParam<Mode> {
  protected:
    SqliteSearch() {
        auto options = sqlite_test::manual_indexing();
        if (GetParam() == Mode::scan) {
            options.page_candidate_limit = -1;  // never worth it: always scan
            options.count_candidate_limit = -1;
        }
        repo = std::make_unique<SqliteRepository>(dir.file("search.db"), options);
        std::vector<LogRecord> rows{
            log_row("2024-01-15 12:00:00.000000", "decky-01", "ssh", "login_attempt", "10.0.0.1",
                    "<134>1 2024-01-15T12:00:00+00:00 decky-01 ssh - login_attempt "
                    "[decnet@55555 src_ip=\"10.0.0.1\" username=\"root\" password=\"toor\"]",
                    R"({"src_ip":"10.0.0.1","username":"root","password":"toor"})"),
            log_row("2024-01-15 12:01:00.000000", "target", "http", "request", "1.2.3.4",
                    "<134>1 2024-01-15T12:01:00+00:00 target http - request GET "
                    "/SuperSecretString",
                    R"({"src_ip":"1.2.3.4","method":"GET","path":"/SuperSecretString"})"),
            log_row("2024-01-15 12:02:00.000000", "decky-02", "ssh", "command", "1.2.3.4",
                    "<134>1 2024-01-15T12:02:00+00:00 decky-02 ssh - command ssh decky whoami",
                    R"({"command":"whoami","username":"admin"})"),
            log_row("2024-01-15 12:03:00.000000", "decky-03", "ftp", "login_attempt", "Unknown",
                    "<134>1 2024-01-15T12:03:00+00:00 decky-03 ftp - login_attempt -",
                    R"({"username":"root","password":"123456","port":21})"),
            log_row("2024-01-15 12:04:00.000000", "decky-03", "mysql", "query", "5.6.7.8",
                    kMetaLine, R"({"note":"it's \"fine\"","q":"a'b"})"),
            log_row("2024-01-15 12:05:00.000000", "decky-04", "telnet", "input", "9.9.9.9",
                    "<134>1 2024-01-15T12:05:00+00:00 decky-04 telnet - input \xc3\x9cn\xc3\xaf"
                    "c\xc3\xb6"
                    "d\xc3\xa9 text",
                    "{}")};
        rows[0].tags = "T1078,T1110";
        rows[2].tags = "T1059.004";
        rows[3].tags = "T1110";
        repo->insert_logs(rows);
        if (GetParam() == Mode::indexed) {
            EXPECT_EQ(repo->index_pending_search(1000), rows.size());
            EXPECT_EQ(repo->search_index_backlog(), 0);
        }
    }

    // Row ids for `search`, checked against the count and the histogram total.
    std::vector<std::int64_t> find(const std::string& search) {
        LogFilter filter;
        filter.search = search;
        std::vector<std::int64_t> ids;
        for (const auto& r : repo->logs(filter, 100, 0)) ids.push_back(r.id);
        EXPECT_EQ(repo->count_logs(filter), static_cast<std::int64_t>(ids.size())) << search;
        std::int64_t in_histogram = 0;
        for (const auto& b : repo->histogram(filter, 60)) in_histogram += b.count;
        EXPECT_EQ(in_histogram, static_cast<std::int64_t>(ids.size())) << search;
        std::sort(ids.begin(), ids.end());
        return ids;
    }

    TempDir dir;
    std::unique_ptr<SqliteRepository> repo;
};

TEST_P(SqliteSearch, ExamplesOfTheSpec) {
    EXPECT_THAT(find("service:ssh"), ElementsAre(1, 3));
    EXPECT_THAT(find("decky:target"), ElementsAre(2));
    EXPECT_THAT(find("username:root"), ElementsAre(1, 4));
    EXPECT_THAT(find("supersecretstring"), ElementsAre(2));
    EXPECT_THAT(find("\"ssh decky\" attacker:1.2.3.4"), ElementsAre(3));
}

TEST_P(SqliteSearch, AttackTagsMatchWholeIds) {
    EXPECT_THAT(find("tag:T1110"), ElementsAre(1, 4));
    EXPECT_THAT(find("attack:T1078"), ElementsAre(1));
    EXPECT_THAT(find("tag:T1059.004"), ElementsAre(3));
    EXPECT_THAT(find("tag:T1059"), IsEmpty());  // whole ids, never a prefix
    EXPECT_THAT(find("tag:t1110"), IsEmpty());
    EXPECT_THAT(find("tag:T1110 service:ftp"), ElementsAre(4));
    EXPECT_THAT(find("tag:%"), IsEmpty());                         // no wildcards
    EXPECT_EQ(repo->logs({}, 100, 0).back().tags, "T1078,T1110");  // newest first: row 1 last
}

TEST_P(SqliteSearch, ColumnAliasesAreExactAndCaseSensitive) {
    EXPECT_THAT(find("event:login_attempt"), ElementsAre(1, 4));
    EXPECT_THAT(find("attacker:1.2.3.4"), ElementsAre(2, 3));
    EXPECT_THAT(find("attacker-ip:Unknown"), ElementsAre(4));
    EXPECT_THAT(find("attacker_ip:10.0.0.1"), ElementsAre(1));
    EXPECT_THAT(find("attacker:1.2.3"), IsEmpty());  // equality, not substring
    EXPECT_THAT(find("service:SSH"), IsEmpty());
    EXPECT_THAT(find("service:"), IsEmpty());
}

TEST_P(SqliteSearch, JsonFieldTokensAreEachBoundSeparately) {
    // QUIRK Q3 fixed: the reference would compare both keys with "toor".
    EXPECT_THAT(find("username:root password:toor"), ElementsAre(1));
    EXPECT_THAT(find("password:toor username:root"), ElementsAre(1));
    EXPECT_THAT(find("username:admin command:whoami"), ElementsAre(3));
    EXPECT_THAT(find("username:root password:123456"), ElementsAre(4));
    EXPECT_THAT(find("user-name:root"), ElementsAre(1, 4));  // key reduced to [A-Za-z0-9_]
    EXPECT_THAT(find("port:21"), IsEmpty());                 // numbers never equal text
    EXPECT_THAT(find("Username:root"), IsEmpty());           // keys are case-sensitive
    EXPECT_THAT(find("-.-:anything"), ElementsAre(1, 2, 3, 4, 5, 6));  // empty key: ignored
}

TEST_P(SqliteSearch, SubstringsAreCaseInsensitiveAndAnded) {
    EXPECT_THAT(find("SUPERsecret"), ElementsAre(2));
    EXPECT_THAT(find("decky-0"), ElementsAre(1, 3, 4, 5, 6));
    EXPECT_THAT(find("decky login_attempt"), ElementsAre(1, 4));
    EXPECT_THAT(find("login_attempt service:ftp"), ElementsAre(4));
    EXPECT_THAT(find("10.0.0"), ElementsAre(1));
    EXPECT_THAT(find("nowhere-to-be-found"), IsEmpty());
    EXPECT_THAT(find("ss"), ElementsAre(1, 3));  // shorter than a trigram: LIKE alone
    EXPECT_THAT(find(""), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST_P(SqliteSearch, LikeSemanticsAreKeptForNonAsciiAndWildcards) {
    // SQLite LIKE folds ASCII only: the index (which folds more) must not widen results.
    EXPECT_THAT(find("\xc3\x9cn\xc3\xaf"
                     "c\xc3\xb6"),
                ElementsAre(6));
    EXPECT_THAT(find("\xc3\xbcn\xc3\xaf"
                     "c\xc3\xb6"),
                IsEmpty());
    EXPECT_THAT(find("UN"), ElementsAre(4, 5));  // "Unknown", "_under_"; not "\xc3\x9cn"
}

TEST_P(SqliteSearch, QuotesAndUnbalancedQuotes) {
    EXPECT_THAT(find("'\"quoted\"'"), ElementsAre(5));
    EXPECT_THAT(find("\"x' OR 1=1\""), ElementsAre(5));
    EXPECT_THAT(find("it's"), ElementsAre(5));                     // unbalanced: whitespace split
    EXPECT_THAT(find("\"ssh decky attacker:1.2.3.4"), IsEmpty());  // token "ssh needs a quote
    EXPECT_THAT(find("\"q:a'b\""), ElementsAre(5));                // JSON value with a quote
    EXPECT_THAT(find("\"note:it's \\\"fine\\\"\""), ElementsAre(5));
}

TEST_P(SqliteSearch, SqlMetacharactersAreData) {
    EXPECT_THAT(find("';"), IsEmpty());
    EXPECT_THAT(find("\"1=1;\""), ElementsAre(5));
    EXPECT_THAT(find("--"), ElementsAre(5));
    EXPECT_THAT(find("\"' OR '1'='1\""), IsEmpty());
    EXPECT_THAT(find("service:x'--"), IsEmpty());
    EXPECT_THAT(find("\"decky:decky-03' OR 1=1 --\""), IsEmpty());
    EXPECT_THAT(find("back\\\\slash"), ElementsAre(5));  // shlex: \\ is one backslash
    EXPECT_THAT(find("'back\\slash'"), ElementsAre(5));
    // % and _ stay LIKE wildcards (api.md §6.1)
    EXPECT_THAT(find("100%"), ElementsAre(5));
    EXPECT_THAT(find("_under_"), ElementsAre(5));
    EXPECT_THAT(find("dec_y-01"), ElementsAre(1));
    EXPECT_THAT(find("%"), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST_P(SqliteSearch, AllFiltersTogether) {
    LogFilter filter;
    filter.search = "ssh decky";
    filter.start_time = "2024-01-15 12:01:00";
    filter.end_time = "2024-01-15 12:03:00";
    const auto rows = repo->logs(filter, 50, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, 3);
    EXPECT_EQ(repo->count_logs(filter), 1);
}

TEST_P(SqliteSearch, RowsArrivingLaterAreFoundBeforeAndAfterIndexing) {
    std::vector<LogRecord> late{log_row("2024-01-15 13:00:00.000000", "decky-09", "smb", "share",
                                        "7.7.7.7", "late arrival with SuperSecretString")};
    repo->insert_logs(late);
    EXPECT_THAT(find("supersecretstring"), ElementsAre(2, 7));
    repo->index_pending_search(1000);
    EXPECT_THAT(find("supersecretstring"), ElementsAre(2, 7));
}

TEST_P(SqliteSearch, LargeValuesAreStoredAndFoundVerbatim) {
    std::string big;  // ~10 KB, every metacharacter, no whitespace or quotes for the search
    while (big.size() < 10 * 1024) big += "a;b--c%d_e\\f'g\"h\xc3\xa9" + std::to_string(big.size());
    std::string needle;  // searched verbatim: no whitespace, quotes or backslashes
    while (needle.size() < 10 * 1024) needle += "n;o--p%q_r" + std::to_string(needle.size());
    std::vector<LogRecord> rows{log_row("2024-01-15 14:00:00.000000", "big", "s", "e", "i",
                                        big + needle, R"({"blob":")" + needle + R"("})")};
    repo->insert_logs(rows);
    if (GetParam() == Mode::indexed) repo->index_pending_search(1000);

    LogFilter filter;
    filter.search = "decky:big";
    const auto stored = repo->logs(filter, 1, 0);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].raw_line, big + needle);
    EXPECT_EQ(stored[0].fields, rows[0].fields);
    EXPECT_THAT(find(needle), ElementsAre(rows[0].id));  // clipped to 512 characters
    EXPECT_THAT(find("blob:" + needle), IsEmpty());      // clipped value != the field
}

// White box: an indexed row is looked up through the index, not scanned. Logs rows are
// immutable, so editing one behind the store's back shows which path answered.
TEST(SqliteSearchIndex, IndexedRowsAreLookedUpThroughTheIndex) {
    TempDir dir;
    SqliteRepository repo(dir.file("i.db"), sqlite_test::manual_indexing());
    std::vector<LogRecord> rows{
        log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "i", "original words")};
    repo.insert_logs(rows);
    repo.index_pending_search(10);
    {
        sqlite::Connection c(dir.file("i.db"));
        c.exec("UPDATE logs SET raw_line = 'replacement words' WHERE id = 1");
    }
    LogFilter filter;
    filter.search = "replacement";
    EXPECT_EQ(repo.count_logs(filter), 0);  // the index never saw this text
    filter.search = "original";
    EXPECT_EQ(repo.count_logs(filter), 0);  // a candidate, but LIKE has the last word
    filter.search = "words";
    EXPECT_EQ(repo.count_logs(filter), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, SqliteSearch,
                         ::testing::Values(Mode::unindexed_tail, Mode::indexed, Mode::scan),
                         mode_name);

}  // namespace
}  // namespace decnet::store
