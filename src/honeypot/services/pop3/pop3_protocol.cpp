// POP3's state machine (see pop3_protocol.hpp).
#include "honeypot/services/pop3/pop3_protocol.hpp"

#include <cstdio>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace decnet::honeypot::pop3 {
namespace {

constexpr int kMaxBadCommands = 10;  // Dovecot's CLIENT_MAX_BAD_COMMANDS
constexpr std::size_t kLogged = 256;

std::string ok(std::string_view text = {}) {
    return text.empty() ? "+OK\r\n" : "+OK " + std::string(text) + "\r\n";
}

std::optional<std::uint64_t> number(std::string_view s) {
    s = trim(s);
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    return std::stoull(std::string(s));
}

std::string uidl_of(const MailMessage& m) {
    char out[32];
    std::snprintf(out, sizeof out, "%08x%08x", 0x66103e4eu, m.uid);
    return out;
}

}  // namespace

std::string dot_stuff(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    bool line_start = true;
    for (const char c : text) {
        if (line_start && c == '.') out += '.';
        out += c;
        line_start = c == '\n';
    }
    if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
    return out;
}

std::string Machine::greeting() const {
    std::string text = config_.exchange ? "+OK The Microsoft Exchange POP3 service is ready."
                                        : "+OK Dovecot ready.";
    if (!config_.timestamp.empty()) text += " " + config_.timestamp;
    return text + "\r\n";
}

std::string Machine::capa() const {
    if (config_.exchange)
        return std::string("+OK\r\nTOP\r\nUIDL\r\nSASL NTLM GSSAPI PLAIN\r\nUSER\r\n") +
               (config_.stls ? "STLS\r\n" : "") + ".\r\n";
    std::string out =
        "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n";
    if (!authenticated_) {
        if (config_.stls) out += "STLS\r\n";
        out += "USER\r\nSASL PLAIN LOGIN\r\n";
    } else {
        out += "USER\r\n";
    }
    return out + ".\r\n";
}

std::string Machine::err(std::string_view text) {
    ++bad_commands_;
    return "-ERR " + std::string(text) + "\r\n";
}

Step Machine::handle(std::string_view line) {
    if (sasl_ != Sasl::none) return sasl_line(line);
    line = trim(line, " \t\r\n");
    const auto space = line.find(' ');
    const auto verb = ascii_upper(line.substr(0, std::min<std::size_t>(space, 32)));
    const auto arg = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    Step step = authenticated_ ? transaction(verb, arg) : authorization(verb, arg);
    step.command = verb;
    if (bad_commands_ >= kMaxBadCommands && !step.close) {
        step.reply += "-ERR Too many bad commands.\r\n";
        step.close = true;
    }
    return step;
}

Step Machine::authorization(const std::string& verb, std::string_view arg) {
    Step step;
    if (verb == "CAPA") {
        step.reply = capa();
    } else if (verb == "QUIT") {
        step.reply = config_.exchange ? ok("Microsoft Exchange Server POP3 server signing off.")
                                      : ok("Logging out");
        step.close = true;
    } else if (verb == "NOOP") {
        step.reply = ok();
    } else if (verb == "STLS") {
        if (!config_.stls) {
            step.reply = err("TLS is already active.");
        } else {
            step.reply = ok("Begin TLS negotiation now.");
            step.starttls = true;
        }
    } else if (verb == "USER") {
        if (arg.empty()) {
            step.reply = err("No username given.");
        } else {
            user_ = std::string(arg.substr(0, kLogged));
            have_user_ = true;
            step.reply = ok();
        }
    } else if (verb == "PASS") {
        if (!have_user_) {
            step.reply = err("No username given.");
        } else {
            step.login = Login{"USER", user_, std::string(arg.substr(0, kLogged))};
        }
    } else if (verb == "APOP" && !config_.timestamp.empty()) {
        const auto space = arg.find(' ');
        if (space == std::string_view::npos) {
            step.reply = err("Invalid parameters.");
        } else {
            // md5(timestamp + password): hashcat mode 20, md5($salt.$pass), as digest:salt.
            step.login = Login{
                "APOP", std::string(arg.substr(0, std::min<std::size_t>(space, kLogged))),
                std::string(trim(arg.substr(space + 1)).substr(0, 64)) + ":" + config_.timestamp,
                "apop"};
        }
    } else if (verb == "AUTH") {
        const auto space = arg.find(' ');
        const auto mechanism = ascii_upper(arg.substr(0, std::min<std::size_t>(space, 32)));
        const auto initial =
            space == std::string_view::npos ? std::string_view{} : trim(arg.substr(space + 1));
        if (mechanism.empty()) {
            step.reply = config_.exchange ? "+OK\r\nNTLM\r\nGSSAPI\r\nPLAIN\r\n.\r\n"
                                          : "+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n";
        } else if (mechanism == "PLAIN") {
            if (initial.empty()) {
                sasl_ = Sasl::plain;
                step.reply = "+ \r\n";
            } else {
                return sasl_line_plain(initial);
            }
        } else if (mechanism == "LOGIN" && !config_.exchange) {
            sasl_ = Sasl::login_user;
            step.reply = "+ VXNlcm5hbWU6\r\n";
        } else {
            step.reply = err("Unsupported authentication mechanism.");
        }
    } else {
        step.reply = config_.exchange ? err("Protocol error. 14") : err("Unknown command.");
    }
    return step;
}

Step Machine::sasl_line_plain(std::string_view blob) {
    Step step;
    const auto decoded = base64_decode(trim(blob));
    const auto first = decoded ? decoded->find('\0') : std::string::npos;
    const auto second =
        first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
    if (second == std::string::npos) {
        step.reply = err("[AUTH] Invalid base64 data in continued response");
        return step;
    }
    step.login = Login{
        "PLAIN", decoded->substr(first + 1, std::min<std::size_t>(second - first - 1, kLogged)),
        decoded->substr(second + 1, kLogged)};
    return step;
}

Step Machine::sasl_line(std::string_view line) {
    Step step;
    line = trim(line, " \t\r\n");
    const auto stage = sasl_;
    sasl_ = Sasl::none;
    if (line == "*") {
        step.reply = err("Authentication aborted by client.");
        return step;
    }
    if (stage == Sasl::plain) return sasl_line_plain(line);
    const auto decoded = base64_decode(line);
    if (!decoded) {
        step.reply = err("[AUTH] Invalid base64 data in continued response");
        return step;
    }
    if (stage == Sasl::login_user) {
        sasl_user_ = decoded->substr(0, kLogged);
        sasl_ = Sasl::login_password;
        step.reply = "+ UGFzc3dvcmQ6\r\n";
        return step;
    }
    step.login = Login{"LOGIN", sasl_user_, decoded->substr(0, kLogged)};
    return step;
}

std::string Machine::login_result(bool accepted, std::vector<MailMessage> mailbox) {
    have_user_ = false;
    if (!accepted)
        return config_.exchange ? err("Logon failure: unknown user name or bad password.")
                                : err("[AUTH] Authentication failed.");
    authenticated_ = true;
    mailbox_ = std::move(mailbox);
    deleted_.assign(mailbox_.size(), false);
    return config_.exchange ? ok("User successfully logged on.") : ok("Logged in.");
}

std::optional<std::uint32_t> Machine::message(std::string_view arg) const {
    const auto n = number(arg);
    if (!n || *n == 0 || *n > mailbox_.size() || deleted_[*n - 1]) return std::nullopt;
    return static_cast<std::uint32_t>(*n);
}

Step Machine::transaction(const std::string& verb, std::string_view arg) {
    Step step;
    auto no_such = [&](std::string_view a) {
        const auto n = number(a.substr(0, a.find(' ')));
        if (n && *n >= 1 && *n <= mailbox_.size() && deleted_[*n - 1])
            return err("Message is deleted.");
        return err("There's no message " + std::string(trim(a).substr(0, 32)) + ".");
    };
    std::size_t count = 0, octets = 0;
    for (std::size_t i = 0; i < mailbox_.size(); ++i)
        if (!deleted_[i]) {
            ++count;
            octets += mailbox_[i].raw.size();
        }
    if (verb == "CAPA") {
        step.reply = capa();
    } else if (verb == "NOOP") {
        step.reply = ok();
    } else if (verb == "STAT") {
        step.reply = ok(std::to_string(count) + " " + std::to_string(octets));
    } else if (verb == "LIST" || verb == "UIDL") {
        const bool uidl = verb == "UIDL";
        if (!trim(arg).empty()) {
            const auto n = message(arg);
            if (!n) {
                step.reply = no_such(arg);
            } else {
                const auto& m = mailbox_[*n - 1];
                step.reply = ok(std::to_string(*n) + " " +
                                (uidl ? uidl_of(m) : std::to_string(m.raw.size())));
            }
        } else {
            step.reply = uidl ? ok() : ok(std::to_string(count) + " messages:");
            for (std::size_t i = 0; i < mailbox_.size(); ++i)
                if (!deleted_[i])
                    step.reply +=
                        std::to_string(i + 1) + " " +
                        (uidl ? uidl_of(mailbox_[i]) : std::to_string(mailbox_[i].raw.size())) +
                        "\r\n";
            step.reply += ".\r\n";
        }
    } else if (verb == "RETR") {
        const auto n = message(arg);
        if (!n) {
            step.reply = no_such(arg);
        } else {
            const auto& m = mailbox_[*n - 1];
            step.reply = ok(std::to_string(m.raw.size()) + " octets") + dot_stuff(m.raw) + ".\r\n";
            step.retrieved = *n;
        }
    } else if (verb == "TOP") {
        const auto space = trim(arg).find(' ');
        const auto n =
            space == std::string_view::npos ? std::nullopt : message(trim(arg).substr(0, space));
        const auto lines =
            space == std::string_view::npos ? std::nullopt : number(trim(arg).substr(space + 1));
        if (!n || !lines) {
            step.reply = space == std::string_view::npos || !lines ? err("Invalid parameters.")
                                                                   : no_such(arg);
        } else {
            const auto& raw = mailbox_[*n - 1].raw;
            const auto end = raw.find("\r\n\r\n");
            std::string text = raw.substr(0, end == std::string::npos ? raw.size() : end + 4);
            std::size_t at = end == std::string::npos ? raw.size() : end + 4;
            for (std::uint64_t k = 0; k < *lines && at < raw.size(); ++k) {
                const auto nl = raw.find("\r\n", at);
                const auto stop = nl == std::string::npos ? raw.size() : nl + 2;
                text += raw.substr(at, stop - at);
                at = stop;
            }
            step.reply = ok() + dot_stuff(text) + ".\r\n";
            step.retrieved = *n;
        }
    } else if (verb == "DELE") {
        const auto n = message(arg);
        if (!n) {
            step.reply = no_such(arg);
        } else {
            deleted_[*n - 1] = true;
            step.deleted = *n;
            step.reply = ok("Marked to be deleted.");
        }
    } else if (verb == "RSET") {
        deleted_.assign(mailbox_.size(), false);
        step.reply = ok();
    } else if (verb == "QUIT") {
        bool any = false;
        for (const bool d : deleted_) any = any || d;
        step.reply = any ? ok("Logging out, messages deleted.") : ok("Logging out.");
        step.close = true;
    } else if (verb == "USER" || verb == "PASS" || verb == "APOP" || verb == "AUTH" ||
               verb == "STLS") {
        step.reply = err("Unknown command: " + verb);
    } else {
        step.reply = config_.exchange ? err("Protocol error. 14")
                                      : err("Unknown command: " + verb.substr(0, 32));
    }
    return step;
}

}  // namespace decnet::honeypot::pop3
