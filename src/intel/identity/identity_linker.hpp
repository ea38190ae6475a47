// Identities beyond an IP (docs/INTEL.md "Identities"): attacker IPs that share strong
// evidence — the same TLS + SSH client (JA4, HASSH, SSH client version), the same list of
// captured credentials, the same downloaded artifact — joined into one identity with a
// confidence and the evidence that links them.
//
// The linker recomputes every identity from the stored bounty rows (bounded: the newest
// max_bounty_rows), then replaces the identity tables in one transaction. Ids survive the
// recomputation and restarts: a group keeps the id its members had, and a new group gets
// a name-based UUID of its first member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace decnet::intel {

struct IdentityOptions {
    std::size_t max_bounty_rows = 500000;  // rows read per recomputation (newest kept)
    // A value more IPs share than this is a common tool or wordlist, not an identity.
    std::size_t max_ips_per_value = 16;
    double link_threshold = 0.5;  // a pair of IPs links at this confidence or above
    std::size_t max_members = 256;
    std::size_t max_credentials_per_ip = 256;
    std::size_t max_value_bytes = 512;  // longer evidence values are cut
    std::size_t max_pairs = 1000000;    // candidate IP pairs scored per recomputation
};

// One piece of evidence an IP showed, from one bounty row.
struct Observation {
    std::string ip;
    std::string kind;  // ja4 | ssh_client | credential | artifact
    std::string value;
    std::string timestamp;  // store time
};

// The observations one bounty row gives (none for most fingerprints: JA3/JA4L/HTTP UA...).
std::vector<Observation> observations_of(const store::BountyRecord& row,
                                         const IdentityOptions& options = {});

// Whether user:password is a default everyone tries (root:root, admin:admin, ...): such a
// pair says nothing about who tries it.
bool common_credential(const std::string& pair);

// The identities these observations make. `previous` (ip → identity id) keeps ids stable.
std::vector<store::IdentityRecord> link_identities(
    const std::vector<Observation>& observations,
    const std::map<std::string, std::string>& previous, const std::string& now,
    const IdentityOptions& options = {});

struct IdentityRunStats {
    std::size_t rows = 0;
    std::size_t identities = 0;
    std::size_t members = 0;
};

// Reads the store's bounty rows and current identities, links, replaces. Throws StoreError.
IdentityRunStats recompute_identities(store::Repository& repository,
                                      const IdentityOptions& options = {});

}  // namespace decnet::intel
