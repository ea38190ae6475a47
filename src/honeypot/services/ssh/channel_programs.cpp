#include "honeypot/services/ssh/channel_programs.hpp"

#include <ctime>

#include "honeypot/services/ssh/scp_sink.hpp"
#include "honeypot/services/ssh/sftp_server.hpp"
#include "honeypot/services/ssh/ssh_settings.hpp"
#include "honeypot/session.hpp"
#include "honeypot/shell/shell.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_overlay.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::ssh {
namespace {

using boost::asio::awaitable;

// The channel as the shell's terminal.
class ChannelTerminal final : public shell::Terminal {
  public:
    ChannelTerminal(ChannelHost& host, std::uint32_t id) : host_(host), id_(id) { sync(); }

    awaitable<std::optional<std::string>> read() override {
        auto data = co_await host_.channel_read(id_);
        sync();
        co_return data;
    }
    awaitable<bool> write(std::string_view bytes) override {
        co_return co_await host_.channel_write(id_, bytes);
    }

  private:
    void sync() {
        if (const auto* ch = host_.channel(id_)) {
            cols = ch->cols;
            rows = ch->rows;
        }
    }
    ChannelHost& host_;
    std::uint32_t id_;
};

std::string crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// What sshd (pam_motd, PrintLastLog) shows before the first prompt: the distro's login
// message and motd, then the last login from a neighbour on the LAN.
std::string login_banner(const DeckyWorld& world, const FsOverlay& fs, const std::string& home) {
    const auto motd = fs.read("/etc/motd");
    std::string out =
        login_message(distro_files(world.distro), world.host, motd ? motd.value : std::string());
    if (const auto last = fs.stat(home + "/.bash_history")) {
        const std::time_t t = last.value.meta.mtime;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char when[64];
        std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
        out += "Last login: " + std::string(when) + " from " + world.host.neighbour("jenkins").ip +
               "\n";
    }
    return out;
}

awaitable<int> run_shell(ChannelHost& host, std::uint32_t id, bool interactive) {
    auto* ch = host.channel(id);
    shell::ShellLogin login;
    login.user = host.user();
    login.pty = ch->pty;
    if (!ch->term.empty()) login.term = ch->term;
    login.env = ch->env;
    const std::string command = ch->command;
    auto& session = host.session();
    session.emit(session.event("session_start")
                     .add("user", login.user)
                     .add("kind", interactive ? "shell" : "exec")
                     .add("pty", ch->pty ? "true" : "false"));
    shell::Shell sh(session, host.overlay(), host.settings().shell, login);
    ChannelTerminal terminal(host, id);
    if (!interactive) co_return co_await sh.run(command, terminal);
    if (const auto* world = session.context().world) {
        const auto* account = world->accounts.find(login.user);
        const std::string home = account ? account->home : world->paths.home;
        auto banner = login_banner(*world, host.overlay(), home);
        if (login.pty) banner = crlf(banner);
        if (!co_await terminal.write(banner)) co_return 0;
    }
    co_return co_await sh.interactive(terminal);
}

}  // namespace

awaitable<void> run_program(ChannelHost& host, std::uint32_t id) {
    auto* ch = host.channel(id);
    if (ch == nullptr) co_return;
    ch->running = true;
    const auto program = ch->program;
    const bool scp = program == ChannelInfo::Program::exec && is_scp_command(ch->command);
    int status = 0;
    if (program == ChannelInfo::Program::sftp) {
        status = co_await run_sftp(host, id);
    } else if (scp) {
        status = co_await run_scp(host, id);
    } else {
        status = co_await run_shell(host, id, program == ChannelInfo::Program::shell);
    }
    if (auto* after = host.channel(id)) {
        after->exit_status = status;
        after->running = false;
        after->queued = false;
    }
}

}  // namespace decnet::honeypot::ssh
