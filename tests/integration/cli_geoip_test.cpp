// Offline country and ASN of attackers (issue #19 part 7): RFC 5424 lines with documentation
// addresses (198.51.100.0/24, 203.0.113.0/24: written into a file, never contacted) and a
// private one are ingested, `decnet profiler --once` looks them up in two tiny .mmdb files
// the test writes (tests/support/make-geoip-mmdb.pl), and `decnet api` shows the fields.
// A missing database is one warning and null fields. API port 18229 (no deckies).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kBase = "http://127.0.0.1:18229/api/v1";
constexpr const char* kPassword = "geoip-password-1";

std::string line(const std::string& time, const std::string& decky, const std::string& ip) {
    return "<134>1 2026-04-04T10:" + time + "+00:00 " + decky +
           " ssh - login_attempt [decnet@55555 src_ip=\"" + ip + "\" username=\"root\"]\n";
}

json attacker_by_ip(const std::string& token, const std::string& ip) {
    const auto [status, page] = api_call(kBase, "GET", "/attackers?limit=100&search=" + ip, token);
    if (status != 200 || !page.is_object()) return nullptr;
    for (const auto& a : page["data"])
        if (a["ip"] == ip) return a;
    return nullptr;
}

TEST(CliGeoip, AttackersGetCountryAndAsnFromLocalDatabases) {
    const auto dir = make_temp_dir();
    ASSERT_EQ(
        std::system(
            ("perl " DECNET_SOURCE_DIR "/tests/support/make-geoip-mmdb.pl '" + dir + "'").c_str()),
        0);
    write_file(dir + "/events.log", line("00:00", "decky-01", "198.51.100.7") +
                                        line("00:05", "decky-02", "198.51.100.7") +
                                        line("01:00", "decky-01", "203.0.113.5") +
                                        line("02:00", "decky-01", "10.9.8.7"));
    const auto ingest = run_decnet({"ingest", dir + "/events.log", "--db", dir + "/s.db"});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err << ingest.out;
    const std::vector<std::string> env{"DECNET_GEOIP_COUNTRY_DB=" + dir + "/country.mmdb",
                                       "DECNET_GEOIP_ASN_DB=" + dir + "/asn.mmdb"};
    const auto profiled = run_decnet({"profiler", "--once", "--db", dir + "/s.db"}, env);
    ASSERT_EQ(profiled.exit_code, 0) << profiled.err;
    EXPECT_THAT(profiled.out, HasSubstr("4 rows, 3 profiles written"));

    BackgroundProcess api({"/usr/bin/env", std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
                           "DECNET_JWT_SECRET=geoip-test-secret-0123456789abcdef", DECNET_BINARY,
                           "api", "--port", "18229", "--db", dir + "/s.db", "--state-dir", dir},
                          dir);
    ASSERT_THAT(api.wait_for_output("listening on", std::chrono::seconds(20)),
                HasSubstr("listening on"));
    const auto token = api_login(kBase, kPassword);
    ASSERT_FALSE(token.empty());

    const auto de = attacker_by_ip(token, "198.51.100.7");
    ASSERT_TRUE(de.is_object());
    EXPECT_EQ(de["event_count"], 2);
    EXPECT_EQ(de["country"], "DE");
    EXPECT_EQ(de["country_name"], "Germany");
    EXPECT_EQ(de["asn"], 64500);
    EXPECT_EQ(de["as_org"], "Example Transit GmbH");
    const auto jp = attacker_by_ip(token, "203.0.113.5");
    ASSERT_TRUE(jp.is_object());
    EXPECT_EQ(jp["country"], "JP");
    EXPECT_EQ(jp["asn"], 64501);
    EXPECT_EQ(jp["as_org"], "Example Net KK");
    const auto [status, detail] =
        api_call(kBase, "GET", "/attackers/" + jp["uuid"].get<std::string>(), token);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(detail["country_name"], "Japan");
    EXPECT_EQ(detail["asn"], 64501);
    const auto lan = attacker_by_ip(token, "10.9.8.7");
    ASSERT_TRUE(lan.is_object());
    for (const char* key : {"country", "country_name", "asn", "as_org"}) {
        ASSERT_TRUE(lan.contains(key)) << key;
        EXPECT_TRUE(lan[key].is_null()) << key;
    }
    api.stop();

    // Databases that are not there: a warning, null fields, nothing else changes.
    const auto ingest2 = run_decnet({"ingest", dir + "/events.log", "--db", dir + "/t.db"});
    ASSERT_EQ(ingest2.exit_code, 0) << ingest2.err;
    const auto missing = run_decnet({"profiler", "--once", "--db", dir + "/t.db"},
                                    {"DECNET_GEOIP_COUNTRY_DB=" + dir + "/absent.mmdb",
                                     "DECNET_GEOIP_ASN_DB=" + dir + "/events.log"});
    EXPECT_EQ(missing.exit_code, 0) << missing.err;
    EXPECT_THAT(missing.out + missing.err, HasSubstr("geoip: country database"));
    EXPECT_THAT(missing.out + missing.err, HasSubstr("geoip: ASN database"));
    EXPECT_THAT(missing.out, HasSubstr("4 rows, 3 profiles written"));
}

}  // namespace
}  // namespace decnet::testing
