// The persona keys `downloads` and `download_allow` of a login service (ssh, telnet).
#include "honeypot/shell/shell_settings.hpp"

#include <array>
#include <string_view>

#include "core/text.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/shell/downloader.hpp"

namespace decnet::honeypot::shell {
namespace {

// How many networks one persona may allow: a handful in practice; the bound keeps the
// per-connection check cheap whatever an INI says.
constexpr std::size_t kMaxAllowedNetworks = 64;

std::vector<std::string> read_allow_list(const PersonaReader& persona) {
    std::vector<std::string> networks;
    const std::string text = persona.text("download_allow");
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string item(trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (item.empty()) continue;
        if (!parse_network(item))
            persona.fail("download_allow", "'" + item + "' is not an IPv4 or IPv6 network (CIDR)");
        if (networks.size() == kMaxAllowedNetworks)
            persona.fail("download_allow",
                         "at most " + std::to_string(kMaxAllowedNetworks) + " networks");
        networks.push_back(item);
    }
    return networks;
}

}  // namespace

ShellSettings read_shell_settings(const PersonaReader& persona) {
    static constexpr std::array<std::string_view, 2> kModes{"record", "fetch"};
    ShellSettings settings;
    settings.downloads =
        persona.choice("downloads", kModes) == "fetch" ? DownloadMode::fetch : DownloadMode::record;
    settings.download_allow = read_allow_list(persona);
    return settings;
}

}  // namespace decnet::honeypot::shell
