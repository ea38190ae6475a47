// The SMTP dialogue smtp and smtp_relay share (services.md §2.10, §2.11): the persona MTA
// (Postfix, Exim or Exchange) with its banner, EHLO capabilities and reply texts; STARTTLS
// on 25/587 and implicit TLS on 465; AUTH PLAIN, LOGIN and CRAM-MD5 captured; VRFY/EXPN
// enumeration logged; mail for the decky's own users accepted and kept (the message and its
// attachments as artifacts). smtp refuses to relay like a closed Postfix; smtp_relay looks
// like an open relay, accepts and keeps every message and delivers none.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

class LoginPolicy;
class Session;

enum class MtaProduct { postfix, exim, exchange };

struct SmtpSettings : ServiceSettings {
    bool relay = false;  // smtp_relay: every recipient accepted
    MtaProduct product = MtaProduct::postfix;
    std::string banner;                   // the whole 220 line; "{date}" replaced per connection
    std::string host;                     // the name in replies (persona `mta`)
    std::vector<std::string> mechanisms;  // AUTH mechanisms offered, upper-case
    std::uint64_t size_limit = 10240000;  // message_size_limit
    std::shared_ptr<LoginPolicy> policy;  // who AUTH lets in
};

// `relay`: smtp_relay's defaults (accept any login, every recipient).
std::shared_ptr<const ServiceSettings> configure_smtp(const PersonaReader& persona, bool relay);
boost::asio::awaitable<void> serve_smtp(Session& s);
SessionLimits smtp_limits(SessionLimits runtime);
std::span<const EventDecl> smtp_events();

}  // namespace decnet::honeypot
