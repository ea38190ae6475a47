// The persona's shares (see smb_shares.hpp).
#include "honeypot/services/smb/smb_shares.hpp"

#include "core/text.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot::smb {
namespace {

std::vector<Share> windows_shares(const DeckyWorld& w, const FsReader& fs) {
    std::vector<Share> shares = {{"ADMIN$", "Remote Admin", "/C/Windows", false, true},
                                 {"C$", "Default share", "/C", false, true},
                                 {"IPC$", "Remote IPC", "", true, true}};
    if (w.archetype == "domain-controller") {
        const std::string sysvol = "/C/Windows/SYSVOL/sysvol";
        shares.push_back({"NETLOGON", "Logon server share ", sysvol + "/" + w.domain + "/scripts"});
        shares.push_back({"SYSVOL", "Logon server share ", sysvol});
    }
    // The file shares the world built (windows_tree: C:\Shares\<name>).
    for (const auto& entry : fs.list("/C/Shares").value)
        if (entry.stat.type == FsType::directory)
            shares.push_back({entry.name, "", "/C/Shares/" + entry.name});
    return shares;
}

// smb.conf's sections with a path, in file order, then IPC$ (as smbd lists them).
std::vector<Share> samba_shares(const DeckyWorld& w, const FsReader& fs) {
    std::vector<Share> shares;
    std::string server_string = "%h server (Samba, Ubuntu)";
    const auto conf = fs.read("/etc/samba/smb.conf");
    std::string section;
    std::string_view text = conf.value;
    for (std::size_t lines = 0; !text.empty() && lines < 10000; ++lines) {
        const auto nl = text.find('\n');
        const auto line = trim(text.substr(0, nl), " \t\r");
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.starts_with('[') && line.ends_with(']')) {
            section = std::string(line.substr(1, line.size() - 2));
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || line.starts_with('#') || line.starts_with(';'))
            continue;
        const auto key = ascii_lower(trim(line.substr(0, eq)));
        const std::string value(trim(line.substr(eq + 1)));
        if (iequals(section, "global")) {
            if (key == "server string") server_string = value;
            continue;
        }
        if (section.empty() || iequals(section, "homes") || iequals(section, "printers") ||
            iequals(section, "print$"))
            continue;
        Share* share = nullptr;
        for (auto& s : shares)
            if (s.name == section) share = &s;
        if (!share) share = &shares.emplace_back(Share{section, "", ""});
        if (key == "path") share->root = value;
        if (key == "comment") share->comment = value;
    }
    std::erase_if(shares, [](const Share& s) { return s.root.empty(); });
    std::string host = w.hostname.substr(0, w.hostname.find('.'));
    for (auto at = server_string.find("%h"); at != std::string::npos; at = server_string.find("%h"))
        server_string.replace(at, 2, host);
    shares.push_back({"IPC$", "IPC Service (" + server_string + ")", "", true, true});
    return shares;
}

}  // namespace

std::vector<Share> persona_shares(const DeckyWorld& world, const FsReader& fs) {
    return world.os_family == "windows" ? windows_shares(world, fs) : samba_shares(world, fs);
}

const Share* find_share(const std::vector<Share>& shares, std::string_view name) {
    for (const auto& s : shares)
        if (iequals(s.name, name)) return &s;
    return nullptr;
}

}  // namespace decnet::honeypot::smb
