// The MySQL backend's WHERE clauses (api.md §6.1, §1.5): every value is bound on its own,
// never spliced into the SQL text.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/mysql/filters.hpp"

namespace decnet::store::mysql {
namespace {

std::string text(const Value& v) {
    return std::get<std::string>(v);
}

TEST(MysqlFilters, EveryJsonFieldTokenIsBoundSeparately) {
    LogFilter filter;
    filter.search = "username:root password:toor";
    const auto where = log_where(filter);
    ASSERT_EQ(where.params.size(), 4u);  // path, value, path, value (QUIRK Q3 fixed)
    EXPECT_EQ(text(where.params[0]), "$.\"username\"");
    EXPECT_EQ(text(where.params[1]), "root");
    EXPECT_EQ(text(where.params[2]), "$.\"password\"");
    EXPECT_EQ(text(where.params[3]), "toor");
    EXPECT_EQ(where.sql.find("root"), std::string::npos);
    EXPECT_NE(where.sql.find("JSON_UNQUOTE(JSON_EXTRACT(`fields`, ?))"), std::string::npos);
}

TEST(MysqlFilters, UserTextNeverReachesTheSql) {
    LogFilter filter;
    filter.start_time = "2024-01-01' OR '1'='1";
    filter.search = "decky:x'; DROP TABLE logs; -- \"it's\" k`ey:v";
    const auto where = log_where(filter);
    EXPECT_EQ(where.sql.find("DROP"), std::string::npos);
    EXPECT_EQ(where.sql.find("OR '1'"), std::string::npos);
    EXPECT_EQ(where.sql.find("it's"), std::string::npos);
    EXPECT_EQ(where.sql.find("k`ey"), std::string::npos);
    EXPECT_EQ(static_cast<std::size_t>(std::count(where.sql.begin(), where.sql.end(), '?')),
              where.params.size());
}

TEST(MysqlFilters, NoFilterNoWhere) {
    EXPECT_EQ(log_where({}).sql, "");
    EXPECT_EQ(bounty_where({}).sql, "");
}

TEST(MysqlFilters, BountyFilters) {
    BountyFilter filter;
    filter.bounty_type = "credential";
    filter.search = "root";
    const auto where = bounty_where(filter);
    ASSERT_EQ(where.params.size(), 6u);  // type twice (index + exact), pattern four times
    EXPECT_EQ(text(where.params[2]), "%root%");
}

// GET /artifacts: exact columns, a literal (binary) payload piece, a timestamp range.
TEST(MysqlFilters, ArtifactFilters) {
    BountyFilter filter;
    filter.bounty_type = "artifact";
    filter.decky = "decky-01";
    filter.service = "ftp";
    filter.attacker_ip = "10.0.0.1";
    filter.payload_contains = R"({"sha256":"ab")";
    filter.start_time = "2026-04-09 10:00:00";
    filter.end_time = "2026-04-09 11:00:00";
    const auto where = bounty_where(filter);
    ASSERT_EQ(where.params.size(), 11u);  // four exact columns twice, payload, two times
    EXPECT_EQ(text(where.params[8]), R"({"sha256":"ab")");
    EXPECT_NE(where.sql.find("LOCATE(CAST(? AS BINARY), CAST(payload AS BINARY)) > 0"),
              std::string::npos);
    EXPECT_NE(where.sql.find("`timestamp` >= ?"), std::string::npos);
    EXPECT_NE(where.sql.find("`timestamp` <= ?"), std::string::npos);
}

TEST(MysqlFilters, LikePatternKeepsBackslashLiteralAndWildcards) {
    EXPECT_EQ(contains_pattern(R"(a\b%_)"), R"(%a\\b%_%)");
}

}  // namespace
}  // namespace decnet::store::mysql
