// The compose export's YAML emitter: quoting decides whether docker compose reads a value
// as the string we meant ('5' not 5, 'yes' not true), and block layout.
#include <gtest/gtest.h>

#include "engine/yaml_writer.hpp"

namespace decnet::engine {
namespace {

TEST(YamlScalar, PlainOnlyWhenUnambiguous) {
    EXPECT_EQ(yaml_scalar("decky-01"), "decky-01");
    EXPECT_EQ(yaml_scalar("/opt/html_files"), "/opt/html_files");
    EXPECT_EQ(yaml_scalar("nginx/1.18.0"), "nginx/1.18.0");
    EXPECT_EQ(yaml_scalar("3.8"), "'3.8'");
    EXPECT_EQ(yaml_scalar("5"), "'5'");
    EXPECT_EQ(yaml_scalar("-1"), "'-1'");
    EXPECT_EQ(yaml_scalar("192.168.1.10"), "'192.168.1.10'");
    for (const auto* word : {"yes", "No", "ON", "off", "true", "False", "null", "~", "y"})
        EXPECT_EQ(yaml_scalar(word), std::string("'") + word + "'") << word;
    EXPECT_EQ(yaml_scalar(""), "''");
    EXPECT_EQ(yaml_scalar("it's: #yes"), "'it''s: #yes'");
    EXPECT_EQ(yaml_scalar("--port"), "'--port'");
    EXPECT_EQ(yaml_scalar("a\nb\x01"), "\"a\\nb\\x01\"");
    EXPECT_EQ(yaml_scalar("say \"hi\"\t"), "\"say \\\"hi\\\"\\t\"");
}

TEST(YamlNode, BlockLayoutKeepsOrderAndReplacesInPlace) {
    auto root = YamlNode::map();
    root.set("version", "3.8");
    auto& svc = root.set("services", YamlNode::map()).set("web", YamlNode::map());
    svc.set("command", YamlNode::strings({"sleep", "infinity"}));
    svc.set("environment", YamlNode::map()).set("A", "1");
    svc.set("empty", YamlNode::list());
    svc.set("flag", YamlNode::boolean(true));
    svc.find("environment")->set("A", "2");
    auto items = YamlNode::list();
    auto entry = YamlNode::map();
    entry.set("k", "v");
    entry.set("l", "w");
    items.push(std::move(entry));
    svc.set("items", std::move(items));
    svc.erase("flag");
    EXPECT_EQ(root.dump(),
              "version: '3.8'\n"
              "services:\n"
              "  web:\n"
              "    command:\n"
              "      - sleep\n"
              "      - infinity\n"
              "    environment:\n"
              "      A: '2'\n"
              "    empty: []\n"
              "    items:\n"
              "      - k: v\n"
              "        l: w\n");
}

}  // namespace
}  // namespace decnet::engine
