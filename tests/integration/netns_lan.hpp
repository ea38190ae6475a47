// The little LAN the root-only netns tests build for themselves: a bridge, an "attacker"
// namespace whose veth joins it, and the names of the deckies decnet will make on it.
// Cleanup touches only those names (never a host interface), so an aborted earlier run
// can be cleared before a test starts.
#pragma once

#include <string>
#include <vector>

namespace decnet::testing {

// Every external command is bounded (20 s); output is discarded.
bool sh(const std::string& command);
bool installed(const std::string& tool);
bool namespace_exists(const std::string& name);
bool link_exists(const std::string& name);

struct TestLan {
    std::string bridge;                    // created by decnet (DECNET_NETWORK) or the test
    std::string attacker_ns;               // the attacker's namespace
    std::string attacker_host_link;        // host end of its veth, enslaved to the bridge
    std::string attacker_peer;             // namespace end of its veth
    std::string attacker_cidr;             // e.g. "10.213.0.200/24"
    std::vector<std::string> deckies;      // their dn-* namespaces and host links
    std::vector<std::string> extra_links;  // anything else the test made (a macvlan parent)

    // Removes whatever of the above exists; the bridge last.
    void remove() const;
    bool add_attacker() const;
};

}  // namespace decnet::testing
