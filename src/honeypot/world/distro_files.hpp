// What a distro says about itself: /etc/os-release, /etc/issue, /etc/issue.net, its release
// file (debian_version, redhat-release, alpine-release, …), /etc/motd and the login banner,
// byte for byte as the distro ships them, plus the family facts other builders need (login
// shell, admin group, password hash scheme, merged /usr).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

struct HostProfile;

enum class DistroFamily { debian, rhel, alpine, arch };

struct DistroFiles {
    std::string_view slug;
    DistroFamily family;
    std::string_view pretty_name;  // PRETTY_NAME (what \S expands to)
    std::string_view os_release;
    std::string_view issue;      // with agetty escapes (\n, \l, \r, \m, \S)
    std::string_view issue_net;  // what telnetd prints before login (escapes expanded)
    std::string_view motd;       // /etc/motd
    std::vector<std::pair<std::string_view, std::string_view>> release_files;  // path, body
    std::string_view shell;           // root's and the admin's login shell
    std::string_view admin_group;     // sudo or wheel
    bool yescrypt;                    // $y$ hashes in /etc/shadow (else $6$)
    bool merged_usr;                  // /bin → usr/bin
    std::string_view ubuntu_welcome;  // Ubuntu's update-motd header ("" elsewhere)
};

// The files of `slug`; an unknown slug gets Debian's.
const DistroFiles& distro_files(std::string_view slug);

// agetty/telnetd escapes of /etc/issue(.net): \n hostname, \l tty, \r kernel release, \m
// machine, \s kernel name, \S pretty name, \\ backslash; others dropped.
std::string expand_issue(std::string_view text, const DistroFiles& distro, const HostProfile& host,
                         std::string_view hostname, std::string_view tty = "pts/0");

// What a shell login prints before the first prompt (LF line ends): Ubuntu's welcome
// lines with the kernel, then /etc/motd's text (`motd`, as the tree holds it).
std::string login_message(const DistroFiles& distro, const HostProfile& host,
                          std::string_view motd);

}  // namespace decnet::honeypot
