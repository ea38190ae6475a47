// llmnr: LLMNR (5355/udp) and mDNS (5353/udp) name queries (services.md §2.15, fixed): every
// query is logged (who asks for what name); a query for one of the decky's own names (its
// hostname, hostname.<domain>, hostname.local on mDNS) is answered with the decky's address,
// unicast to the asker, as a real responder does. Queries for names the decky does not have
// are flagged `suspect` (poisoning tools such as Responder, and the tools that hunt them,
// announce themselves by asking for names nobody has). Nothing is ever sent multicast: the
// runtime owns no interface here, so every answer goes back to the sender only.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/world/decky_world.hpp"
#include "wire/dns.hpp"

namespace decnet::honeypot {
namespace {

namespace dns = wire::dns;

constexpr std::uint16_t kMdnsPort = 5353;
// Answer TTLs: LLMNR's default (RFC 4795 §2.8), mDNS legacy unicast's cap (RFC 6762 §6.7).
constexpr std::uint32_t kLlmnrTtl = 30, kMdnsTtl = 10;

// Whether `name` is one of the decky's own names.
bool own_name(const DeckyWorld& world, std::string_view name, bool mdns) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    const std::string host = ascii_lower(world.hostname.substr(0, world.hostname.find('.')));
    const std::string asked = ascii_lower(name);
    if (asked == host || asked == ascii_lower(world.fqdn())) return true;
    return mdns && asked == host + ".local";
}

void serve_llmnr(DatagramExchange& x) {
    const bool mdns = x.local_port() == kMdnsPort;
    const std::string_view proto = mdns ? "mDNS" : "LLMNR";
    const auto parsed = dns::parse(x.payload());
    if (!parsed.message) {
        x.emit(x.event("raw_packet", Severity::notice)
                   .add("proto", proto)
                   .add("error", parsed.error)
                   .add("data", hex_prefix(x.payload(), 64)));
        return;
    }
    const auto& m = *parsed.message;
    // Responses (another responder's answers, mDNS announcements) and non-queries: not ours.
    if (m.response() || m.opcode() != 0 || m.questions.empty()) return;
    const auto* world = x.context().world;
    std::vector<dns::Answer> answers;
    bool any_own = false;
    for (const auto& q : m.questions) {
        const bool own = world && own_name(*world, q.name, mdns);
        any_own = any_own || own;
        bool answered = false;
        if (own && (q.type == dns::kTypeA || q.type == dns::kTypeAny)) {
            in_addr address{};
            if (inet_pton(AF_INET, world->ip.c_str(), &address) == 1) {
                answers.push_back({q.name, dns::kTypeA, mdns ? kMdnsTtl : kLlmnrTtl,
                                   std::string(reinterpret_cast<const char*>(&address), 4)});
                answered = true;
            }
        }
        x.emit(x.event("query", own ? Severity::info : Severity::notice)
                   .add("proto", proto)
                   .add("name", q.name.substr(0, 255))
                   .add("qtype", dns::type_name(q.type))
                   .add("answered", Event::python_bool(answered))
                   .add("suspect", Event::python_bool(!own)));
    }
    // A responder answers only for its own names (with no record of that type: an empty
    // answer, so the asker stops waiting); others are left to their owners.
    if (!any_own) return;
    // LLMNR: the C bit clear, authoritative by definition; mDNS: AA.
    const std::uint16_t flags = mdns ? 0x0400 : 0x0000;
    auto reply = dns::encode_response(m, flags, answers);
    if (reply.size() <= 8 * x.payload().size()) x.reply(std::move(reply));
}

constexpr EventDecl kEvents[] = {
    {"query", "src_ip src_port proto name qtype answered suspect",
     "a name query (proto LLMNR or mDNS); suspect: the name is not the decky's (a poisoning "
     "tool, or a probe hunting one)"},
    {"raw_packet", "src_ip src_port proto error data",
     "a datagram that is not a DNS message (too short, a compression loop, …)"},
};

}  // namespace

const ServiceModule& llmnr_module() {
    static const ServiceModule module{.slug = "llmnr", .datagram = &serve_llmnr, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
