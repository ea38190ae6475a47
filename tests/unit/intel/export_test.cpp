// Exports (intel/export): CSV cells, STIX times and ids, --since, and hostile strings in
// every format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "intel/export/export.hpp"

namespace decnet::intel::exporting {
namespace {

const std::string kHostile = "a\"b,c\nd\r\n'e\\f</script>\x01 ☃ \xff";

ExportData sample() {
    ExportData d;
    d.generated_at = "2026-04-09 12:00:00.000000";
    ExportAttacker a;
    a.row.uuid = "u-1";
    a.row.ip = "10.0.0.1";
    a.row.first_seen = "2026-04-01 10:00:00.123456";
    a.row.last_seen = "2026-04-02 10:00:00.000000";
    a.row.event_count = 12;
    a.identity_id = "i-1";
    a.services = {"ssh", "=cmd|' /C calc'!A0"};
    a.deckies = {kHostile};
    a.commands = {"-1+1", "@SUM(A1)", kHostile};
    a.credentials = {{"root", kHostile}, {"+x", "y"}};
    a.fingerprints = {
        {"ja3", "e7d705a3286e19ea42f587b344ee6865"}, {"hassh", "ec7378c1"}, {"ja4", kHostile}};
    a.artifacts = {{"aa", kHostile}};
    a.techniques = {{"T1110", "Brute Force", 4}, {"T1059.004", "Unix Shell", 1}};
    d.attackers.push_back(a);
    ExportAttacker b = a;
    b.row.uuid = "u-2";
    b.row.ip = "2001:db8::1";
    b.identity_id.reset();
    b.techniques = {{"T1110", "Brute Force", 1}};
    d.attackers.push_back(b);
    ExportAttacker c = a;
    c.row.uuid = "u-3";
    c.row.ip = "10.0.0.1' OR '1'='1";  // not an address: no STIX objects
    d.attackers.push_back(c);
    return d;
}

TEST(ExportCsv, CellsAreNeutralisedAndQuoted) {
    EXPECT_EQ(csv_cell("plain"), "plain");
    EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
    EXPECT_EQ(csv_cell("+1"), "'+1");
    EXPECT_EQ(csv_cell("-1"), "'-1");
    EXPECT_EQ(csv_cell("@x"), "'@x");
    EXPECT_EQ(csv_cell("\tx"), "'\tx");
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("a\"b"), "\"a\"\"b\"");
    EXPECT_EQ(csv_cell("=a,\"b\"\n"), "\"'=a,\"\"b\"\"\n\"");
    EXPECT_EQ(csv_cell(""), "");
}

// RFC 4180 reader: the rows and cells the text holds.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                rows.back().back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                rows.back().back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().emplace_back();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.emplace_back(1);
            ++i;
        } else {
            rows.back().back() += c;
        }
    }
    if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
    return rows;
}

TEST(ExportCsv, OneRowPerAttackerAndEveryCellReadsBack) {
    const auto rows = read_csv(to_csv(sample()));
    ASSERT_EQ(rows.size(), 4u);
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
    EXPECT_EQ(rows[0][1], "ip");
    EXPECT_EQ(rows[1][1], "10.0.0.1");
    EXPECT_EQ(rows[1][2], "i-1");
    EXPECT_EQ(rows[1][6], "ssh;=cmd|' /C calc'!A0");  // not at the start: left alone
    EXPECT_EQ(rows[1][7], kHostile);
    EXPECT_EQ(rows[1][15], "'-1+1\n@SUM(A1)\n" + kHostile);
    for (const auto& row : rows)
        for (const auto& cell : row)
            if (!cell.empty()) {
                EXPECT_EQ(std::string("=+-@").find(cell[0]), std::string::npos) << cell;
            }
}

TEST(ExportJson, HostileStringsSurviveTheRoundTrip) {
    const auto j = nlohmann::json::parse(to_json(sample()));
    ASSERT_EQ(j["attackers"].size(), 3u);
    const auto& a = j["attackers"][0];
    EXPECT_EQ(a["identity_id"], "i-1");
    EXPECT_EQ(a["commands"][0], "-1+1");
    EXPECT_EQ(a["credentials"][0]["password"].get<std::string>().substr(0, 12),
              kHostile.substr(0, 12));
    EXPECT_EQ(a["first_seen"], "2026-04-01T10:00:00.123Z");
    EXPECT_EQ(j["attackers"][1]["identity_id"], nullptr);
}

TEST(ExportStix, BundleIsStableAndPatternsAreQuoted) {
    const auto text = to_stix(sample());
    EXPECT_EQ(text, to_stix(sample()));  // same data, same ids
    const auto bundle = nlohmann::json::parse(text);
    EXPECT_EQ(bundle["type"], "bundle");
    std::map<std::string, int> types;
    std::vector<std::string> patterns;
    for (const auto& o : bundle["objects"]) {
        ++types[o["type"].get<std::string>()];
        if (o["type"] != "ipv4-addr" && o["type"] != "ipv6-addr" &&
            o["type"] != "network-traffic") {
            EXPECT_EQ(o["spec_version"], "2.1");
        }
        if (o["type"] == "indicator") patterns.push_back(o["pattern"]);
        if (o["type"] == "attack-pattern" && o["name"] == "Brute Force") {
            EXPECT_EQ(o["external_references"][0]["source_name"], "mitre-attack");
            EXPECT_EQ(o["external_references"][0]["external_id"], "T1110");
        }
        if (o["type"] == "attack-pattern" && o["name"] == "Unix Shell") {
            EXPECT_EQ(o["external_references"][0]["url"],
                      "https://attack.mitre.org/techniques/T1059/004/");
        }
    }
    EXPECT_EQ(types["indicator"], 2);  // the non-address is left out
    EXPECT_EQ(types["ipv4-addr"], 1);
    EXPECT_EQ(types["ipv6-addr"], 1);
    EXPECT_EQ(types["observed-data"], 2);
    EXPECT_EQ(types["attack-pattern"], 2);
    EXPECT_EQ(types["relationship"], 3);
    EXPECT_EQ(patterns, (std::vector<std::string>{"[ipv4-addr:value = '10.0.0.1']",
                                                  "[ipv6-addr:value = '2001:db8::1']"}));
}

TEST(ExportStix, ScoIdsFollowTheSpecsDeterministicRule) {
    ExportData d;
    ExportAttacker a;
    a.row.ip = "198.51.100.3";
    a.row.first_seen = a.row.last_seen = "2026-04-01 10:00:00.000000";
    d.attackers.push_back(a);
    const auto bundle = nlohmann::json::parse(to_stix(d));
    bool found = false;
    for (const auto& o : bundle["objects"])
        if (o["type"] == "ipv4-addr") {
            // Python: uuid5(UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
            // '{"value":"198.51.100.3"}')
            EXPECT_EQ(o["id"], "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
            found = true;
        }
    EXPECT_TRUE(found);
}

TEST(ExportMisp, AttributesAndGalaxyTags) {
    const auto j = nlohmann::json::parse(to_misp(sample()));
    const auto& event = j["Event"];
    std::map<std::string, int> types;
    for (const auto& a : event["Attribute"]) ++types[a["type"].get<std::string>()];
    EXPECT_EQ(types["ip-src"], 3);
    EXPECT_EQ(types["ja3-fingerprint-md5"], 3);
    EXPECT_EQ(types["hassh-md5"], 3);
    EXPECT_EQ(types["sha256"], 3);
    EXPECT_EQ(types["text"], 9);  // JA4 and two credentials each
    bool galaxy = false;
    for (const auto& t : event["Tag"])
        galaxy |= t["name"] == "misp-galaxy:mitre-attack-pattern=\"Brute Force - T1110\"";
    EXPECT_TRUE(galaxy);
    EXPECT_EQ(event["Attribute"][0]["Tag"].size(), 2u);
}

TEST(ExportTimes, StixTimeAndSince) {
    EXPECT_EQ(stix_time("2026-04-01 10:00:00.123456"), "2026-04-01T10:00:00.123Z");
    EXPECT_EQ(stix_time("2026-04-01 10:00:00"), "2026-04-01T10:00:00.000Z");
    EXPECT_EQ(stix_time("garbage"), "");
    EXPECT_EQ(stix_time("2026-04-01T10:00:00"), "");
    const std::int64_t now = 1775037600LL * 1000000;  // 2026-04-01 10:00:00 UTC
    EXPECT_EQ(parse_since("24h", now), "2026-03-31 10:00:00.000000");
    EXPECT_EQ(parse_since("7d", now), "2026-03-25 10:00:00.000000");
    EXPECT_EQ(parse_since("90s", now), "2026-04-01 09:58:30.000000");
    EXPECT_EQ(parse_since("2026-03-01T12:00:00+02:00", now), "2026-03-01 10:00:00.000000");
    EXPECT_EQ(parse_since("2026-03-01", now), "2026-03-01 00:00:00.000000");
    for (const char* bad : {"", "h", "24x", "-5d", "yesterday", "99999999999999d"})
        EXPECT_FALSE(parse_since(bad, now)) << bad;
}

}  // namespace
}  // namespace decnet::intel::exporting
