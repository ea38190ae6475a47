// The elasticsearch persona, parsed once per decky: which Elasticsearch release it is (its
// build, Lucene and wire versions as `GET /` reports them, the headers that release sends),
// the cluster's name and ids (stable per decky across restarts), whether security is on and
// which Basic credentials it lets in, and the index changes attackers make (shared by the
// decky's connections).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "honeypot/services/elasticsearch/es_indices.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

class LoginPolicy;

struct EsRelease {
    std::string_view number;  // 7.17.9
    std::string_view build_hash, build_date, lucene;
    std::string_view min_wire, min_index;
    std::string_view jdk;  // the bundled JDK
    int major = 7, minor = 17;

    // X-elastic-product on every authenticated answer (7.14+, PR 73434).
    bool product_header() const { return major > 7 || (major == 7 && minor >= 14); }
    // The "security features are not enabled" Warning header (7.13 to 7.17, security off).
    bool security_warning() const { return major == 7 && minor >= 13; }
    // Mapping types are gone (_type left the answers in 8.0).
    bool typeless() const { return major >= 8; }
    // hits.total is {value, relation} from 7.0, a number before.
    bool total_object() const { return major >= 7; }
    // application/json; charset=UTF-8 before 8.0, application/json from 8.0.
    std::string_view json_type() const {
        return major >= 8 ? "application/json" : "application/json; charset=UTF-8";
    }
};

struct EsSettings : ServiceSettings {
    const EsRelease* release = nullptr;
    std::string cluster_name;
    std::string cluster_uuid;  // 22 characters of URL-safe base64, as Elasticsearch makes them
    std::string node_id;
    std::string build_type;  // deb, rpm or tar by the decky's distro
    std::string distro;
    bool security = false;
    std::shared_ptr<LoginPolicy> policy;
    std::uint64_t seed = 0;
    std::shared_ptr<es::State> state = std::make_shared<es::State>();
    std::shared_ptr<es::BaitCache> bait = std::make_shared<es::BaitCache>();

    // A stable Elasticsearch-style id (URL-safe base64, 22 characters) for `salt`.
    std::string uid(std::string_view salt) const;
};

std::shared_ptr<const ServiceSettings> configure_elasticsearch(const PersonaReader& persona);

}  // namespace decnet::honeypot
