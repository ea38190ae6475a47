// Parsing of `ip route show default` and `ip addr show <if>` output.
#include "engine/network_detect.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/ipv4.hpp"

namespace decnet::engine {
namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// Captures stdout of a fixed `ip` command (no user input reaches the shell except an
// interface name, which is validated first).
std::string run_ip(const std::string& args) {
    std::unique_ptr<FILE, decltype(&pclose)> pipe(
        popen(("ip " + args + " 2>/dev/null").c_str(), "r"), &pclose);
    if (!pipe) throw ConfigError("Could not run 'ip " + args + "'.");
    std::string out;
    std::array<char, 4096> buffer{};
    while (const auto n = fread(buffer.data(), 1, buffer.size(), pipe.get()))
        out.append(buffer.data(), n);
    const int status = pclose(pipe.release());
    if (status != 0)
        throw ConfigError("'ip " + args + "' failed (exit status " + std::to_string(status) + ").");
    return out;
}

void check_interface_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() < 16 &&
                    name.find_first_not_of(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789._-@") == std::string::npos;
    if (!ok) throw ConfigError("Invalid interface name '" + name + "'.");
}

// The token after `key` on the first line that has one.
std::string token_after(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto w = words(line);
        for (std::size_t i = 0; i + 1 < w.size(); ++i)
            if (w[i] == key) return w[i + 1];
    }
    return {};
}

std::string first_inet(const std::string& interface) {
    check_interface_name(interface);
    std::istringstream in(run_ip("addr show " + interface));
    for (std::string line; std::getline(in, line);) {
        const auto w = words(line);
        if (w.size() >= 2 && w[0] == "inet") return w[1];
    }
    return {};
}

std::vector<std::string> override_fields() {
    const char* env = std::getenv("DECNET_NETWORK");
    return env ? words(env) : std::vector<std::string>{};
}

}  // namespace

std::string SystemNetworkDetector::default_interface() {
    if (const auto f = override_fields(); f.size() >= 1) return f[0];
    auto name = token_after(run_ip("route show default"), "dev");
    if (name.empty())
        throw ConfigError("Could not auto-detect network interface. Use --interface.");
    return name;
}

std::string SystemNetworkDetector::subnet_of(const std::string& interface) {
    if (const auto f = override_fields(); f.size() >= 2) return f[1];
    const auto inet = first_inet(interface);
    if (inet.empty()) throw ConfigError("Could not detect subnet for interface " + interface + ".");
    return Subnet::parse(inet).cidr();
}

std::string SystemNetworkDetector::default_gateway() {
    if (const auto f = override_fields(); f.size() >= 3) return f[2];
    auto gateway = token_after(run_ip("route show default"), "via");
    if (gateway.empty()) throw ConfigError("Could not detect gateway.");
    return gateway;
}

std::string SystemNetworkDetector::host_ip_of(const std::string& interface) {
    if (const auto f = override_fields(); f.size() >= 4) return f[3];
    const auto inet = first_inet(interface);
    if (inet.empty())
        throw ConfigError("Could not determine host IP for interface " + interface + ".");
    return inet.substr(0, inet.find('/'));
}

}  // namespace decnet::engine
