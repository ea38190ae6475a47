// Offline enrichment of attacker addresses (docs/PROFILES.md "Country and ASN"): country
// and autonomous system from operator-supplied MaxMind DB (.mmdb) files read through
// libmaxminddb — GeoLite2-Country / -City and DB-IP layouts (country.iso_code,
// country.names.en), ip-location-db's (country_code), GeoLite2-ASN and ip-location-db's
// ASN layout (autonomous_system_number, autonomous_system_organization). Never a network
// lookup: addresses are parsed numerically and looked up in the memory-mapped file.
// Private, loopback, link-local, multicast and unparseable addresses get no fields.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace decnet::intel::geoip {

struct GeoIpSettings {
    std::string country_db;  // path to a country .mmdb; empty: no country
    std::string asn_db;      // path to an ASN .mmdb; empty: no ASN
    bool empty() const { return country_db.empty() && asn_db.empty(); }
};

struct GeoInfo {
    std::optional<std::string> country;       // ISO 3166-1 alpha-2, upper case
    std::optional<std::string> country_name;  // English name
    std::optional<std::int64_t> asn;
    std::optional<std::string> as_org;
};

// True for addresses no public database describes: 0/8, 10/8, 100.64/10, 127/8,
// 169.254/16, 172.16/12, 192.168/16, 224/4 and above; ::, ::1, fc00::/7, fe80::/10,
// ff00::/8 (IPv4-mapped IPv6 as its IPv4). Unparseable text counts as private.
bool is_private_address(std::string_view ip);

// The INI's [geoip] section (country_db, asn_db), then the environment
// (DECNET_GEOIP_COUNTRY_DB, DECNET_GEOIP_ASN_DB) over it. Throws ConfigError on an
// unknown key. The files are not opened here.
GeoIpSettings settings_from_config(const DeploymentConfig& config);
// The environment alone (`decnet profiler`, `decnet api`).
GeoIpSettings settings_from_environment();

// The opened databases. A file that is missing or unreadable is warned about once (at
// construction) and its fields stay null; lookups never throw. Thread-safe.
class GeoIp {
  public:
    explicit GeoIp(const GeoIpSettings& settings);
    ~GeoIp();
    GeoIp(const GeoIp&) = delete;
    GeoIp& operator=(const GeoIp&) = delete;

    bool enabled() const { return country_ != nullptr || asn_ != nullptr; }
    GeoInfo lookup(std::string_view ip) const;

    struct Database;  // one opened file (libmaxminddb's MMDB_s)

  private:
    std::unique_ptr<Database> country_;
    std::unique_ptr<Database> asn_;
};

}  // namespace decnet::intel::geoip
