// The distros' own identification files (see distro_files.hpp).
#include "honeypot/world/distro_files.hpp"

#include <vector>

#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::string_view kDebianMotd =
    "\nThe programs included with the Debian GNU/Linux system are free software;\n"
    "the exact distribution terms for each program are described in the\n"
    "individual files in /usr/share/doc/*/copyright.\n\n"
    "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
    "permitted by applicable law.\n";

constexpr std::string_view kKaliMotd =
    "\nThe programs included with the Kali GNU/Linux system are free software;\n"
    "the exact distribution terms for each program are described in the\n"
    "individual files in /usr/share/doc/*/copyright.\n\n"
    "Kali GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
    "permitted by applicable law.\n";

constexpr std::string_view kUbuntuMotdTail =
    "\n * Documentation:  https://help.ubuntu.com\n"
    " * Management:     https://landscape.canonical.com\n"
    " * Support:        https://ubuntu.com/pro\n";

const std::vector<DistroFiles>& all() {
    using enum DistroFamily;
    static const std::vector<DistroFiles> kAll = {
        {"debian",
         debian,
         "Debian GNU/Linux 12 (bookworm)",
         "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
         "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
         "HOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\n"
         "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
         "Debian GNU/Linux 12 \\n \\l\n\n",
         "Debian GNU/Linux 12\n",
         kDebianMotd,
         {{"/etc/debian_version", "12.8\n"}},
         "/bin/bash",
         "sudo",
         true,
         true,
         ""},
        {"ubuntu22",
         debian,
         "Ubuntu 22.04.5 LTS",
         "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
         "VERSION=\"22.04.5 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n"
         "ID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\n"
         "SUPPORT_URL=\"https://help.ubuntu.com/\"\n"
         "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"
         "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"
         "UBUNTU_CODENAME=jammy\n",
         "Ubuntu 22.04.5 LTS \\n \\l\n\n",
         "Ubuntu 22.04.5 LTS\n",
         "",
         {{"/etc/debian_version", "bookworm/sid\n"},
          {"/etc/lsb-release",
           "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"
           "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.5 LTS\"\n"}},
         "/bin/bash",
         "sudo",
         true,
         true,
         "Welcome to Ubuntu 22.04.5 LTS"},
        {"ubuntu20",
         debian,
         "Ubuntu 20.04.6 LTS",
         "NAME=\"Ubuntu\"\nVERSION=\"20.04.6 LTS (Focal Fossa)\"\nID=ubuntu\nID_LIKE=debian\n"
         "PRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nVERSION_ID=\"20.04\"\n"
         "HOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\n"
         "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"
         "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"
         "VERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n",
         "Ubuntu 20.04.6 LTS \\n \\l\n\n",
         "Ubuntu 20.04.6 LTS\n",
         "",
         {{"/etc/debian_version", "bullseye/sid\n"},
          {"/etc/lsb-release",
           "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\n"
           "DISTRIB_DESCRIPTION=\"Ubuntu 20.04.6 LTS\"\n"}},
         "/bin/bash",
         "sudo",
         false,
         true,
         "Welcome to Ubuntu 20.04.6 LTS"},
        {"rocky9",
         rhel,
         "Rocky Linux 9.4 (Blue Onyx)",
         "NAME=\"Rocky Linux\"\nVERSION=\"9.4 (Blue Onyx)\"\nID=\"rocky\"\n"
         "ID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\n"
         "PRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\nANSI_COLOR=\"0;32\"\n"
         "LOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:rocky:rocky:9::baseos\"\n"
         "HOME_URL=\"https://rockylinux.org/\"\nBUG_REPORT_URL=\"https://bugs.rockylinux.org/\"\n"
         "SUPPORT_END=\"2032-05-31\"\nROCKY_SUPPORT_PRODUCT=\"Rocky-Linux-9\"\n"
         "ROCKY_SUPPORT_PRODUCT_VERSION=\"9.4\"\nREDHAT_SUPPORT_PRODUCT=\"Rocky Linux\"\n"
         "REDHAT_SUPPORT_PRODUCT_VERSION=\"9.4\"\n",
         "\\S\nKernel \\r on an \\m\n\n",
         "\\S\nKernel \\r on an \\m\n",
         "",
         {{"/etc/redhat-release", "Rocky Linux release 9.4 (Blue Onyx)\n"},
          {"/etc/rocky-release", "Rocky Linux release 9.4 (Blue Onyx)\n"}},
         "/bin/bash",
         "wheel",
         false,
         true,
         ""},
        {"centos7",
         rhel,
         "CentOS Linux 7 (Core)",
         "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
         "VERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\nANSI_COLOR=\"0;31\"\n"
         "CPE_NAME=\"cpe:/o:centos:centos:7\"\nHOME_URL=\"https://www.centos.org/\"\n"
         "BUG_REPORT_URL=\"https://bugs.centos.org/\"\n\n"
         "CENTOS_MANTISBT_PROJECT=\"CentOS-7\"\nCENTOS_MANTISBT_PROJECT_VERSION=\"7\"\n"
         "REDHAT_SUPPORT_PRODUCT=\"centos\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"7\"\n\n",
         "\\S\nKernel \\r on an \\m\n\n",
         "\\S\nKernel \\r on an \\m\n",
         "",
         {{"/etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n"},
          {"/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"}},
         "/bin/bash",
         "wheel",
         false,
         true,
         ""},
        {"alpine",
         alpine,
         "Alpine Linux v3.19",
         "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.4\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"
         "HOME_URL=\"https://alpinelinux.org/\"\n"
         "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
         "Welcome to Alpine Linux 3.19\nKernel \\r on an \\m (\\l)\n\n",
         "Welcome to Alpine Linux 3.19\nKernel \\r on an \\m\n",
         "Welcome to Alpine!\n\n"
         "The Alpine Wiki contains a large amount of how-to guides and general\n"
         "information about administrating Alpine systems.\n"
         "See <https://wiki.alpinelinux.org/>.\n\n"
         "You can setup the system with the command: setup-alpine\n\n"
         "You may change this message by editing /etc/motd.\n\n",
         {{"/etc/alpine-release", "3.19.4\n"}},
         "/bin/ash",
         "wheel",
         false,
         false,
         ""},
        {"fedora",
         rhel,
         "Fedora Linux 39 (Server Edition)",
         "NAME=\"Fedora Linux\"\nVERSION=\"39 (Server Edition)\"\nID=fedora\nVERSION_ID=39\n"
         "VERSION_CODENAME=\"\"\nPLATFORM_ID=\"platform:f39\"\n"
         "PRETTY_NAME=\"Fedora Linux 39 (Server Edition)\"\nANSI_COLOR=\"0;38;2;60;110;180\"\n"
         "LOGO=fedora-logo-icon\nCPE_NAME=\"cpe:/o:fedoraproject:fedora:39\"\n"
         "HOME_URL=\"https://fedoraproject.org/\"\n"
         "SUPPORT_URL=\"https://ask.fedoraproject.org/\"\n"
         "BUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\nREDHAT_BUGZILLA_PRODUCT=\"Fedora\"\n"
         "REDHAT_BUGZILLA_PRODUCT_VERSION=39\nREDHAT_SUPPORT_PRODUCT=\"Fedora\"\n"
         "REDHAT_SUPPORT_PRODUCT_VERSION=39\nSUPPORT_END=2024-11-12\n"
         "VARIANT=\"Server Edition\"\nVARIANT_ID=server\n",
         "\\S\nKernel \\r on an \\m (\\l)\n\n",
         "\\S\nKernel \\r on an \\m (\\l)\n",
         "",
         {{"/etc/fedora-release", "Fedora release 39 (Thirty Nine)\n"},
          {"/etc/redhat-release", "Fedora release 39 (Thirty Nine)\n"}},
         "/bin/bash",
         "wheel",
         true,
         true,
         ""},
        {"kali",
         debian,
         "Kali GNU/Linux Rolling",
         "PRETTY_NAME=\"Kali GNU/Linux Rolling\"\nNAME=\"Kali GNU/Linux\"\nVERSION_ID=\"2024.4\"\n"
         "VERSION=\"2024.4\"\nVERSION_CODENAME=kali-rolling\nID=kali\nID_LIKE=debian\n"
         "HOME_URL=\"https://www.kali.org/\"\nSUPPORT_URL=\"https://forums.kali.org/\"\n"
         "BUG_REPORT_URL=\"https://bugs.kali.org/\"\nANSI_COLOR=\"1;31\"\n",
         "Kali GNU/Linux Rolling \\n \\l\n\n",
         "Kali GNU/Linux Rolling\n",
         kKaliMotd,
         {{"/etc/debian_version", "kali-rolling\n"}},
         "/usr/bin/zsh",
         "sudo",
         true,
         true,
         ""},
        {"arch",
         arch,
         "Arch Linux",
         "NAME=\"Arch Linux\"\nPRETTY_NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling\n"
         "ANSI_COLOR=\"38;2;23;147;209\"\nHOME_URL=\"https://archlinux.org/\"\n"
         "DOCUMENTATION_URL=\"https://wiki.archlinux.org/\"\n"
         "SUPPORT_URL=\"https://bbs.archlinux.org/\"\n"
         "BUG_REPORT_URL=\"https://gitlab.archlinux.org/groups/archlinux/-/issues\"\n"
         "PRIVACY_POLICY_URL=\"https://terms.archlinux.org/docs/privacy-policy/\"\n"
         "LOGO=archlinux-logo\n",
         "Arch Linux \\r (\\l)\n\n",
         "Arch Linux \\r\n",
         "",
         {{"/etc/arch-release", ""}},
         "/bin/bash",
         "wheel",
         true,
         true,
         ""},
    };
    return kAll;
}

}  // namespace

const DistroFiles& distro_files(std::string_view slug) {
    for (const auto& d : all())
        if (d.slug == slug) return d;
    return all().front();
}

std::string expand_issue(std::string_view text, const DistroFiles& distro, const HostProfile& host,
                         std::string_view hostname, std::string_view tty) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        switch (text[++i]) {
            case 'n':
                out += hostname;
                break;
            case 'l':
                out += tty;
                break;
            case 'r':
                out += host.kernel_release;
                break;
            case 'm':
                out += host.machine;
                break;
            case 's':
                out += "Linux";
                break;
            case 'S':
                out += distro.pretty_name;
                break;
            case '\\':
                out += '\\';
                break;
            default:
                break;
        }
    }
    return out;
}

std::string login_message(const DistroFiles& distro, const HostProfile& host,
                          std::string_view motd) {
    std::string out;
    if (!distro.ubuntu_welcome.empty()) {
        out += std::string(distro.ubuntu_welcome) + " (GNU/Linux " + host.kernel_release + " " +
               host.machine + ")\n";
        out += kUbuntuMotdTail;
        if (!motd.empty()) out += "\n";
    }
    out += motd;
    return out;
}

}  // namespace decnet::honeypot
