// Identities as stored (docs/INTEL.md "Identities"): attacker IPs the identity linker
// (intel/identity) joined on shared evidence, with the confidence of the weakest link that
// holds them together. Written as a whole by the linker; read by the API and exports.
#pragma once

#include <string>
#include <vector>

namespace decnet::store {

struct IdentityRecord {
    std::string id;  // UUID, kept across recomputations (see the linker)
    double confidence = 0;
    std::vector<std::string> members;  // attacker IPs, sorted
    std::string evidence = "[]";       // JSON list of {kind, value, ips}
    std::string first_seen;            // store time: earliest evidence of a member
    std::string last_seen;
    std::string updated_at;
};

}  // namespace decnet::store
