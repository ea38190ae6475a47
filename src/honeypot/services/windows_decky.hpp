// Whether a decky passes for a Windows host: the products that follow the OS (Exchange for
// mail, Active Directory for LDAP, ...) pick their Windows flavour from this one rule.
#pragma once

#include "core/config.hpp"

namespace decnet::honeypot {

// nmap_os windows, a windows-* archetype or a domain controller.
inline bool is_windows_decky(const DeckyConfig& decky) {
    const auto archetype = decky.archetype.value_or("");
    return decky.nmap_os == "windows" || archetype.starts_with("windows") ||
           archetype == "domain-controller";
}

}  // namespace decnet::honeypot
