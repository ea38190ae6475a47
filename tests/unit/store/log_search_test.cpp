// The search language of api.md §6.1 without a database: shlex-compatible splitting, the
// whitespace fallback, key:value classification, bounds, and the trigram pre-filter.
#include "store/log_search.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "store/sqlite/log_filter_sql.hpp"

namespace decnet::store {
namespace {

using ::testing::ElementsAre;
using Kind = SearchTerm::Kind;

std::vector<std::string> split(std::string_view text) {
    auto tokens = shell_split(text);
    EXPECT_TRUE(tokens.has_value()) << text;
    return tokens.value_or(std::vector<std::string>{});
}

TEST(ShellSplit, MatchesPythonShlex) {
    // Expected values are what Python's shlex.split returns for the same input.
    EXPECT_THAT(split("a b  c"), ElementsAre("a", "b", "c"));
    EXPECT_THAT(split("  \t a\r\nb "), ElementsAre("a", "b"));
    EXPECT_THAT(split("\"ssh decky\" attacker:1.2.3.4"),
                ElementsAre("ssh decky", "attacker:1.2.3.4"));
    EXPECT_THAT(split("'single \"kept\"'"), ElementsAre("single \"kept\""));
    EXPECT_THAT(split("a\"b c\"d"), ElementsAre("ab cd"));
    EXPECT_THAT(split("a \"\" b"), ElementsAre("a", "", "b"));
    EXPECT_THAT(split("''"), ElementsAre(""));
    EXPECT_THAT(split("back\\ slash"), ElementsAre("back slash"));
    EXPECT_THAT(split("\\\\x \\'"), ElementsAre("\\x", "'"));
    EXPECT_THAT(split("\"in \\\" \\\\ \\n\""), ElementsAre("in \" \\ \\n"));
    EXPECT_THAT(split("'no \\escape'"), ElementsAre("no \\escape"));
    EXPECT_THAT(split("key:\"two words\""), ElementsAre("key:two words"));
    EXPECT_THAT(split("tab\vvertical"), ElementsAre("tab\vvertical"));  // not shlex whitespace
    EXPECT_THAT(split(""), ElementsAre());
}

TEST(ShellSplit, UnbalancedInputIsRejected) {
    EXPECT_FALSE(shell_split("\"open"));
    EXPECT_FALSE(shell_split("it's"));
    EXPECT_FALSE(shell_split("trailing\\"));
    EXPECT_FALSE(shell_split("\"escaped close\\\""));
}

TEST(WhitespaceSplit, MatchesPythonStrSplit) {
    EXPECT_THAT(whitespace_split(" a\tb\v c\x1f"
                                 "d "),
                ElementsAre("a", "b", "c", "d"));
    EXPECT_THAT(whitespace_split("x\xc2\xa0y\xe3\x80\x80z"), ElementsAre("x", "y", "z"));
    EXPECT_THAT(whitespace_split("caf\xc3\xa9 ok"), ElementsAre("caf\xc3\xa9", "ok"));
    EXPECT_THAT(whitespace_split("   "), ElementsAre());
}

TEST(ParseSearch, ClassifiesTokens) {
    const auto terms = parse_search(
        "service:ssh decky:target event:login attacker:1.2.3.4 attacker-ip:a attacker_ip:b "
        "username:root plain");
    ASSERT_EQ(terms.size(), 8u);
    EXPECT_EQ(terms[0].kind, Kind::column);
    EXPECT_EQ(terms[0].name, "service");
    EXPECT_EQ(terms[1].name, "decky");
    EXPECT_EQ(terms[2].name, "event_type");
    EXPECT_EQ(terms[3].name, "attacker_ip");
    EXPECT_EQ(terms[3].value, "1.2.3.4");
    EXPECT_EQ(terms[4].name, "attacker_ip");
    EXPECT_EQ(terms[5].name, "attacker_ip");
    EXPECT_EQ(terms[6].kind, Kind::json_field);
    EXPECT_EQ(terms[6].name, "username");
    EXPECT_EQ(terms[6].value, "root");
    EXPECT_EQ(terms[7].kind, Kind::substring);
    EXPECT_EQ(terms[7].value, "plain");
}

TEST(ParseSearch, KeysAreSanitisedSplitAtFirstColonAndCaseSensitive) {
    const auto terms = parse_search("user-name:a:b Service:ssh ---:dropped path:/x service:");
    ASSERT_EQ(terms.size(), 4u);
    EXPECT_EQ(terms[0].kind, Kind::json_field);
    EXPECT_EQ(terms[0].name, "username");
    EXPECT_EQ(terms[0].value, "a:b");
    EXPECT_EQ(terms[1].kind, Kind::json_field);  // aliases are case-sensitive
    EXPECT_EQ(terms[1].name, "Service");
    EXPECT_EQ(terms[2].name, "path");
    EXPECT_EQ(terms[2].value, "/x");
    EXPECT_EQ(terms[3].kind, Kind::column);
    EXPECT_EQ(terms[3].value, "");
}

TEST(ParseSearch, UnbalancedQuotesFallBackToWhitespace) {
    const auto terms = parse_search("\"ssh decky attacker:1.2.3.4");
    ASSERT_EQ(terms.size(), 3u);
    EXPECT_EQ(terms[0].value, "\"ssh");
    EXPECT_EQ(terms[1].value, "decky");
    EXPECT_EQ(terms[2].kind, Kind::column);
}

TEST(ParseSearch, BoundsLengthAndTokenCount) {
    std::string many;
    for (int i = 0; i < 40; ++i) many += "t" + std::to_string(i) + " ";
    const auto terms = parse_search(many);
    ASSERT_EQ(terms.size(), kMaxSearchTokens);
    EXPECT_EQ(terms.back().value, "t31");

    const std::string long_token(600, 'x');
    EXPECT_EQ(parse_search(long_token).front().value.size(), kMaxSearchChars);
    // Clipping counts characters and never splits one.
    std::string accents;
    for (int i = 0; i < 600; ++i) accents += "\xc3\xa9";
    EXPECT_EQ(clip_search(accents).size(), 2 * kMaxSearchChars);
}

// --- trigram pre-filter ---

std::optional<std::string> match_for(std::string_view search) {
    const auto trigrams = sqlite::substring_trigrams(parse_search(search), 16);
    if (trigrams.empty()) return std::nullopt;
    return sqlite::all_of(trigrams);
}

TEST(TrigramMatch, EveryTrigramOfTheToken) {
    EXPECT_EQ(match_for("abcde"), "\"abc\" AND \"bcd\" AND \"cde\"");
    EXPECT_EQ(match_for("abc"), "\"abc\"");
    EXPECT_EQ(match_for("caf\xc3\xa9s"),
              "\"caf\" AND \"af\xc3\xa9\" AND \"f\xc3\xa9s\"");  // code points
}

TEST(TrigramMatch, OnlyLiteralRunsOfSubstringTerms) {
    EXPECT_EQ(match_for("ab"), std::nullopt);            // too short: LIKE alone
    EXPECT_EQ(match_for("service:sshd"), std::nullopt);  // not a substring term
    EXPECT_EQ(match_for("ab%cd_ef"), std::nullopt);      // wildcards split the runs
    EXPECT_EQ(match_for("root%pas"), "\"roo\" AND \"oot\" AND \"pas\"");
    EXPECT_EQ(match_for("abc abc aaaa"), "\"abc\" AND \"aaa\"");  // duplicates once
}

TEST(TrigramMatch, QuotesAreEscapedAndBadUtf8Skipped) {
    EXPECT_EQ(match_for("'a\"b'"), "\"a\"\"b\"");
    EXPECT_EQ(match_for("ab\xff"
                        "cd"),
              std::nullopt);
}

TEST(TrigramMatch, LongTokensAreCappedButSpread) {
    std::string token;  // 100 distinct 3-character groups
    for (int i = 0; i < 100; ++i) {
        token += static_cast<char>('a' + i % 26);
        token += static_cast<char>('a' + i / 26);
        token += static_cast<char>('A' + i % 26);
    }
    const auto match = match_for(token);
    ASSERT_TRUE(match);
    EXPECT_EQ(std::count(match->begin(), match->end(), '"'), 2 * 16);
    EXPECT_EQ(match->substr(0, 5), "\"aaA\"");               // both ends are
    EXPECT_EQ(match->substr(match->size() - 5), "\"vdV\"");  // still constrained
}

}  // namespace
}  // namespace decnet::store
