// POP3 (RFC 1939, 2449, 5034) as a pure state machine, apart from the I/O so it is tested
// and fuzzed alone: one client line in, the persona server's (Dovecot's or Exchange's) reply
// out, and what happened (a credential to decide on, a message read or deleted). The
// caller owns the login decision and the mailbox.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/world/mail_bait.hpp"

namespace decnet::honeypot::pop3 {

struct Config {
    bool exchange = false;
    bool stls = true;       // STLS offered (plain port, TLS not yet on)
    std::string timestamp;  // APOP's "<pid.time@host>"; empty: no APOP
};

// A credential the caller decides on (then calls Machine::login_result).
struct Login {
    std::string mechanism;  // USER, APOP, PLAIN, LOGIN
    std::string user, password;
    std::string credential_type = "cleartext";  // apop: password is "<digest>:<timestamp>"
};

struct Step {
    std::string reply;      // bytes to send (CRLF included); empty while a login is pending
    std::string command;    // the command name (for the `command` event); "" for SASL lines
    bool close = false;     // after the reply
    bool starttls = false;  // after the reply, start TLS
    std::optional<Login> login;
    std::uint32_t retrieved = 0;  // RETR/TOP of this message number
    std::uint32_t deleted = 0;    // DELE of this message number
};

class Machine {
  public:
    explicit Machine(Config config) : config_(std::move(config)) {}

    std::string greeting() const;
    Step handle(std::string_view line);
    // The decision on step.login: the reply to send; `mailbox` is what the user sees.
    std::string login_result(bool accepted, std::vector<MailMessage> mailbox);
    // STLS done: STLS is no longer offered.
    void tls_started() { config_.stls = false; }
    bool authenticated() const { return authenticated_; }
    std::string_view state() const { return authenticated_ ? "TRANSACTION" : "AUTHORIZATION"; }

  private:
    Step authorization(const std::string& verb, std::string_view arg);
    Step transaction(const std::string& verb, std::string_view arg);
    Step sasl_line(std::string_view line);
    Step sasl_line_plain(std::string_view blob);
    std::string capa() const;
    std::string err(std::string_view text);
    // A message number that exists and is not deleted (1-based), or nullopt.
    std::optional<std::uint32_t> message(std::string_view arg) const;

    Config config_;
    bool authenticated_ = false;
    std::string user_;
    bool have_user_ = false;
    enum class Sasl { none, plain, login_user, login_password } sasl_ = Sasl::none;
    std::string sasl_user_;
    std::vector<MailMessage> mailbox_;
    std::vector<bool> deleted_;
    int bad_commands_ = 0;
};

// Dot-stuffing of a message body for RETR/TOP (lines starting with "." get another).
std::string dot_stuff(std::string_view text);

}  // namespace decnet::honeypot::pop3
