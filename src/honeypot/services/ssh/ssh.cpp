// ssh: an OpenSSH server as the decky's distro ships it (services.md §2.1), on decnet's own
// SSH transport (transport.hpp; libssh cannot reproduce OpenSSH's KEXINIT): the release's
// version line and algorithm lists, per-decky host keys, every credential and key captured,
// the accept policy, and after a login the shared shell (honeypot/shell/), exec, scp and
// sftp over the decky's files. docs/SSH.md.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/ssh/connection.hpp"
#include "honeypot/services/ssh/ssh_settings.hpp"
#include "wire/ssh_kexinit.hpp"

#if __has_include("honeypot/shell/shell_events.hpp")
#include "honeypot/shell/shell_events.hpp"
#endif

namespace decnet::honeypot {
namespace {

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<ssh::SshSettings>();
    const auto version = persona.line("ssh_version");
    if (!version.empty()) {
        const auto parsed = wire::ssh::parse_version(version);
        if (!parsed || parsed->proto != "2.0" || version.size() > 200)
            persona.fail("ssh_version",
                         "expected an SSH-2.0 version line such as SSH-2.0-OpenSSH_9.2p1 "
                         "Debian-2+deb12u3");
    }
    settings->profile = ssh::openssh_profile(version, persona.decky().distro);
    settings->hostname = persona.line("hostname");
    settings->auth_delay = std::chrono::milliseconds(persona.integer("auth_delay_ms", 0, 10000));
    settings->policy = read_login_policy(persona);
    settings->shell = shell::read_shell_settings(persona);
    return settings;
}

boost::asio::awaitable<void> serve_ssh(Session& session) {
    co_await ssh::serve_connection(session);
}

constexpr EventDecl kOwnEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"client_version",
     "src_ip src_port client_version hassh? hassh_algorithms? kex? host_key? cipher? mac? "
     "compression?",
     "the client's version line and, after its KEXINIT, its HASSH and what was agreed"},
    {"handshake_failed", "src_ip src_port reason", "not an SSH client, or the key exchange failed"},
    {"auth", "src_ip src_port username password method status",
     "one password or keyboard-interactive attempt"},
    {"auth_publickey", "src_ip src_port username key_type fingerprint status",
     "a public key offered (SHA256 fingerprint as ssh-keygen -l prints it)"},
    {"session_start", "src_ip src_port user kind pty",
     "a channel started a shell, exec, scp or sftp"},
    {"forward_request", "src_ip src_port kind host port origin_host? origin_port?",
     "port forwarding asked for (ssh -L/-D/-R) and refused"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason? transfer",
     "a file uploaded with scp or sftp, kept in the artifact store"},
    {"sftp_operation", "src_ip src_port user operation path",
     "an sftp request that changes or reads a file"},
    {"disconnect", "src_ip src_port duration reason", "the connection ended"},
};

std::span<const EventDecl> events() {
    static const std::vector<EventDecl> all = [] {
        std::vector<EventDecl> out(std::begin(kOwnEvents), std::end(kOwnEvents));
#if __has_include("honeypot/shell/shell_events.hpp")
        for (const auto& e : shell::shell_events()) out.push_back(e);
#endif
        return out;
    }();
    return all;
}

// A shell session idles while its user reads, and lives as long as they work (sshd has no
// limit at all); uploads (scp, sftp) are up to the artifact store's file size. Still bounded.
SessionLimits ssh_limits(SessionLimits limits) {
    limits.idle_timeout = std::max(limits.idle_timeout, std::chrono::seconds(600));
    limits.max_session_time = std::max(limits.max_session_time, std::chrono::seconds(3600));
    limits.max_bytes_in = std::max<std::size_t>(limits.max_bytes_in, 64 * 1024 * 1024);
    return limits;
}

}  // namespace

const ServiceModule& ssh_module() {
    static const ServiceModule module{.slug = "ssh",
                                      .configure = &configure,
                                      .serve = &serve_ssh,
                                      .events = events(),
                                      .session_limits = &ssh_limits};
    return module;
}

}  // namespace decnet::honeypot
