// What the intel tests do as an attacker and then read back: one OpenSSH password login from
// a chosen loopback source address, and the attacker row of an address through the API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace decnet::testing {

// One password login (the client tries exactly that password) from `source` to `host`,
// running `command` if it is let in.
void ssh_password_login(const std::string& source, const std::string& host, const std::string& user,
                        const std::string& password, const std::string& command = "true");

// GET /attackers?search=<ip> and the row whose ip is exactly `ip`; null when none.
nlohmann::json attacker_by_ip(const std::string& base, const std::string& token,
                              const std::string& ip);

}  // namespace decnet::testing
