// MySQL connection settings from DECNET_DB_URL or the DECNET_DB_* components (api.md §9).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "store/mysql/mysql_repository.hpp"

namespace decnet::store {
namespace {

// Sets (or unsets, with nullopt) variables for one test and restores them afterwards.
class ScopedEnv {
  public:
    explicit ScopedEnv(
        std::initializer_list<std::pair<const std::string, std::optional<std::string>>> given) {
        std::map<std::string, std::optional<std::string>> values(given);
        for (const char* name : {"DECNET_DB_URL", "DECNET_DB_HOST", "DECNET_DB_PORT",
                                 "DECNET_DB_NAME", "DECNET_DB_USER", "DECNET_DB_PASSWORD"})
            values.try_emplace(name, std::nullopt);  // unlisted ones are unset
        for (const auto& [name, value] : values) {
            const char* old = std::getenv(name.c_str());
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
            set(name, value);
        }
    }
    ~ScopedEnv() {
        for (const auto& [name, value] : saved_) set(name, value);
    }

  private:
    static void set(const std::string& name, const std::optional<std::string>& value) {
        if (value)
            ::setenv(name.c_str(), value->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
    std::map<std::string, std::optional<std::string>> saved_;
};

TEST(MysqlConfig, UrlWithPercentEncodedCredentials) {
    const auto c = mysql_config_from_url(
        "mysql+asyncmy://dec%40net:p%40ss%3Aw%2Frd%25@db.example:3307/decnet%5Fprod");
    EXPECT_EQ(c.user, "dec@net");
    EXPECT_EQ(c.password, "p@ss:w/rd%");
    EXPECT_EQ(c.host, "db.example");
    EXPECT_EQ(c.port, 3307u);
    EXPECT_EQ(c.database, "decnet_prod");
    EXPECT_TRUE(c.unix_socket.empty());
}

TEST(MysqlConfig, UrlDefaultsIpv6AndSocket) {
    auto c = mysql_config_from_url("mysql://root@/decnet");
    EXPECT_EQ(c.user, "root");
    EXPECT_EQ(c.password, "");
    EXPECT_EQ(c.host, "localhost");
    EXPECT_EQ(c.port, 3306u);

    c = mysql_config_from_url(
        "mariadb+mariadbconnector://u:p@[::1]:4406/d?charset=utf8mb4&unix_socket=%2Frun%2Fm.sock");
    EXPECT_EQ(c.host, "::1");
    EXPECT_EQ(c.port, 4406u);
    EXPECT_EQ(c.unix_socket, "/run/m.sock");
}

TEST(MysqlConfig, UrlUnencodedAtInPasswordEndsAtLastAt) {
    const auto c = mysql_config_from_url("mysql+asyncmy://u:p@ss@host/d");
    EXPECT_EQ(c.password, "p@ss");
    EXPECT_EQ(c.host, "host");
}

TEST(MysqlConfig, MalformedUrlsAreErrors) {
    EXPECT_THROW(mysql_config_from_url("postgresql://u:p@h/d"), StoreError);
    EXPECT_THROW(mysql_config_from_url("mysql+asyncmy://u:p@h:0/d"), StoreError);
    EXPECT_THROW(mysql_config_from_url("mysql+asyncmy://u:p@h:99999/d"), StoreError);
    EXPECT_THROW(mysql_config_from_url("mysql+asyncmy://u:p@h:33a/d"), StoreError);
    EXPECT_THROW(mysql_config_from_url("mysql+asyncmy://u:p@h:3306"), StoreError);  // no db
}

TEST(MysqlConfig, UrlFromEnvironmentWinsOverComponents) {
    ScopedEnv env(
        {{"DECNET_DB_URL", "mysql+asyncmy://a:b%21@h1:1234/x"}, {"DECNET_DB_HOST", "ignored"}});
    const auto c = mysql_config_from_environment();
    EXPECT_EQ(c.host, "h1");
    EXPECT_EQ(c.password, "b!");
    EXPECT_EQ(c.database, "x");
}

TEST(MysqlConfig, ComponentsFromEnvironment) {
    ScopedEnv env({{"DECNET_DB_HOST", "10.0.0.5"},
                   {"DECNET_DB_PORT", "3307"},
                   {"DECNET_DB_NAME", "honey"},
                   {"DECNET_DB_USER", "ingest"},
                   {"DECNET_DB_PASSWORD", "s3cr:t@"}});
    const auto c = mysql_config_from_environment();
    EXPECT_EQ(c.host, "10.0.0.5");
    EXPECT_EQ(c.port, 3307u);
    EXPECT_EQ(c.database, "honey");
    EXPECT_EQ(c.user, "ingest");
    EXPECT_EQ(c.password, "s3cr:t@");  // components are taken verbatim, not decoded
}

TEST(MysqlConfig, ComponentDefaults) {
    ScopedEnv env({{"DECNET_DB_PASSWORD", "pw"}, {"DECNET_DB_URL", ""}});
    const auto c = mysql_config_from_environment();
    EXPECT_EQ(c.host, "localhost");
    EXPECT_EQ(c.port, 3306u);
    EXPECT_EQ(c.database, "decnet");
    EXPECT_EQ(c.user, "decnet");
}

TEST(MysqlConfig, MissingPasswordIsAnError) {
    ScopedEnv env({{"DECNET_DB_HOST", "db"}});
    try {
        mysql_config_from_environment();
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_STREQ(e.what(), "DECNET_DB_PASSWORD is required for DECNET_DB_TYPE=mysql");
    }
}

TEST(MysqlConfig, InvalidPortIsAnError) {
    ScopedEnv env({{"DECNET_DB_PASSWORD", "pw"}, {"DECNET_DB_PORT", "70000"}});
    EXPECT_THROW(mysql_config_from_environment(), StoreError);
}

}  // namespace
}  // namespace decnet::store
