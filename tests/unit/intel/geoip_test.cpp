// Offline country/ASN enrichment (intel/geoip): tiny .mmdb files written by
// tests/support/make-geoip-mmdb.pl (libmaxmind-db-writer-perl), the GeoLite2 and
// ip-location-db layouts, private addresses, missing and corrupt files, the [geoip]
// section and its environment overrides, and the profiler storing the fields.
#include "intel/geoip/geoip.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "intel/profiler/profile_worker.hpp"
#include "store/ingest/ingester.hpp"

namespace decnet::intel::geoip {
namespace {

class GeoIpFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("decnet-geoip-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        const std::string command =
            "perl " DECNET_SOURCE_DIR "/tests/support/make-geoip-mmdb.pl '" + dir_.string() + "'";
        ASSERT_EQ(std::system(command.c_str()), 0)
            << command << " (scripts/install-deps.sh installs libmaxmind-db-writer-perl)";
    }
    void TearDown() override {
        unsetenv("DECNET_GEOIP_COUNTRY_DB");
        unsetenv("DECNET_GEOIP_ASN_DB");
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string file(const std::string& name) const { return (dir_ / name).string(); }
    GeoIpSettings settings() const { return {file("country.mmdb"), file("asn.mmdb")}; }

    std::filesystem::path dir_;
};

TEST(GeoIpAddresses, PrivateLoopbackAndReservedHaveNoPlace) {
    for (const char* ip : {"10.1.2.3",
                           "127.0.0.1",
                           "172.16.0.1",
                           "172.31.255.255",
                           "192.168.1.1",
                           "169.254.0.1",
                           "100.64.0.1",
                           "0.0.0.0",
                           "224.0.0.1",
                           "255.255.255.255",
                           "::",
                           "::1",
                           "fd00::1",
                           "fe80::1",
                           "ff02::1",
                           "::ffff:10.0.0.1",
                           "",
                           "not-an-ip",
                           "1.2.3.4.5",
                           "example.com"})
        EXPECT_TRUE(is_private_address(ip)) << ip;
    for (const char* ip : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "198.51.100.7", "2001:db8::1",
                           "::ffff:198.51.100.7"})
        EXPECT_FALSE(is_private_address(ip)) << ip;
    EXPECT_TRUE(is_private_address(std::string(1000, '1')));
}

TEST_F(GeoIpFiles, GeoLite2LayoutsGiveCountryAndAsn) {
    const GeoIp geo(settings());
    ASSERT_TRUE(geo.enabled());
    const auto de = geo.lookup("198.51.100.7");
    EXPECT_EQ(de.country, "DE");
    EXPECT_EQ(de.country_name, "Germany");
    EXPECT_EQ(de.asn, 64500);
    EXPECT_EQ(de.as_org, "Example Transit GmbH");
    const auto jp = geo.lookup("203.0.113.200");
    EXPECT_EQ(jp.country, "JP");
    EXPECT_EQ(jp.asn, 64501);
    EXPECT_EQ(jp.as_org, "Example Net KK");
    const auto mapped = geo.lookup("::ffff:203.0.113.1");
    EXPECT_EQ(mapped.country, "JP");
    const auto fr = geo.lookup("2001:db8::42");  // country only: the ASN file has no entry
    EXPECT_EQ(fr.country, "FR");
    EXPECT_EQ(fr.country_name, "France");
    EXPECT_FALSE(fr.asn);
    EXPECT_FALSE(fr.as_org);
    for (const char* ip : {"192.0.2.1", "10.0.0.1", "127.0.0.1", "garbage", ""}) {
        const auto none = geo.lookup(ip);
        EXPECT_FALSE(none.country || none.country_name || none.asn || none.as_org) << ip;
    }
}

TEST_F(GeoIpFiles, IpLocationDbCountryCodeLayout) {
    const GeoIp geo({file("country-code.mmdb"), ""});
    const auto de = geo.lookup("198.51.100.7");
    EXPECT_EQ(de.country, "DE");  // upper-cased
    EXPECT_FALSE(de.country_name);
    EXPECT_FALSE(de.asn);
}

TEST_F(GeoIpFiles, MissingOrCorruptDatabasesLeaveFieldsEmpty) {
    { std::ofstream(file("junk.mmdb")) << "this is not a MaxMind DB"; }
    const GeoIp missing({file("absent.mmdb"), file("junk.mmdb")});
    EXPECT_FALSE(missing.enabled());
    const auto none = missing.lookup("198.51.100.7");
    EXPECT_FALSE(none.country || none.asn);
    // One good file still works when the other is broken.
    const GeoIp half({file("country.mmdb"), file("junk.mmdb")});
    EXPECT_TRUE(half.enabled());
    EXPECT_EQ(half.lookup("198.51.100.7").country, "DE");
    EXPECT_FALSE(half.lookup("198.51.100.7").asn);
    EXPECT_FALSE(GeoIp(GeoIpSettings{}).enabled());
}

TEST_F(GeoIpFiles, SettingsFromTheIniSectionAndTheEnvironment) {
    DeploymentConfig config;
    config.geoip["country_db"] = " /srv/country.mmdb ";
    config.geoip["asn_db"] = "/srv/asn.mmdb";
    auto s = settings_from_config(config);
    EXPECT_EQ(s.country_db, "/srv/country.mmdb");
    EXPECT_EQ(s.asn_db, "/srv/asn.mmdb");
    setenv("DECNET_GEOIP_ASN_DB", "/env/asn.mmdb", 1);
    s = settings_from_config(config);
    EXPECT_EQ(s.country_db, "/srv/country.mmdb");
    EXPECT_EQ(s.asn_db, "/env/asn.mmdb");
    EXPECT_EQ(settings_from_environment().asn_db, "/env/asn.mmdb");
    EXPECT_EQ(settings_from_environment().country_db, "");
    config.geoip["city_db"] = "/srv/city.mmdb";
    EXPECT_THROW(settings_from_config(config), ConfigError);
}

store::LogRecord login(const std::string& ip, int second) {
    store::LogRecord r;
    r.timestamp = "2026-04-04 10:00:0" + std::to_string(second) + ".000000";
    r.decky = "decky-01";
    r.service = "ssh";
    r.event_type = "connection";
    r.attacker_ip = ip;
    r.fields = R"({"src_ip":")" + ip + R"("})";
    r.raw_line = "<134>1 - decky-01 ssh - connection -";
    return r;
}

TEST_F(GeoIpFiles, TheProfilerStoresCountryAndAsnOnAttackers) {
    auto repository = store::open_sqlite(file("store.db"));
    {
        store::Ingester ingester(*repository);
        std::vector<store::LogRecord> rows{login("198.51.100.7", 1), login("10.0.0.9", 2),
                                           login("198.51.100.7", 3)};
        ingester.store(rows, "test");
    }
    {
        ProfileWorkerOptions options;
        options.geoip = settings();
        ProfileWorker worker(*repository, options);
        EXPECT_EQ(worker.catch_up(repository->max_log_id()), 3u);
    }
    const auto pub = repository->attacker_by_ip("198.51.100.7");
    ASSERT_TRUE(pub);
    EXPECT_EQ(pub->event_count, 2);
    EXPECT_EQ(pub->country, "DE");
    EXPECT_EQ(pub->country_name, "Germany");
    EXPECT_EQ(pub->asn, 64500);
    EXPECT_EQ(pub->as_org, "Example Transit GmbH");
    const auto priv = repository->attacker_by_ip("10.0.0.9");
    ASSERT_TRUE(priv);
    EXPECT_FALSE(priv->country || priv->country_name || priv->asn || priv->as_org);

    // A later profiler without databases keeps what was stored.
    {
        store::Ingester ingester(*repository);
        std::vector<store::LogRecord> rows{login("198.51.100.7", 4)};
        ingester.store(rows, "test");
    }
    {
        ProfileWorker worker(*repository, ProfileWorkerOptions{});
        EXPECT_EQ(worker.catch_up(repository->max_log_id()), 1u);
    }
    const auto again = repository->attacker_by_ip("198.51.100.7");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->event_count, 3);
    EXPECT_EQ(again->country, "DE");
    EXPECT_EQ(again->asn, 64500);
}

}  // namespace
}  // namespace decnet::intel::geoip
