// telnet: an Ubuntu-style telnetd (netkit) login (who gets in: the persona's accept policy,
// auth/login_policy.hpp), then the shared attacker's shell
// (shell/shell.hpp) over the decky's world (services.md §2.2). Owns the option negotiation,
// the IAC-stripping layer (a line editor for /bin/login, a raw Terminal for the shell, NAWS
// giving its size), the distro's banner and motd. Unlike the reference it logs the
// attacker's address, every password tried and every command (§1.6).
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/telnet/telnet_options.hpp"
#include "honeypot/session.hpp"
#include "honeypot/shell/cast_recorder.hpp"
#include "honeypot/shell/recorded_session.hpp"
#include "honeypot/shell/shell.hpp"
#include "honeypot/shell/shell_events.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_overlay.hpp"

// GCC 12 false positive (PR 109224): Asio's sized frame operator delete is reported as
// mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxLine = 1024;  // an attacker's command line, telnet-side
constexpr int kMaxLoginFailures = 3;    // /bin/login gives up after a few tries
constexpr auto kFailureDelay = std::chrono::seconds(1);

// netkit telnetd's first words: DO TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON, then nothing until
// the client answers (what nmap knows as "Linux telnetd").
constexpr std::string_view kTerminalQuestions = "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27";
// WILL ECHO + WILL SGA put the client in character mode with the server echoing (so the
// password prompt can stay silent); DO NAWS asks for the window size.
constexpr std::string_view kNegotiation = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f";

// Turns the raw byte stream into edited lines for /bin/login: strips IAC sequences
// (answering options we did not offer with a refusal, reading the window size from NAWS),
// echoes when asked, honours backspace. After login, read_raw() hands the shell the data
// bytes as typed. Every buffer it keeps is capped so a hostile stream cannot grow it.
class LineEditor {
  public:
    explicit LineEditor(Session& s) : s_(s) {}

    // The client's window (NAWS), once it said.
    int cols() const { return options_.cols; }
    int rows() const { return options_.rows; }

    // The next data bytes with IAC stripped (the shell edits them); nullopt when the peer
    // is gone. CR LF and CR NUL arrive as CR.
    awaitable<std::optional<std::string>> read_raw() {
        raw_ = true;
        for (;;) {
            std::string reply, shown;
            for (const char c : pending_) feed(static_cast<unsigned char>(c), reply, shown);
            pending_.clear();
            bool sent = true;
            if (!reply.empty()) sent = co_await s_.write(reply);
            if (!sent) co_return std::nullopt;
            if (!data_.empty()) co_return std::exchange(data_, std::string());
            auto chunk = co_await s_.read_some();
            if (!chunk) co_return std::nullopt;
            pending_ = std::move(*chunk);
        }
    }

    // Waits for the client's first bytes (its answers to the options asked), kept for the
    // next read_line(); false when the peer left or stayed silent past the idle timeout.
    awaitable<bool> await_input() {
        auto chunk = co_await s_.read_some();
        if (!chunk) co_return false;
        pending_ += *chunk;
        co_return true;
    }

    // The next line, echoed as typed when `echo`; nullopt when the peer is gone or the
    // line outgrew kMaxLine.
    awaitable<std::optional<std::string>> read_line(bool echo) {
        for (;;) {
            // Bytes typed ahead of the prompt stay raw until the line they belong to is
            // read, so a password typed early is still not echoed.
            std::string reply, shown;
            std::size_t used = 0;
            while (used < pending_.size() && !ready_)
                feed(static_cast<unsigned char>(pending_[used++]), reply, shown);
            pending_.erase(0, used);
            if (!echo) shown.clear();
            const std::string out = reply + shown;
            // co_await stays out of compound conditions: GCC 12 ICEs on some of them.
            bool sent = true;
            if (!out.empty()) sent = co_await s_.write(out);
            if (!sent) co_return std::nullopt;
            if (ready_) {
                auto line = std::move(*ready_);
                ready_.reset();
                co_return line;
            }
            if (line_.size() > kMaxLine) co_return std::nullopt;
            auto chunk = co_await s_.read_some();  // ≤ the session's max_line
            if (!chunk) co_return std::nullopt;
            pending_ = std::move(*chunk);
        }
    }

  private:
    void feed(unsigned char c, std::string& reply, std::string& shown) {
        if (options_.feed(c, reply)) text(c, shown);
    }

    void text(unsigned char c, std::string& shown) {
        if (raw_) {
            // The shell edits: it gets the bytes; CR LF and CR NUL are one CR.
            const bool after_cr = last_ == '\r';
            last_ = c;
            if (after_cr && (c == '\n' || c == 0)) return;
            data_ += static_cast<char>(c);
            return;
        }
        if (c == '\r' || c == '\n') {
            // CR LF, CR NUL and bare LF all end one line.
            if (c == '\n' && last_ == '\r') {
                last_ = c;
                return;
            }
            last_ = c;
            ready_ = std::move(line_);
            line_.clear();
            shown += "\r\n";
            return;
        }
        last_ = c;
        if (c == 0) return;
        if (c == 0x7f || c == 0x08) {
            if (!line_.empty()) {
                line_.pop_back();
                shown += "\b \b";
            }
            return;
        }
        if (line_.size() <= kMaxLine) line_ += static_cast<char>(c);
        if (c >= 0x20) shown += static_cast<char>(c);
    }

    Session& s_;
    TelnetOptions options_;
    unsigned char last_ = 0;
    std::string line_;
    std::string pending_;               // raw bytes not yet edited
    std::optional<std::string> ready_;  // a completed line
    bool raw_ = false;                  // after login: bytes for the shell, not lines
    std::string data_;                  // raw mode: data bytes not yet handed over
};

// The shell's terminal over telnet: the IAC layer's data bytes in, writes straight out
// (the shell already turned "\n" into "\r\n"); NAWS's size as it last said.
class TelnetTerminal : public shell::Terminal {
  public:
    TelnetTerminal(Session& s, LineEditor& in) : s_(s), in_(in) { size(); }
    awaitable<std::optional<std::string>> read() override {
        auto data = co_await in_.read_raw();
        size();
        co_return data;
    }
    awaitable<bool> write(std::string_view bytes) override { co_return co_await s_.write(bytes); }

  private:
    void size() {
        cols = in_.cols();
        rows = in_.rows();
    }
    Session& s_;
    LineEditor& in_;
};

// The persona: who gets in (accept, logins, password), the name /bin/login shows, what
// downloads do.
struct TelnetSettings : ServiceSettings {
    std::shared_ptr<LoginPolicy> policy;
    std::string hostname;        // empty: the decky's hostname
    shell::ShellSettings shell;  // downloads: record or fetch, and where fetches may go
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<TelnetSettings>();
    settings->policy = read_login_policy(persona);
    settings->hostname = persona.line("hostname");
    settings->shell = shell::read_shell_settings(persona);
    return settings;
}

std::string hostname_of(const Session& s) {
    const auto& name = s.context().settings_as<TelnetSettings>().hostname;
    return name.empty() ? s.context().hostname : name;
}

std::shared_ptr<const FakeFilesystem> world_fs(const DeckyWorld* world) {
    if (world && world->fs) return world->fs;
    static const auto bare = std::make_shared<FakeFilesystem>();
    return bare;
}

std::string crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// Before login: the distro's /etc/issue.net, escapes expanded as telnetd does.
std::string banner(const DeckyWorld* world, const FsOverlay& fs, const std::string& host) {
    if (!world) return "Ubuntu 20.04.6 LTS\n";
    const auto& distro = distro_files(world->distro);
    const auto issue = fs.read("/etc/issue.net");
    return expand_issue(issue ? issue.value : std::string(distro.issue_net), distro, world->host,
                        host);
}

// After login: the distro's motd (Ubuntu's welcome lines first) and root's last login.
std::string motd(const DeckyWorld* world, const FsOverlay& fs) {
    if (!world) return "";
    const auto& w = *world;
    const auto text = fs.read("/etc/motd");
    std::string out = login_message(distro_files(w.distro), w.host, text ? text.value : "");
    const auto last = fs.stat(w.paths.home + "/.bash_history");
    if (last) {
        const std::time_t t = last.value.meta.mtime;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char when[64];
        std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
        out +=
            "\nLast login: " + std::string(when) + " from " + w.host.neighbour("jenkins").ip + "\n";
    }
    return out;
}

// /bin/login: the account let in by the persona's accept policy, or nullopt after
// kMaxLoginFailures or when the peer leaves.
awaitable<std::optional<std::string>> login(Session& s, LineEditor& in, const std::string& host) {
    auto& policy = *s.context().settings_as<TelnetSettings>().policy;
    for (int failures = 0; failures < kMaxLoginFailures;) {
        if (!co_await s.write(host + " login: ")) co_return std::nullopt;
        auto user = co_await in.read_line(true);
        if (!user) co_return std::nullopt;
        if (trim(*user).empty()) continue;  // login re-prompts on an empty name
        if (!co_await s.write("Password: ")) co_return std::nullopt;
        auto pass = co_await in.read_line(false);
        if (!pass) co_return std::nullopt;
        const std::string name(trim(*user));
        const bool ok = policy.accepts(s.peer_ip(), name, *pass);
        s.emit(s.event("auth", ok ? Severity::warning : Severity::info)
                   .credential(name, *pass)
                   .add("status", ok ? "success" : "failed"));
        if (!co_await s.write("\r\n")) co_return std::nullopt;
        if (ok) co_return name;
        ++failures;
        co_await s.pause(kFailureDelay);  // login's anti-brute-force delay
        if (!co_await s.write("Login incorrect\r\n")) co_return std::nullopt;
    }
    co_return std::nullopt;
}

awaitable<void> serve_telnet(Session& s) {
    s.emit(s.event("connect"));
    const auto* world = s.context().world;
    const auto& settings = s.context().settings_as<TelnetSettings>();
    const std::string host = hostname_of(s);
    // The session's view of the decky's files: what the shell changes stays in it.
    FsOverlay fs(world_fs(world));
    LineEditor in(s);
    bool ok = co_await s.write(kTerminalQuestions);
    if (ok) ok = co_await in.await_input();
    if (ok) ok = co_await s.write(std::string(kNegotiation) + crlf(banner(world, fs, host)));
    std::optional<std::string> user;
    if (ok) user = co_await login(s, in, host);
    if (user) {
        shell::ShellLogin who;
        who.user = *user;
        who.hostname = host;
        shell::Shell shell(s, fs, settings.shell, std::move(who));
        TelnetTerminal terminal(s, in);
        shell::CastOptions cast;
        cast.title = *user + "@" + host;
        co_await shell::run_recorded(s, shell, terminal, cast, *user, crlf(motd(world, fs)));
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kTelnetEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"auth", "src_ip src_port username password status", "one /bin/login attempt"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

// telnet's own events, then the shell's (command, ...).
const std::vector<EventDecl>& events() {
    static const std::vector<EventDecl> all = [] {
        std::vector<EventDecl> v(std::begin(kTelnetEvents), std::end(kTelnetEvents));
        const auto shell_events = shell::shell_events();
        v.insert(v.end(), shell_events.begin(), shell_events.end());
        return v;
    }();
    return all;
}

}  // namespace

const ServiceModule& telnet_module() {
    static const ServiceModule module{
        .slug = "telnet", .configure = &configure, .serve = &serve_telnet, .events = events()};
    return module;
}

}  // namespace decnet::honeypot
