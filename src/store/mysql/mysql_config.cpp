// MysqlConfig from DECNET_DB_URL (SQLAlchemy URL form) or the DECNET_DB_* components.
#include <charconv>
#include <cstdlib>
#include <optional>

#include "core/percent_encoding.hpp"
#include "store/mysql/mysql_repository.hpp"

namespace decnet::store {
namespace {

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

unsigned parse_port(std::string_view text, std::string_view what) {
    unsigned port = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, port);
    if (ec != std::errc{} || ptr != end || port < 1 || port > 65535)
        throw StoreError(std::string(what) + " must be a port number 1..65535, got '" +
                         std::string(text) + "'");
    return port;
}

// "host", "host:port", "[v6]", "[v6]:port"; an empty host means localhost.
void parse_host_port(std::string_view hostport, MysqlConfig& config) {
    std::string_view port;
    if (!hostport.empty() && hostport.front() == '[') {
        const auto close = hostport.find(']');
        if (close == std::string_view::npos)
            throw StoreError("DECNET_DB_URL: unclosed '[' in host");
        config.host = std::string(hostport.substr(1, close - 1));
        const auto rest = hostport.substr(close + 1);
        if (!rest.empty() && rest.front() == ':') port = rest.substr(1);
    } else {
        const auto colon = hostport.find(':');
        config.host = std::string(hostport.substr(0, colon));
        if (colon != std::string_view::npos) port = hostport.substr(colon + 1);
    }
    if (config.host.empty()) config.host = "localhost";
    if (!port.empty()) config.port = parse_port(port, "DECNET_DB_URL port");
}

// `unix_socket=/path` is the one query option we honour (SQLAlchemy passes it to the driver).
void parse_query(std::string_view query, MysqlConfig& config) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto item = query.substr(0, amp);
        const auto eq = item.find('=');
        if (eq != std::string_view::npos && item.substr(0, eq) == "unix_socket")
            config.unix_socket = percent_decode(item.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
}

}  // namespace

MysqlConfig mysql_config_from_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    const auto scheme = url.substr(0, scheme_end);
    if (scheme_end == std::string_view::npos ||
        !(scheme.starts_with("mysql") || scheme.starts_with("mariadb")))
        throw StoreError("DECNET_DB_URL must look like mysql+asyncmy://user:pass@host:port/db");
    auto rest = url.substr(scheme_end + 3);

    MysqlConfig config;
    config.user.clear();
    config.database.clear();
    const auto query_at = rest.find('?');
    if (query_at != std::string_view::npos) {
        parse_query(rest.substr(query_at + 1), config);
        rest = rest.substr(0, query_at);
    }
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) config.database = percent_decode(rest.substr(slash + 1));

    // The last '@' ends the credentials, so an unencoded '@' in a password still works.
    const auto at = authority.rfind('@');
    auto hostport = authority;
    if (at != std::string_view::npos) {
        const auto credentials = authority.substr(0, at);
        const auto colon = credentials.find(':');
        config.user = percent_decode(credentials.substr(0, colon));
        if (colon != std::string_view::npos)
            config.password = percent_decode(credentials.substr(colon + 1));
        hostport = authority.substr(at + 1);
    }
    parse_host_port(hostport, config);
    if (config.database.empty()) throw StoreError("DECNET_DB_URL names no database");
    return config;
}

MysqlConfig mysql_config_from_environment() {
    if (auto url = env("DECNET_DB_URL")) return mysql_config_from_url(*url);
    MysqlConfig config;
    if (auto host = env("DECNET_DB_HOST")) config.host = *host;
    if (auto port = env("DECNET_DB_PORT")) config.port = parse_port(*port, "DECNET_DB_PORT");
    if (auto name = env("DECNET_DB_NAME")) config.database = *name;
    if (auto user = env("DECNET_DB_USER")) config.user = *user;
    auto password = env("DECNET_DB_PASSWORD");
    if (!password) throw StoreError("DECNET_DB_PASSWORD is required for DECNET_DB_TYPE=mysql");
    config.password = *password;
    return config;
}

}  // namespace decnet::store
