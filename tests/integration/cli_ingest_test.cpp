// `decnet ingest FILE...` as a user runs it: RFC 5424, RFC 3164 and reference JSON-lines
// files into a fresh SQLite database, with rejects counted by reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

TEST(CliIngest, ImportsSyslogAndJsonLinesAndCountsRejects) {
    const auto dir = make_temp_dir();
    write_file(
        dir + "/events.log",
        "<132>1 2026-11-27T09:54:39.490269+00:00 decky-01 smtp - auth_attempt "
        "[decnet@55555 src=\"127.0.0.1\" username=\"alice\" password=\"s3cr3t\"]\n"
        "<134>1 2026-11-27T09:54:25+00:00 decky-01 redis - startup - Redis server starting\n"
        "\n"
        "this is not syslog\n"
        "<13>Nov 27 09:55:01 sensor sshd[812]: Failed password for root from 10.0.0.5\n"
        "{\"timestamp\": \"2024-01-15 12:00:00\", \"decky\": \"decky-02\", \"service\": \"ssh\", "
        "\"event_type\": \"login_attempt\", \"attacker_ip\": \"10.0.0.1\", \"fields\": "
        "{\"src_ip\": \"10.0.0.1\", \"username\": \"root\", \"password\": \"toor\"}, \"msg\": "
        "\"\", "
        "\"raw_line\": \"x\"}\n"
        "{\"decky\": \"poison\"}\n");
    const auto r = run_decnet({"ingest", "--db", dir + "/decnet.db", dir + "/events.log"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out,
                HasSubstr("Imported 4 of 6 lines (2 rejected, 0 dead-lettered, 2 bounties)"));
    EXPECT_THAT(r.out, HasSubstr("rejected 1 × syslog: no_pri"));
    EXPECT_THAT(r.out, HasSubstr("rejected 1 × json: missing or non-string 'service'"));

    auto repo = store::open_sqlite(dir + "/decnet.db");
    EXPECT_EQ(repo->count_logs({}), 4);
    store::LogFilter by_service;
    by_service.search = "service:smtp";
    const auto smtp = repo->logs(by_service, 10, 0);
    ASSERT_EQ(smtp.size(), 1u);
    EXPECT_EQ(smtp[0].attacker_ip, "127.0.0.1");
    EXPECT_EQ(smtp[0].timestamp, "2026-11-27 09:54:39.490269");
    EXPECT_EQ(repo->count_bounties({}), 2);

    // Importing the same file again adds rows but not duplicate bounties.
    ASSERT_EQ(run_decnet({"ingest", "--db", dir + "/decnet.db", dir + "/events.log"}).exit_code, 0);
    EXPECT_EQ(repo->count_logs({}), 8);
    EXPECT_EQ(repo->count_bounties({}), 2);
}

TEST(CliIngest, MissingFileIsAUsageError) {
    const auto r = run_decnet({"ingest", "/nonexistent/file.log"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliIngest, DbPathFromEnvironment) {
    const auto dir = make_temp_dir();
    write_file(dir + "/a.log", "<134>1 2026-11-27T09:54:25+00:00 d s - e -\n");
    const auto r = run_decnet({"ingest", dir + "/a.log"}, {"DECNET_DB_PATH=" + dir + "/env.db"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(store::open_sqlite(dir + "/env.db")->count_logs({}), 1);
}

TEST(CliIngest, UnsupportedDatabaseType) {
    const auto dir = make_temp_dir();
    write_file(dir + "/a.log", "x\n");
    const auto r = run_decnet({"ingest", dir + "/a.log"}, {"DECNET_DB_TYPE=oracle"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Unsupported database type: oracle"));
}

}  // namespace
}  // namespace decnet::testing
