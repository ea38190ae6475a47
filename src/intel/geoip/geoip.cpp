// libmaxminddb behind GeoIp: files memory-mapped once, looked up by sockaddr (no resolver).
#include "intel/geoip/geoip.hpp"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>
#include <array>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"

namespace decnet::intel::geoip {

struct GeoIp::Database {
    MMDB_s mmdb{};
    bool opened = false;  // MMDB_open frees what it allocated when it fails
    ~Database() {
        if (opened) MMDB_close(&mmdb);
    }
};

namespace {

constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxIpText = 64;

bool private_v4(const std::uint8_t* a) {
    if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224) return true;
    if (a[0] == 100 && (a[1] & 0xc0) == 64) return true;
    if (a[0] == 169 && a[1] == 254) return true;
    if (a[0] == 172 && (a[1] & 0xf0) == 16) return true;
    return a[0] == 192 && a[1] == 168;
}

bool private_v6(const std::uint8_t* a) {
    static constexpr std::array<std::uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a, kMapped.data(), kMapped.size()) == 0) return private_v4(a + 12);
    bool zero_prefix = true;
    for (int i = 0; i < 15; ++i) zero_prefix = zero_prefix && a[i] == 0;
    if (zero_prefix && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
    if ((a[0] & 0xfe) == 0xfc) return true;                      // fc00::/7
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;      // fe80::/10
    return a[0] == 0xff;                                         // ff00::/8
}

// A database string: bounded, valid UTF-8 (invalid bytes replaced), control bytes dropped.
std::optional<std::string> clean_text(const char* data, std::uint32_t size) {
    std::string raw(data, std::min<std::size_t>(size, kMaxNameBytes));
    std::string text;
    for (const char c : raw)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) text += c;
    text = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text = nlohmann::json::parse(text).get<std::string>();
    if (text.empty()) return std::nullopt;
    return text;
}

template <typename... Path>
std::optional<std::string> string_at(MMDB_entry_s& entry, Path... path) {
    MMDB_entry_data_s data{};
    if (MMDB_get_value(&entry, &data, path..., static_cast<const char*>(nullptr)) != MMDB_SUCCESS ||
        !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING)
        return std::nullopt;
    return clean_text(data.utf8_string, data.data_size);
}

template <typename... Path>
std::optional<std::int64_t> number_at(MMDB_entry_s& entry, Path... path) {
    MMDB_entry_data_s data{};
    if (MMDB_get_value(&entry, &data, path..., static_cast<const char*>(nullptr)) != MMDB_SUCCESS ||
        !data.has_data)
        return std::nullopt;
    switch (data.type) {
        case MMDB_DATA_TYPE_UINT16:
            return data.uint16;
        case MMDB_DATA_TYPE_UINT32:
            return data.uint32;
        case MMDB_DATA_TYPE_INT32:
            return data.int32 >= 0 ? std::optional<std::int64_t>(data.int32) : std::nullopt;
        case MMDB_DATA_TYPE_UINT64:
            return data.uint64 <= 0xffffffffULL
                       ? std::optional<std::int64_t>(static_cast<std::int64_t>(data.uint64))
                       : std::nullopt;
        default:
            return std::nullopt;
    }
}

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : std::move(fallback);
}

}  // namespace

bool is_private_address(std::string_view ip) {
    if (ip.empty() || ip.size() > kMaxIpText) return true;
    const std::string text(ip);
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return private_v4(bytes.data());
    if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) return private_v6(bytes.data());
    return true;
}

GeoIpSettings settings_from_environment() {
    GeoIpSettings s;
    s.country_db = env_or("DECNET_GEOIP_COUNTRY_DB", "");
    s.asn_db = env_or("DECNET_GEOIP_ASN_DB", "");
    return s;
}

GeoIpSettings settings_from_config(const DeploymentConfig& config) {
    GeoIpSettings s;
    for (const auto& [key, value] : config.geoip) {
        if (key == "country_db") {
            s.country_db = std::string(trim(value));
        } else if (key == "asn_db") {
            s.asn_db = std::string(trim(value));
        } else {
            const auto it = config.geoip_origins.find(key);
            const auto where = it == config.geoip_origins.end() ? SourceLine{} : it->second;
            throw ConfigError("[geoip] " + key + "=: unknown key (country_db, asn_db)", where.file,
                              where.line);
        }
    }
    s.country_db = env_or("DECNET_GEOIP_COUNTRY_DB", s.country_db);
    s.asn_db = env_or("DECNET_GEOIP_ASN_DB", s.asn_db);
    return s;
}

namespace {

std::unique_ptr<GeoIp::Database> open_database(const std::string& path, const char* what) {
    if (path.empty()) return nullptr;
    auto db = std::make_unique<GeoIp::Database>();
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
    if (status != MMDB_SUCCESS) {
        std::string why = MMDB_strerror(status);
        if (status == MMDB_IO_ERROR) why += std::string(": ") + std::strerror(errno);
        spdlog::warn("geoip: {} database {} not usable ({}); {} fields stay empty", what, path, why,
                     what);
        return nullptr;
    }
    db->opened = true;
    spdlog::info("geoip: {} database {} ({}, built {})", what, path,
                 db->mmdb.metadata.database_type ? db->mmdb.metadata.database_type : "?",
                 db->mmdb.metadata.build_epoch);
    return db;
}

}  // namespace

GeoIp::GeoIp(const GeoIpSettings& settings)
    : country_(open_database(settings.country_db, "country")),
      asn_(open_database(settings.asn_db, "ASN")) {}

GeoIp::~GeoIp() = default;

GeoInfo GeoIp::lookup(std::string_view ip) const {
    GeoInfo info;
    if (!enabled() || is_private_address(ip)) return info;
    const std::string text(ip);
    sockaddr_storage address{};
    if (inet_pton(AF_INET, text.c_str(), &reinterpret_cast<sockaddr_in&>(address).sin_addr) == 1) {
        address.ss_family = AF_INET;
    } else if (inet_pton(AF_INET6, text.c_str(),
                         &reinterpret_cast<sockaddr_in6&>(address).sin6_addr) == 1) {
        address.ss_family = AF_INET6;
        // ::ffff:a.b.c.d as a.b.c.d: not every database aliases the mapped range.
        const auto* v6 = reinterpret_cast<sockaddr_in6&>(address).sin6_addr.s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&reinterpret_cast<sockaddr_in6&>(address).sin6_addr)) {
            std::array<std::uint8_t, 4> v4{};
            std::memcpy(v4.data(), v6 + 12, v4.size());
            address = sockaddr_storage{};
            address.ss_family = AF_INET;
            std::memcpy(&reinterpret_cast<sockaddr_in&>(address).sin_addr, v4.data(), v4.size());
        }
    } else {
        return info;
    }
    const auto find = [&](Database* db) -> std::optional<MMDB_entry_s> {
        if (!db) return std::nullopt;
        int error = MMDB_SUCCESS;
        const auto result =
            MMDB_lookup_sockaddr(&db->mmdb, reinterpret_cast<const sockaddr*>(&address), &error);
        if (error != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
        return result.entry;
    };
    if (auto entry = find(country_.get())) {
        info.country = string_at(*entry, "country", "iso_code");
        if (!info.country) info.country = string_at(*entry, "country_code");  // ip-location-db
        if (info.country) {
            if (info.country->size() > 8) info.country->resize(8);
            info.country = ascii_upper(*info.country);
        }
        info.country_name = string_at(*entry, "country", "names", "en");
        if (!info.country_name) info.country_name = string_at(*entry, "country_name");
    }
    if (auto entry = find(asn_.get())) {
        info.asn = number_at(*entry, "autonomous_system_number");
        info.as_org = string_at(*entry, "autonomous_system_organization");
    }
    return info;
}

}  // namespace decnet::intel::geoip
