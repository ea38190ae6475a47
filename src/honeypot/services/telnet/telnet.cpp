// telnet: an Ubuntu-style telnetd (netkit) login and a small root shell (services.md §2.2).
// Owns the option negotiation, the IAC-stripping line editor and the fake shell, which shows
// the decky's world: its distro's banner and motd, its files (ls, cat, cd over the session's
// overlay of the tree), its kernel. Unlike the reference it logs the attacker's address,
// every password tried and every command (§1.6).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_format.hpp"
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
constexpr std::size_t kMaxSubneg = 64;  // SB … SE payload we are willing to buffer
constexpr int kMaxLoginFailures = 3;    // /bin/login gives up after a few tries
constexpr auto kFailureDelay = std::chrono::seconds(1);

// Telnet command and option bytes (RFC 854/857/858/1073).
constexpr unsigned char kIac = 255, kDont = 254, kDo = 253, kWont = 252, kWill = 251, kSb = 250,
                        kSe = 240;
constexpr unsigned char kOptEcho = 1, kOptSga = 3, kOptTtype = 24, kOptTspeed = 32,
                        kOptXdisploc = 35, kOptEnviron = 39, kOptNaws = 31;

// netkit telnetd's first words: DO TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON, then nothing until
// the client answers (what nmap knows as "Linux telnetd").
constexpr std::string_view kTerminalQuestions = "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27";
// WILL ECHO + WILL SGA put the client in character mode with the server echoing (so the
// password prompt can stay silent); DO NAWS asks for the window size.
constexpr std::string_view kNegotiation = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f";

// Turns the raw byte stream into edited lines: strips IAC sequences (answering options we
// did not offer with a refusal), echoes when asked, honours backspace. Every buffer it
// keeps is capped so a hostile stream cannot grow it.
class LineEditor {
  public:
    explicit LineEditor(Session& s) : s_(s) {}

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
    enum class State { data, iac, option, sb, sb_iac };

    void feed(unsigned char c, std::string& reply, std::string& shown) {
        switch (state_) {
            case State::data:
                if (c == kIac) {
                    state_ = State::iac;
                } else {
                    text(c, shown);
                }
                return;
            case State::iac:
                if (c == kIac) {  // escaped 0xFF data byte
                    state_ = State::data;
                    text(c, shown);
                } else if (c == kDo || c == kDont || c == kWill || c == kWont) {
                    verb_ = c;
                    state_ = State::option;
                } else if (c == kSb) {
                    subneg_ = 0;
                    state_ = State::sb;
                } else {
                    state_ = State::data;  // NOP, AYT, GA, …: nothing to do
                }
                return;
            case State::option:
                answer_option(verb_, c, reply);
                state_ = State::data;
                return;
            case State::sb:
                // NAWS and friends: swallowed. Past the cap we stop counting but keep
                // looking for IAC SE, so nothing is buffered.
                if (c == kIac)
                    state_ = State::sb_iac;
                else if (subneg_ < kMaxSubneg)
                    ++subneg_;
                return;
            case State::sb_iac:
                state_ = c == kSe ? State::data : State::sb;
                return;
        }
    }

    // Refuse what we did not offer; agreements to our own offers need no answer, and
    // answering only unsolicited requests cannot start a negotiation loop.
    static void answer_option(unsigned char verb, unsigned char option, std::string& reply) {
        const bool ours = option == kOptEcho || option == kOptSga;
        const bool asked = option == kOptNaws || option == kOptTtype || option == kOptTspeed ||
                           option == kOptXdisploc || option == kOptEnviron;
        if (verb == kDo && !ours) reply += {char(kIac), char(kWont), char(option)};
        if (verb == kWill && !asked) reply += {char(kIac), char(kDont), char(option)};
    }

    void text(unsigned char c, std::string& shown) {
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
    State state_ = State::data;
    unsigned char verb_ = 0;
    unsigned char last_ = 0;
    std::size_t subneg_ = 0;
    std::string line_;
    std::string pending_;               // raw bytes not yet edited
    std::optional<std::string> ready_;  // a completed line
};

// The persona: root's password and the name /bin/login shows.
struct TelnetSettings : ServiceSettings {
    std::string password;
    std::string hostname;  // empty: the decky's hostname
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<TelnetSettings>();
    settings->password = persona.text("password");
    settings->hostname = persona.line("hostname");
    return settings;
}

std::string hostname_of(const Session& s) {
    const auto& name = s.context().settings_as<TelnetSettings>().hostname;
    return name.empty() ? s.context().hostname : name;
}

// The shell's view of the decky: its files as this session changed them, its host facts.
struct Shell {
    const DeckyWorld* world;
    FsOverlay fs;
    FsScope scope;  // no jail; cwd starts at root's home
    std::string host;
};

std::shared_ptr<const FakeFilesystem> world_fs(const DeckyWorld* world) {
    if (world && world->fs) return world->fs;
    static const auto bare = std::make_shared<FakeFilesystem>();
    return bare;
}

std::string home(const Shell& sh) {
    return sh.world ? sh.world->paths.home : WorldPaths{}.home;
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
std::string banner(const Shell& sh) {
    if (!sh.world) return "Ubuntu 20.04.6 LTS\n";
    const auto& distro = distro_files(sh.world->distro);
    const auto issue = sh.fs.read("/etc/issue.net");
    return expand_issue(issue ? issue.value : std::string(distro.issue_net), distro, sh.world->host,
                        sh.host);
}

// After login: the distro's motd (Ubuntu's welcome lines first) and root's last login.
std::string motd(const Shell& sh) {
    if (!sh.world) return "";
    const auto& w = *sh.world;
    const auto text = sh.fs.read("/etc/motd");
    std::string out = login_message(distro_files(w.distro), w.host, text ? text.value : "");
    const auto last = sh.fs.stat(home(sh) + "/.bash_history");
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

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = s.find_first_not_of(" \t", at)) != std::string::npos) {
        const auto end = s.find_first_of(" \t", at);
        out.push_back(s.substr(at, end - at));
        at = end;
    }
    return out;
}

// `~` and `~/x` as bash expands them.
std::string expand(const Shell& sh, const std::string& path) {
    if (path == "~") return home(sh);
    if (path.starts_with("~/")) return home(sh) + path.substr(1);
    return path;
}

std::string owner(const Shell& sh, std::uint32_t uid) {
    const auto* user = sh.world ? sh.world->accounts.find(uid) : nullptr;
    return user ? user->name : std::to_string(uid);
}

std::string group(const Shell& sh, std::uint32_t gid) {
    return sh.world ? sh.world->accounts.group_name(gid) : std::to_string(gid);
}

// ls [-a] [-A] [-l] [path]: GNU ls's long format with aligned columns, or names.
std::string ls(const Shell& sh, const std::string& verb, const std::vector<std::string>& args) {
    bool all = verb == "ll", almost = verb == "la", long_form = verb == "ll";
    std::string path = ".";
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].starts_with('-') && args[i].size() > 1) {
            all = all || args[i].find('a') != std::string::npos;
            almost = almost || args[i].find('A') != std::string::npos;
            long_form = long_form || args[i].find('l') != std::string::npos;
        } else {
            path = expand(sh, args[i]);
        }
    }
    auto entries = sh.fs.list(path, sh.scope);
    if (!entries)
        return "ls: cannot access '" + path + "': " + std::string(fs_error_text(entries.error)) +
               "\r\n";
    std::vector<FsEntry> shown;
    if (all && sh.fs.is_dir(path, sh.scope)) {
        shown.push_back({".", sh.fs.stat(path, sh.scope).value});
        shown.push_back({"..", sh.fs.stat(path + "/..", sh.scope).value});
    }
    for (auto& e : entries.value)
        if (all || almost || !e.name.starts_with('.')) shown.push_back(std::move(e));
    std::string out;
    if (!long_form) {
        for (const auto& e : shown) out += (out.empty() ? "" : "  ") + e.name;
        return out.empty() ? "" : out + "\r\n";
    }
    std::size_t wl = 1, wo = 1, wg = 1, ws = 1;
    std::uint64_t blocks = 0;
    for (const auto& e : shown) {
        wl = std::max(wl, std::to_string(e.stat.nlink).size());
        wo = std::max(wo, owner(sh, e.stat.meta.uid).size());
        wg = std::max(wg, group(sh, e.stat.meta.gid).size());
        ws = std::max(ws, std::to_string(e.stat.size).size());
        blocks += (e.stat.size + 4095) / 4096 * 4;
    }
    out = "total " + std::to_string(blocks) + "\r\n";
    const auto now = std::time(nullptr);
    auto pad = [](std::string s, std::size_t w, bool left) {
        const std::string fill(w > s.size() ? w - s.size() : 0, ' ');
        return left ? s + fill : fill + s;
    };
    for (const auto& e : shown) {
        out += mode_string(e.stat) + " " + pad(std::to_string(e.stat.nlink), wl, false) + " " +
               pad(owner(sh, e.stat.meta.uid), wo, true) + " " +
               pad(group(sh, e.stat.meta.gid), wg, true) + " " +
               pad(std::to_string(e.stat.size), ws, false) + " " +
               listing_date(e.stat.meta.mtime, now) + " " + e.name;
        if (e.stat.type == FsType::symlink) out += " -> " + e.stat.target;
        out += "\r\n";
    }
    return out;
}

std::string cat(const Shell& sh, const std::vector<std::string>& args) {
    std::string out;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto body = sh.fs.read(expand(sh, args[i]), sh.scope);
        out += body ? crlf(body.value)
                    : "cat: " + args[i] + ": " + std::string(fs_error_text(body.error)) + "\r\n";
    }
    return out;
}

std::string cd(Shell& sh, const std::vector<std::string>& args) {
    const std::string target = args.size() < 2 ? home(sh) : expand(sh, args[1]);
    const auto path = sh.fs.realpath(target, sh.scope);
    if (path && sh.fs.is_dir(path.value, sh.scope)) {
        sh.scope.cwd = path.value;
        return "";
    }
    const auto error = path ? FsError::not_dir : path.error;
    return "-bash: cd: " + target + ": " + std::string(fs_error_text(error)) + "\r\n";
}

std::string uname(const Shell& sh, const std::string& arg) {
    if (!sh.world) return "Linux\r\n";
    const auto& h = sh.world->host;
    if (arg == "-a")
        return "Linux " + sh.host + " " + h.kernel_release + " " + h.kernel_version + " " +
               h.machine + " " + h.os_name + "\r\n";
    if (arg == "-r") return h.kernel_release + "\r\n";
    if (arg == "-n") return sh.host + "\r\n";
    if (arg == "-m") return h.machine + "\r\n";
    return "Linux\r\n";
}

// The prompt shows the working directory, `~` for home.
std::string prompt(const Shell& sh) {
    std::string where = sh.scope.cwd;
    const auto h = home(sh);
    if (where == h)
        where = "~";
    else if (where.starts_with(h + "/"))
        where = "~" + where.substr(h.size());
    return "root@" + sh.host + ":" + where + "# ";
}

// The shell's answer to one command line (already trimmed, non-empty).
std::string run(const std::string& cmd, Shell& sh) {
    const auto args = words(cmd);
    const std::string& verb = args[0];
    const std::string arg =
        cmd.size() > verb.size() ? std::string(trim(cmd.substr(verb.size()))) : "";
    if (cmd == "id") return "uid=0(root) gid=0(root) groups=0(root)\r\n";
    if (cmd == "whoami") return "root\r\n";
    if (cmd == "pwd") return sh.scope.cwd + "\r\n";
    if (cmd == "hostname") return sh.host + "\r\n";
    if (verb == "uname") return uname(sh, arg);
    if (verb == "ls" || verb == "ll" || verb == "la" || verb == "l") return ls(sh, verb, args);
    if (verb == "cat") return cat(sh, args);
    if (verb == "cd") return cd(sh, args);
    if (verb == "history") return cat(sh, {"cat", "~/.bash_history"});
    if (verb == "export" || verb == "clear" || verb == "unset") return "";
    return "-bash: " + verb + ": command not found\r\n";
}

awaitable<void> pause(Session& s, std::chrono::steady_clock::duration d) {
    boost::asio::steady_timer timer(s.executor(), d);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}

// /bin/login: true once root gives the persona password; false after kMaxLoginFailures or
// when the peer leaves.
awaitable<bool> login(Session& s, LineEditor& in, const std::string& host) {
    const std::string password = s.context().settings_as<TelnetSettings>().password;
    for (int failures = 0; failures < kMaxLoginFailures;) {
        if (!co_await s.write(host + " login: ")) co_return false;
        auto user = co_await in.read_line(true);
        if (!user) co_return false;
        if (trim(*user).empty()) continue;  // login re-prompts on an empty name
        if (!co_await s.write("Password: ")) co_return false;
        auto pass = co_await in.read_line(false);
        if (!pass) co_return false;
        const bool ok = trim(*user) == "root" && *pass == password;
        s.emit(s.event("auth", ok ? Severity::warning : Severity::info)
                   .credential(std::string(trim(*user)), *pass)
                   .add("status", ok ? "success" : "failed"));
        if (!co_await s.write("\r\n")) co_return false;
        if (ok) co_return true;
        ++failures;
        co_await pause(s, kFailureDelay);  // login's anti-brute-force delay
        if (!co_await s.write("Login incorrect\r\n")) co_return false;
    }
    co_return false;
}

awaitable<void> serve_telnet(Session& s) {
    s.emit(s.event("connect"));
    const auto* world = s.context().world;
    Shell sh{world, FsOverlay(world_fs(world)), {}, hostname_of(s)};
    sh.scope.cwd = home(sh);
    if (!sh.fs.is_dir(sh.scope.cwd)) sh.scope.cwd = "/";
    LineEditor in(s);
    bool ok = co_await s.write(kTerminalQuestions);
    if (ok) ok = co_await in.await_input();
    if (ok) ok = co_await s.write(std::string(kNegotiation) + crlf(banner(sh)));
    if (ok) ok = co_await login(s, in, sh.host);
    if (ok) ok = co_await s.write(crlf(motd(sh)) + prompt(sh));
    while (ok) {
        auto line = co_await in.read_line(true);
        if (!line) break;
        const std::string cmd(trim(*line));
        if (!cmd.empty()) s.emit(s.event("command").add("cmd", cmd));
        if (cmd == "exit" || cmd == "logout") {
            co_await s.write("logout\r\n");
            break;
        }
        // The command first: the prompt shows where `cd` went.
        std::string answer = cmd.empty() ? "" : run(cmd, sh);
        answer += prompt(sh);
        ok = co_await s.write(answer);  // no ternary inside co_await (GCC 12)
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"auth", "src_ip src_port username password status", "one /bin/login attempt"},
    {"command", "src_ip src_port cmd", "one shell command line"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& telnet_module() {
    static const ServiceModule module{
        .slug = "telnet", .configure = &configure, .serve = &serve_telnet, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
