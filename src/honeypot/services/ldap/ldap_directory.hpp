// The fake directory an ldap decky serves, built from its world: the domain's naming
// context (DC=corp,DC=local from the decky's domain), its rootDSE as Active Directory or
// OpenLDAP publishes it, and entries consistent with the rest of the decky — the people of
// its /etc/passwd, staff, groups, the LAN's hosts as computers, service accounts with SPNs
// (kerberoasting bait) and one without Kerberos pre-authentication (AS-REP roasting bait).
// Also the search semantics over it: scope, filter evaluation, attribute selection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/ldap.hpp"

namespace decnet::honeypot {

struct DeckyWorld;

namespace ldap {

struct Entry {
    std::string dn;
    std::vector<wire::ldap::Attribute> attributes;
    // Values of `name` (case-insensitive), or nullptr.
    const std::vector<std::string>* find(std::string_view name) const;
};

struct Directory {
    bool active_directory = false;
    std::string domain;         // corp.local
    std::string base;           // DC=corp,DC=local (dc=corp,dc=local on OpenLDAP)
    std::string netbios;        // CORP
    std::string dns_host_name;  // dc01.corp.local
    Entry root_dse;
    std::vector<Entry> entries;  // parents before children

    const Entry* find(std::string_view dn) const;
    // The closest existing ancestor of `dn` ("" when none): noSuchObject's matchedDN.
    std::string best_match(std::string_view dn) const;
};

// `now` (epoch seconds) sets the rootDSE's currentTime.
Directory make_directory(const DeckyWorld& world, bool active_directory, std::int64_t now);

// "cn=a, dc=b" → "cn=a,dc=b" lower-cased: how DNs are compared.
std::string normalize_dn(std::string_view dn);
bool in_scope(const Entry& entry, const std::string& normalized_base, std::int64_t scope);
// Filter evaluation (the filter's depth is bounded by the parser).
bool matches(const wire::ldap::Filter& filter, const Entry& entry);
// The attributes a search asked for: all user attributes for none or "*", none for "1.1",
// else those named (case-insensitive).
std::vector<wire::ldap::Attribute> select(const Entry& entry,
                                          const std::vector<std::string>& requested);

}  // namespace ldap
}  // namespace decnet::honeypot
