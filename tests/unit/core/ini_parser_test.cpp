// The INI dialect (engine.md §3.1) and the API's pre-parse validation (§3.6).
#include "core/ini_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace decnet {
namespace {

IniDocument strict(std::string_view text) {
    return parse_ini(text, IniDuplicates::reject, "test.ini");
}
IniDocument merged(std::string_view text) {
    return parse_ini(text, IniDuplicates::merge);
}

// The value of `key` in section `name` (own or DEFAULT), or "<missing>".
std::string value_of(const IniDocument& doc, std::string_view name, std::string_view key) {
    for (const IniSection& section : doc.sections)
        if (section.name == name) {
            const IniEntry* entry = doc.lookup(section, key);
            return entry ? entry->value : "<missing>";
        }
    return "<no section>";
}

// Runs `parse` and returns the ConfigError it throws.
template <typename Parse>
ConfigError error_of(Parse parse) {
    try {
        parse();
    } catch (const ConfigError& error) {
        return error;
    }
    ADD_FAILURE() << "expected a ConfigError";
    return ConfigError("none");
}

TEST(IniParser, SectionsInFileOrderWithTheirLines) {
    const auto doc = strict("[b]\nx=1\n\n[a]\ny=2\n");
    ASSERT_EQ(doc.sections.size(), 2u);
    EXPECT_EQ(doc.sections[0].name, "b");
    EXPECT_EQ(doc.sections[0].line, 1);
    EXPECT_EQ(doc.sections[1].name, "a");
    EXPECT_EQ(doc.sections[1].line, 4);
    EXPECT_EQ(doc.sections[1].entries[0].line, 5);
}

TEST(IniParser, SectionNamesAreCaseSensitive) {
    const auto doc = strict("[general]\n[General]\n");
    ASSERT_EQ(doc.sections.size(), 2u);
    EXPECT_EQ(doc.sections[1].name, "General");
}

TEST(IniParser, KeysAreLowerCasedAndTrimmed) {
    const auto doc = strict("[a]\n  SERVICES   =   ssh, http   \n");
    ASSERT_EQ(doc.sections[0].entries.size(), 1u);
    EXPECT_EQ(doc.sections[0].entries[0].key, "services");
    EXPECT_EQ(doc.sections[0].entries[0].value, "ssh, http");
}

TEST(IniParser, TabsAroundTheDelimiterAreTrimmedLikeSpaces) {
    const auto doc = strict("[general]\ninterface\t=\teth0\t\n");
    EXPECT_EQ(value_of(doc, "general", "interface"), "eth0");
}

TEST(IniParser, ColonIsADelimiterAndTheFirstDelimiterWins) {
    const auto doc = strict("[a]\nurl: http://x:80/?a=b\nk = v:w=x\nm:n=o\n");
    EXPECT_EQ(value_of(doc, "a", "url"), "http://x:80/?a=b");
    EXPECT_EQ(value_of(doc, "a", "k"), "v:w=x");
    EXPECT_EQ(value_of(doc, "a", "m"), "n=o");
}

TEST(IniParser, EmptyValueIsKept) {
    const auto doc = strict("[a]\namount=\n");
    ASSERT_NE(doc.sections[0].find("amount"), nullptr);
    EXPECT_EQ(doc.sections[0].find("amount")->value, "");
}

TEST(IniParser, FullLineCommentsOnlyNoInlineComments) {
    const auto doc =
        strict("# top\n; top\n[a]\n  # indented comment\nservices = ssh # c\nx = 1 ; y\n");
    EXPECT_EQ(value_of(doc, "a", "services"), "ssh # c");
    EXPECT_EQ(value_of(doc, "a", "x"), "1 ; y");
    EXPECT_EQ(doc.sections[0].entries.size(), 2u);
}

TEST(IniParser, PercentIsLiteral) {
    const auto doc = strict("[a.http]\nserver_header=100%\nother=%(x)s %%\n");
    EXPECT_EQ(value_of(doc, "a.http", "server_header"), "100%");
    EXPECT_EQ(value_of(doc, "a.http", "other"), "%(x)s %%");
}

TEST(IniParser, ContinuationLinesJoinWithNewline) {
    const auto doc = strict("[a]\nservices = ssh,\n    http,\n\tftp\nnext = 1\n");
    EXPECT_EQ(value_of(doc, "a", "services"), "ssh,\nhttp,\nftp");
    EXPECT_EQ(value_of(doc, "a", "next"), "1");
}

TEST(IniParser, BlankLinesInsideAValueKeptOnlyBeforeAContinuation) {
    const auto doc = strict("[a]\nk = one\n\n\n  two\n\n\nj = x\n\n");
    EXPECT_EQ(value_of(doc, "a", "k"), "one\n\n\ntwo");
    EXPECT_EQ(value_of(doc, "a", "j"), "x");
}

TEST(IniParser, CommentsInsideAValueAreSkippedWithoutEndingIt) {
    const auto doc = strict("[a]\nk = one\n# note\n  two\n");
    EXPECT_EQ(value_of(doc, "a", "k"), "one\ntwo");
}

TEST(IniParser, EmptyFirstValueThenContinuation) {
    const auto doc = strict("[a]\nk =\n  two\n");
    EXPECT_EQ(value_of(doc, "a", "k"), "\ntwo");
}

TEST(IniParser, IndentedLineAfterHeaderIsAKeyNotAContinuation) {
    const auto doc = strict("[a]\n  k = 1\n    deeper = 2\n  j = 3\n");
    ASSERT_EQ(doc.sections[0].entries.size(), 2u);
    EXPECT_EQ(value_of(doc, "a", "k"), "1\ndeeper = 2");
    EXPECT_EQ(value_of(doc, "a", "j"), "3");
}

TEST(IniParser, SectionHeaderEdgeCases) {
    const auto doc = strict("[a] trailing text\n[ b ]\n[c]]\n[x=1]\n");
    ASSERT_EQ(doc.sections.size(), 4u);
    EXPECT_EQ(doc.sections[0].name, "a");
    EXPECT_EQ(doc.sections[1].name, " b ");
    EXPECT_EQ(doc.sections[2].name, "c]");
    EXPECT_EQ(doc.sections[3].name, "x=1");
}

TEST(IniParser, EmptyBracketsAreNotAHeader) {
    const auto error = error_of([] { strict("[a]\n[]\n"); });
    EXPECT_EQ(error.line(), 2);
    EXPECT_STREQ(error.what(),
                 "Invalid INI format: line 2: expected [section] or key = value, got '[]'");
}

TEST(IniParser, DefaultIsInheritedAndNotASection) {
    const auto doc = strict("[DEFAULT]\nservices = ssh\nshared = d\n[a]\nservices = http\n[b]\n");
    ASSERT_EQ(doc.sections.size(), 2u);
    ASSERT_EQ(doc.defaults.size(), 2u);
    EXPECT_EQ(value_of(doc, "a", "services"), "http");
    EXPECT_EQ(value_of(doc, "a", "shared"), "d");
    EXPECT_EQ(value_of(doc, "b", "services"), "ssh");
    EXPECT_EQ(doc.sections[1].find("services"), nullptr);  // own entries only

    const auto effective = doc.effective_entries(doc.sections[0]);
    ASSERT_EQ(effective.size(), 2u);
    EXPECT_EQ(effective[0].key, "services");
    EXPECT_EQ(effective[0].value, "http");
    EXPECT_EQ(effective[1].key, "shared");
}

TEST(IniParser, LowerCaseDefaultIsAnOrdinarySection) {
    const auto doc = strict("[default]\nk=1\n");
    ASSERT_EQ(doc.sections.size(), 1u);
    EXPECT_TRUE(doc.defaults.empty());
}

TEST(IniParser, StrictRejectsDuplicateSectionWithItsLine) {
    const auto error = error_of([] { strict("[a]\nk=1\n\n[a]\n"); });
    EXPECT_STREQ(error.what(), "section 'a' already exists");
    EXPECT_EQ(error.file(), "test.ini");
    EXPECT_EQ(error.line(), 4);
    EXPECT_EQ(error.located(), "test.ini:4: section 'a' already exists");
}

TEST(IniParser, StrictRejectsDuplicateKeyInAnyCase) {
    const auto error = error_of([] { strict("[a]\nservices=ssh\nSERVICES = http\n"); });
    EXPECT_STREQ(error.what(), "option 'services' in section 'a' already exists");
    EXPECT_EQ(error.line(), 3);
}

TEST(IniParser, StrictAllowsReopeningDefaultButNotRepeatingItsKeys) {
    const auto doc = strict("[DEFAULT]\na=1\n[x]\n[DEFAULT]\nb=2\n");
    EXPECT_EQ(doc.defaults.size(), 2u);
    const auto error = error_of([] { strict("[DEFAULT]\na=1\n[DEFAULT]\na=2\n"); });
    EXPECT_STREQ(error.what(), "option 'a' in section 'DEFAULT' already exists");
    EXPECT_EQ(error.line(), 4);
}

TEST(IniParser, MergeKeepsFirstPositionAndLaterValueWins) {
    const auto doc = merged("[a]\nservices=ssh\nip=1\n[b]\n[a]\nservices=http\nextra=x\n");
    ASSERT_EQ(doc.sections.size(), 2u);
    EXPECT_EQ(doc.sections[0].name, "a");
    EXPECT_EQ(doc.sections[0].line, 1);
    ASSERT_EQ(doc.sections[0].entries.size(), 3u);
    EXPECT_EQ(doc.sections[0].entries[0].value, "http");
    EXPECT_EQ(doc.sections[0].entries[0].line, 6);
    EXPECT_EQ(value_of(doc, "a", "ip"), "1");
    EXPECT_EQ(value_of(doc, "a", "extra"), "x");
}

TEST(IniParser, MergeReplacesAMultiLineValueEntirely) {
    const auto doc = merged("[a]\nk = one\n  two\nk = three\n  four\n");
    EXPECT_EQ(value_of(doc, "a", "k"), "three\nfour");
}

TEST(IniParser, NoSectionHeaderBeforeFirstKey) {
    const auto error = error_of([] { strict("# comment\n\nkey=value\n[a]\n"); });
    EXPECT_STREQ(error.what(), "File contains no section headers");
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.file(), "test.ini");
}

TEST(IniParser, IndentedKeyBeforeAnySectionHasNoHeader) {
    const auto error = error_of([] { merged("   key=value\n"); });
    EXPECT_STREQ(error.what(), "File contains no section headers");
}

TEST(IniParser, LineWithoutDelimiterIsAnError) {
    const auto error = error_of([] { strict("[a]\nk=1\njust words\n"); });
    EXPECT_STREQ(error.what(),
                 "Invalid INI format: line 3: expected [section] or key = value, got 'just words'");
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.located(),
              "test.ini:3: Invalid INI format: line 3: expected [section] or key = value, got "
              "'just words'");
}

TEST(IniParser, EmptyKeyIsAnError) {
    const auto error = error_of([] { strict("[a]\n = value\n"); });
    EXPECT_EQ(error.line(), 2);
    EXPECT_STREQ(error.what(),
                 "Invalid INI format: line 2: expected [section] or key = value, got '= value'");
}

TEST(IniParser, ErrorTextIsEscapedAndShortened) {
    const std::string line = "\x1b[31m" + std::string(200, 'x');
    const auto error = error_of([&] { merged("[a]\n" + line + "\n"); });
    const std::string message = error.what();
    EXPECT_EQ(message.find('\x1b'), std::string::npos);
    EXPECT_NE(message.find("\\x1b[31m"), std::string::npos);
    EXPECT_LT(message.size(), 200u);
    EXPECT_NE(message.find("…"), std::string::npos);
}

TEST(IniParser, CrLfAndLoneCrAreLineBreaks) {
    const auto doc = strict("[a]\r\nservices = ssh\r\n  http\r\n[b]\rip = 1\r\r[c]\n");
    ASSERT_EQ(doc.sections.size(), 3u);
    EXPECT_EQ(value_of(doc, "a", "services"), "ssh\nhttp");
    EXPECT_EQ(value_of(doc, "b", "ip"), "1");
    EXPECT_EQ(doc.sections[2].line, 7);
}

TEST(IniParser, LastLineWithoutNewline) {
    const auto doc = strict("[a]\nk = v");
    EXPECT_EQ(value_of(doc, "a", "k"), "v");
}

TEST(IniParser, EmptyAndCommentOnlyInputHaveNoSections) {
    EXPECT_TRUE(strict("").sections.empty());
    EXPECT_TRUE(strict("# only\n; comments\n\n").sections.empty());
}

TEST(IniParser, SizeLimitIsExact) {
    std::string text = "[a]\n";
    text.resize(kMaxIniBytes, '#');
    EXPECT_EQ(strict(text).sections.size(), 1u);
    text += "x";
    const auto error = error_of([&] { strict(text); });
    EXPECT_STREQ(error.what(), "INI content is too large (max 512KB)");
    EXPECT_EQ(error.file(), "test.ini");
}

// Guards against quadratic behaviour: these finish in milliseconds when linear.
TEST(IniParser, HugeLineAndManyKeysStayLinear) {
    std::string line = "[a]\nk = " + std::string(kMaxIniBytes - 16, 'v') + "\n";
    EXPECT_EQ(value_of(merged(line), "a", "k").size(), kMaxIniBytes - 16);

    std::string keys = "[a]\n";
    for (int i = 0; keys.size() < kMaxIniBytes - 32; ++i) keys += "k" + std::to_string(i) + "=\n";
    EXPECT_GT(merged(keys).sections[0].entries.size(), 50000u);

    std::string same = "[a]\n";
    while (same.size() < kMaxIniBytes - 8) same += "k=1\n";
    EXPECT_EQ(merged(same).sections[0].entries.size(), 1u);

    std::string continuation = "[a]\nk=1\n";
    while (continuation.size() < kMaxIniBytes - 8) continuation += " x\n\n";
    EXPECT_GT(value_of(merged(continuation), "a", "k").size(), 100000u);
}

TEST(IniValidate, ValidContentIsAccepted) {
    EXPECT_EQ(validate_ini_text("[group]\namount=5\nservices=ssh\n"), "");
}

TEST(IniValidate, EmptyOrWhitespaceOnly) {
    EXPECT_EQ(validate_ini_text(""), "INI content is empty");
    EXPECT_EQ(validate_ini_text("   "), "INI content is empty");
    EXPECT_EQ(validate_ini_text(" \r\n\t\n"), "INI content is empty");
}

TEST(IniValidate, NoSectionHeader) {
    EXPECT_EQ(validate_ini_text("key=value"), "Invalid INI format: no sections found");
}

TEST(IniValidate, OnlyCommentsOrOnlyDefault) {
    const std::string message =
        "The provided INI content must contain at least one section (no sections found)";
    EXPECT_EQ(validate_ini_text("# nothing here\n"), message);
    EXPECT_EQ(validate_ini_text("[DEFAULT]\nservices=ssh\n"), message);
}

TEST(IniValidate, TooLarge) {
    std::string text = "[a]\n";
    text.resize(kMaxIniBytes + 1, ' ');
    EXPECT_EQ(validate_ini_text(text), "INI content is too large (max 512KB)");
    text.pop_back();
    EXPECT_EQ(validate_ini_text(text), "");
}

TEST(IniValidate, OtherParserErrorsArePrefixedOnce) {
    EXPECT_EQ(validate_ini_text("[a]\nbroken line\n"),
              "Invalid INI format: line 2: expected [section] or key = value, got 'broken line'");
}

TEST(IniValidate, DuplicatesAreAllowed) {
    EXPECT_EQ(validate_ini_text("[a]\nk=1\nk=2\n[a]\n"), "");
}

}  // namespace
}  // namespace decnet
