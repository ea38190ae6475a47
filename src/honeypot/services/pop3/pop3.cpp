// pop3: the persona's POP3 server (services.md §2.13) — Dovecot, or Exchange on a Windows
// decky — on 110 (STLS) and 995 (implicit TLS). USER/PASS, APOP (when the persona offers
// it: captured as md5(timestamp.password)) and AUTH PLAIN/LOGIN are captured; an accepted
// login finds the bait mailbox (world/mail_bait). The dialogue is pop3_protocol's machine.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <ctime>
#include <memory>
#include <string>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/pop3/pop3_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/sasl_ntlm.hpp"
#include "honeypot/services/tls_persona.hpp"
#include "honeypot/services/windows_decky.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/mail_bait.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

struct Pop3Settings : ServiceSettings {
    bool exchange = false;
    bool apop = false;
    std::shared_ptr<LoginPolicy> policy;
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto set = std::make_shared<Pop3Settings>();
    static constexpr std::string_view kProducts[] = {"", "dovecot", "exchange"};
    const auto product = persona.choice("product", kProducts);
    set->exchange = product == "exchange" || (product.empty() && is_windows_decky(persona.decky()));
    set->apop = persona.boolean("apop");
    set->policy = read_login_policy(persona);
    check_tls_persona(persona);
    return set;
}

std::vector<MailMessage> mailbox_of(const Session& s, const std::string& user) {
    const auto* world = s.context().world;
    const auto facts = world ? mail_facts(*world, std::time(nullptr))
                             : MailFacts{s.context().hostname, "example.com", "portal", "", {}, 1,
                                         std::time(nullptr)};
    return make_mailbox(facts, user.empty() ? "user" : user);
}

// AUTH NTLM (MS-OXPOP3): base64 NTLMSSP on continuation lines; the NetNTLM response is the
// captured credential. False: the session is over.
awaitable<bool> auth_ntlm(Session& s, const Pop3Settings& set, pop3::Machine& machine,
                          std::string token) {
    SaslNtlm ntlm(s.context().world, s.context().hostname, true);
    if (token.empty()) {
        if (!co_await s.write("+ \r\n")) co_return false;
        auto line = co_await s.read_line();
        if (!line) co_return false;
        token = *line;
    }
    for (int legs = 0;; ++legs) {
        if (trim(token) == "*") {
            const bool sent = co_await s.write("-ERR Authentication aborted by client.\r\n");
            co_return sent;
        }
        const auto step = ntlm.next(token);
        if (step.kind == SaslNtlm::Step::Kind::done) break;
        if (step.kind == SaslNtlm::Step::Kind::bad || legs > 0)
            co_return co_await s.write(
                "-ERR Logon failure: unknown user name or bad password.\r\n");
        const std::string prompt = "+ " + step.challenge + "\r\n";
        const bool sent = co_await s.write(prompt);
        if (!sent) co_return false;
        auto line = co_await s.read_line();
        if (!line) co_return false;
        token = *line;
    }
    const bool accepted = ntlm.decide(*set.policy, s.peer_ip());
    auto event = s.event("auth", accepted ? Severity::info : Severity::warning);
    ntlm.add_fields(event);
    event.add("mechanism", "NTLM")
        .add("tls", s.tls_active())
        .add("status", accepted ? "success" : "failed");
    s.emit(std::move(event));
    std::vector<MailMessage> mailbox;
    if (accepted) mailbox = mailbox_of(s, ntlm.logon() ? ntlm.logon()->user : "");
    const auto reply = machine.login_result(accepted, std::move(mailbox));
    co_return co_await s.write(reply);
}

awaitable<void> serve_pop3(Session& s) {
    const auto& set = s.context().settings_as<Pop3Settings>();
    pop3::Config config;
    config.exchange = set.exchange;
    config.stls = !s.tls_active() && s.context().persona_value("port") != "995";
    if (set.apop) {
        std::uint32_t r = 0;
        RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
        config.timestamp = "<" + std::to_string(r % 100000) + "." +
                           std::to_string(std::time(nullptr)) + "@" + s.context().hostname + ">";
    }
    pop3::Machine machine(config);
    s.emit(s.event("connect"));
    const auto greeting = machine.greeting();
    bool ok = co_await s.write(greeting);
    while (ok) {
        auto line = co_await s.read_line();
        if (!line) break;
        const std::string state(machine.state());
        if (set.exchange && !machine.authenticated() && istarts_with(trim(*line), "AUTH NTLM")) {
            s.emit(s.event("command").add("cmd", "AUTH").add("state", state));
            ok = co_await auth_ntlm(s, set, machine, std::string(trim(trim(*line).substr(9))));
            continue;
        }
        auto step = machine.handle(*line);
        if (!step.command.empty())
            s.emit(s.event("command").add("cmd", step.command).add("state", state));
        if (step.login) {
            const auto& login = *step.login;
            const bool accepted = set.policy->accepts(s.peer_ip(), login.user, login.password);
            s.emit(s.event("auth", accepted ? Severity::info : Severity::warning)
                       .credential(login.user, login.password)
                       .add("credential_type", login.credential_type)
                       .add("mechanism", login.mechanism)
                       .add("tls", s.tls_active())
                       .add("status", accepted ? "success" : "failed"));
            std::vector<MailMessage> mailbox;
            if (accepted) mailbox = mailbox_of(s, login.user);
            step.reply = machine.login_result(accepted, std::move(mailbox));
        }
        if (step.retrieved) s.emit(s.event("retr").add("message_num", step.retrieved));
        if (step.deleted) s.emit(s.event("delete").add("message_num", step.deleted));
        ok = co_await s.write(step.reply);
        if (ok && step.starttls) {
            const bool started = co_await s.start_tls();
            auto event = s.event("starttls", started ? Severity::info : Severity::warning);
            event.add("status", started ? "success" : "failed")
                .add("discarded", s.discarded_before_tls());
            s.emit(std::move(event));
            machine.tls_started();
            ok = started;
        }
        if (step.close) break;
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"command", "src_ip src_port cmd state", "every command (arguments are not logged)"},
    {"auth",
     "src_ip src_port username password credential_type? hashcat_mode? domain? workstation? "
     "logon_type? client_version? mechanism tls status",
     "USER/PASS, AUTH PLAIN/LOGIN (cleartext) or APOP (apop: <md5 hex>:<timestamp>, hashcat "
     "20 md5($salt.$pass)) or AUTH NTLM on Exchange (the NetNTLM hashcat 5600/5500 line)"},
    {"starttls", "src_ip src_port status discarded", "STLS on 110"},
    {"retr", "src_ip src_port message_num", "RETR or TOP of a bait message"},
    {"delete", "src_ip src_port message_num", "DELE (this session only)"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& pop3_module() {
    static const ServiceModule module{
        .slug = "pop3", .configure = &configure, .serve = &serve_pop3, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
