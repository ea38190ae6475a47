// The mailbox a decky's IMAP and POP3 servers show after a login: a handful of messages a
// person on that host would have (a password reset with a temporary password, an invoice
// with its PDF, a VPN notice from IT, a colleague's note naming the app's database
// password), written with the decky's people, hostname and domain. Derived from the
// decky's seed: the same after a restart, different between deckies. Pure data, so the
// protocol engines are tested and fuzzed without a world.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace decnet::honeypot {

struct DeckyWorld;

struct MailFacts {
    std::string hostname;
    std::string domain;  // of every address (example.com when the decky has none)
    std::string app;     // the business app (its database password is bait elsewhere too)
    std::string app_password;
    // The decky's people: login name and full name ("jsmith", "John Smith").
    std::vector<std::pair<std::string, std::string>> people;
    std::uint64_t seed = 1;
    std::int64_t now = 0;  // epoch seconds; messages are dated in the weeks before
};

MailFacts mail_facts(const DeckyWorld& world, std::int64_t now);

struct MailMessage {
    std::uint32_t uid = 0;
    bool seen = false;
    bool flagged = false;
    std::int64_t date = 0;  // epoch seconds (INTERNALDATE)
    std::string from, to, subject, message_id;
    std::string raw;  // RFC 5322 with CRLF line ends, as RETR and BODY[] send it
};

// The mailbox of `user` (the same messages for everyone, addressed to them), oldest first.
std::vector<MailMessage> make_mailbox(const MailFacts& facts, const std::string& user);

// "Tue, 03 Dec 2026 09:14:02 +0000" (RFC 5322 date) and "03-Dec-2026 09:14:02 +0000"
// (IMAP date-time).
std::string rfc5322_date(std::int64_t epoch);
std::string imap_date(std::int64_t epoch);

}  // namespace decnet::honeypot
