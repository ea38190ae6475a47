// telnet: an Ubuntu host's telnetd (netkit) login and a canned root shell (services.md §2.2).
// Owns the option negotiation, the IAC-stripping line editor and the fake shell; unlike the
// reference it logs the attacker's address, every password tried and every command (§1.6).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"

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

std::string motd() {
    return "Welcome to Ubuntu 20.04.6 LTS (GNU/Linux 5.4.0-150-generic x86_64)\r\n\r\n"
           " * Documentation:  https://help.ubuntu.com\r\n"
           " * Management:     https://landscape.canonical.com\r\n"
           " * Support:        https://ubuntu.com/advantage\r\n\r\n"
           "Last login: Mon Nov 18 09:12:44 2024 from 10.0.0.12\r\n";
}

// The lived-in home directory: a backup script with an inline password, its dump, and the
// .env an attacker looks for first.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kFiles = {{
    {"/root/.env", "DB_HOST=10.0.0.5\nDB_USER=admin\nDB_PASS=changeme123\nDB_NAME=prod_db\n"},
    {"/root/scripts/backup.sh",
     "#!/bin/bash\n# nightly dump, see cron\nmysqldump -u root -padmin prod_db > "
     "/root/backups/db.sql\n"},
    {"/root/.bash_history",
     "apt update\nls -la\ncd scripts\nvim backup.sh\nmysql -u root -p\nsystemctl status "
     "mysql\nbash backup.sh\nls /root/backups\ndf -h\ncat /root/.env\n"},
    {"/root/backups/db.sql", "-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n"},
}};

std::optional<std::string_view> file_at(std::string path) {
    if (path.starts_with("~/")) path = "/root/" + path.substr(2);
    if (!path.starts_with('/')) path = "/root/" + path;
    for (const auto& [name, body] : kFiles)
        if (name == path) return body;
    return std::nullopt;
}

std::string crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The shell's answer to one command line (already trimmed, non-empty).
std::string run(const std::string& cmd, const std::string& host) {
    const std::string verb = cmd.substr(0, cmd.find(' '));
    const std::string arg = cmd.size() > verb.size() ? trim(cmd.substr(verb.size())) : "";
    if (cmd == "id") return "uid=0(root) gid=0(root) groups=0(root)\r\n";
    if (cmd == "whoami") return "root\r\n";
    if (cmd == "pwd") return "/root\r\n";
    if (cmd == "hostname") return host + "\r\n";
    if (verb == "uname")
        return arg == "-a" ? "Linux " + host +
                                 " 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 "
                                 "x86_64 x86_64 x86_64 GNU/Linux\r\n"
                           : "Linux\r\n";
    if (verb == "ls" || verb == "ll" || verb == "la" || verb == "l") {
        if (arg.find('a') != std::string::npos || verb != "ls")
            return "total 32\r\n"
                   "drwx------ 5 root root 4096 Nov 18 09:12 .\r\n"
                   "drwxr-xr-x 19 root root 4096 Mar  2  2024 ..\r\n"
                   "-rw------- 1 root root  214 Nov 18 09:13 .bash_history\r\n"
                   "-rw-r--r-- 1 root root 3106 Dec  5  2019 .bashrc\r\n"
                   "-rw------- 1 root root   68 Apr 11  2024 .env\r\n"
                   "drwxr-xr-x 2 root root 4096 Nov 17 02:00 backups\r\n"
                   "drwxr-xr-x 2 root root 4096 Apr 11  2024 scripts\r\n";
        if (arg == "scripts" || arg == "/root/scripts") return "backup.sh\r\n";
        if (arg == "backups" || arg == "/root/backups") return "db.sql\r\n";
        return "backups  scripts\r\n";
    }
    if (verb == "cat") {
        if (const auto body = file_at(arg)) return crlf(*body);
        return "cat: " + arg + ": No such file or directory\r\n";
    }
    if (verb == "history") return crlf(*file_at("/root/.bash_history"));
    if (verb == "cd" || verb == "export" || verb == "clear" || verb == "unset") return "";
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
                   .credential(trim(*user), *pass)
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
    const std::string host = hostname_of(s);
    LineEditor in(s);
    const std::string prompt = "root@" + host + ":~# ";
    bool ok = co_await s.write(kTerminalQuestions);
    if (ok) ok = co_await in.await_input();
    if (ok) ok = co_await s.write(std::string(kNegotiation) + "Ubuntu 20.04.6 LTS\r\n");
    if (ok) ok = co_await login(s, in, host);
    if (ok) ok = co_await s.write(motd() + prompt);
    while (ok) {
        auto line = co_await in.read_line(true);
        if (!line) break;
        const std::string cmd = trim(*line);
        if (!cmd.empty()) s.emit(s.event("command").add("cmd", cmd));
        if (cmd == "exit" || cmd == "logout") {
            co_await s.write("logout\r\n");
            break;
        }
        const std::string answer = cmd.empty() ? prompt : run(cmd, host) + prompt;
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
