// The ssh module's typed persona (read once at deploy by configure in ssh.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "honeypot/services/module.hpp"
#include "honeypot/services/ssh/openssh_profiles.hpp"
#include "honeypot/shell/shell_settings.hpp"

namespace decnet::honeypot {
class LoginPolicy;
}

namespace decnet::honeypot::ssh {

struct SshSettings : ServiceSettings {
    OpensshProfile profile;
    std::string hostname;                        // "" = the decky's
    std::chrono::milliseconds auth_delay{2000};  // after a failed password, as pam_unix waits
    std::shared_ptr<LoginPolicy> policy;
    shell::ShellSettings shell;
};

}  // namespace decnet::honeypot::ssh
