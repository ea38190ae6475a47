// ShellSettings: the persona keys every login service with a shell shares (ssh, telnet):
// what happens when an attacker downloads something. Read once at deploy time by the
// module's configure; a bad value fails the deploy.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace decnet::honeypot {
class PersonaReader;
}

namespace decnet::honeypot::shell {

enum class DownloadMode {
    record,  // log URL, host and port; the tool fails like a host with no route out
    fetch,   // really download (bounded) into the artifact store and the session overlay
};

struct ShellSettings {
    DownloadMode downloads = DownloadMode::record;
    // Networks a `fetch` may reach although they are loopback, link-local, private or the
    // operator's own (CIDRs, e.g. 127.0.0.1/32 in tests). Empty: only public addresses.
    std::vector<std::string> download_allow;
    std::size_t max_download_bytes = 16 * 1024 * 1024;
    std::chrono::seconds download_timeout{30};
};

// Reads `downloads` (record|fetch) and `download_allow` (comma-separated CIDRs) of the
// service's persona; PersonaError on a bad value.
ShellSettings read_shell_settings(const PersonaReader& persona);

}  // namespace decnet::honeypot::shell
