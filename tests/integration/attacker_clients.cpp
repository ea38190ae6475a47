#include "integration/attacker_clients.hpp"

#include "integration/api_client.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {

void ssh_password_login(const std::string& source, const std::string& host, const std::string& user,
                        const std::string& password, const std::string& command) {
    capture("timeout 20 sshpass -p '" + password +
            "' ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o "
            "LogLevel=ERROR -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1 -o "
            "PreferredAuthentications=password -o PubkeyAuthentication=no -b " +
            source + " -l '" + user + "' " + host + " '" + command + "' 2>&1");
}

nlohmann::json attacker_by_ip(const std::string& base, const std::string& token,
                              const std::string& ip) {
    const auto [status, page] = api_call(base, "GET", "/attackers?limit=100&search=" + ip, token);
    if (status != 200 || !page.is_object()) return nullptr;
    for (const auto& a : page["data"])
        if (a["ip"] == ip) return a;
    return nullptr;
}

}  // namespace decnet::testing
