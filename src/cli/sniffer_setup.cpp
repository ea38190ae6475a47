#include "cli/sniffer_setup.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/text.hpp"

namespace decnet::cli {

bool sniffer_enabled(const DeploymentConfig& config) {
    for (const char* name : {"DECNET_SNIFFER", "DECNET_EMBED_SNIFFER"})
        if (const char* env = std::getenv(name); env && iequals(env, "true")) return true;
    for (const auto& decky : config.deckies)
        for (const auto& service : decky.services)
            if (service == "sniffer") return true;
    return false;
}

intel::sniffer::DeckyMap sniffer_deckies(const DeploymentConfig& config) {
    intel::sniffer::DeckyMap out;
    for (const auto& decky : config.deckies)
        if (const auto address = wire::packet::Address::parse(decky.ip)) out[*address] = decky.name;
    return out;
}

intel::sniffer::DeckyMap sniffer_deckies(const engine::InstanceState& state) {
    intel::sniffer::DeckyMap out;
    for (const auto& decky : state.deckies)
        if (const auto address = wire::packet::Address::parse(decky.ip)) out[*address] = decky.name;
    return out;
}

std::string sniffer_interface(const std::string& mode, const std::string& interface) {
    if (const char* env = std::getenv("DECNET_SNIFFER_IFACE"); env && *env) return env;
    if (mode.empty() || mode == "loopback") return "lo";
    std::error_code ec;
    if (std::filesystem::exists("/sys/class/net/decnet0", ec)) return "decnet0";
    return interface.empty() ? "any" : interface;
}

}  // namespace decnet::cli
