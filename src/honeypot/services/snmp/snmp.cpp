// snmp: an SNMPv1/v2c agent answering the MIB-II system group (services.md §2.23). Any
// community is accepted for reading and captured (community strings are credentials).
// Fixes the reference's defects: values carry their real types (sysObjectID an OID,
// sysUpTime TimeTicks that advance, sysServices INTEGER), GetNext returns the *next* OID
// so snmpwalk works, GetBulk (v2c) is answered, unknown OIDs get noSuchObject (v2c) or
// noSuchName (v1), Set is refused as on a read-only community, and sysName/sysDescr use
// the decky's hostname, not its name. A net-snmp persona also answers SNMPv3 with the USM
// reports of an snmpd without v3 users (answer_v3).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "honeypot/datagram.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/snmp/snmp_codec.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/host_profile.hpp"
#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot {
namespace {

using snmp::Oid;
using snmp::Value;
using snmp::Varbind;

// v1/v2c error-status values used here (RFC 3416).
constexpr std::int64_t kNoSuchName = 2;
constexpr std::int64_t kNoAccess = 6;
// GetBulk repetitions answered at most.
constexpr std::int64_t kMaxRepetitions = 8;
// A GetBulk answer is cut (RFC 3416 §4.2.3 lets an agent return fewer varbinds) to at most
// this many times the request's size: under the UDP listener's amplification bound (10×),
// which would otherwise drop the whole answer.
constexpr std::size_t kBulkReplyFactor = 8;

struct Archetype {
    std::string_view name, descr, contact, location;  // "{host}" → the decky's hostname
    bool net_snmp = true;  // net-snmp's snmpd (it speaks SNMPv3); else an embedded agent
};

constexpr std::array<Archetype, 5> kArchetypes = {{
    {"default",
     "Linux {host} 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64",
     "admin@localhost", "Server Room"},
    {"water_plant", "Linux {host} 4.19.0-18-amd64 #1 SMP Debian 4.19.208-1 (2021-09-29) x86_64",
     "ICS Admin <ics-admin@plant.local>", "Water Treatment Facility \xe2\x80\x94 Pump Room B"},
    {"factory", "VxWorks 6.9 (Rockwell Automation Allen-Bradley ControlLogix 5580)",
     "Factory Floor Support <support@factory.local>", "Factory Floor", false},
    {"substation", "SEL Real-Time Automation Controller RTAC SEL-3555 firmware 1.9.7.0",
     "Grid Ops <gridops@utility.local>", "Main Substation", false},
    {"hospital", "Linux {host} 5.10.0-21-amd64 #1 SMP Debian 5.10.162-1 x86_64",
     "Medical IT <medit@hospital.local>", "ICU Ward 3"},
}};

// USM statistics that a report carries, counted per decky since it started (as snmpd's).
struct UsmCounters {
    std::atomic<std::uint32_t> unknown_engine_ids{0}, unknown_user_names{0};
};

// The persona: which device the agent describes.
struct SnmpSettings : ServiceSettings {
    const Archetype* archetype = &kArchetypes[0];
    std::shared_ptr<UsmCounters> usm = std::make_shared<UsmCounters>();
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    std::array<std::string_view, kArchetypes.size()> names{};
    for (std::size_t i = 0; i < kArchetypes.size(); ++i) names[i] = kArchetypes[i].name;
    const auto chosen = persona.choice("archetype", names);
    auto settings = std::make_shared<SnmpSettings>();
    for (const auto& a : kArchetypes)
        if (a.name == chosen) settings->archetype = &a;
    return settings;
}

std::string with_host(std::string_view text, const std::string& host) {
    std::string out(text);
    if (const auto pos = out.find("{host}"); pos != std::string::npos) out.replace(pos, 6, host);
    return out;
}

Oid system_oid(std::uint32_t leaf) {
    return {1, 3, 6, 1, 2, 1, 1, leaf, 0};
}

// Hundredths of a second the "device" has been up: a per-decky boot offset plus this
// process's run time, so consecutive polls advance like a real agent's.
std::int64_t uptime_ticks(const std::string& decky) {
    static const auto started = std::chrono::steady_clock::now();
    const auto running = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count() /
                         10;
    const auto offset = static_cast<std::int64_t>(std::hash<std::string>{}(decky) % 250'000'000);
    return 12'345'678 + offset + running;
}

// The agent's MIB, sorted by OID (GetNext walks it in order). On a PLC decky (conpot) the
// system group describes the controller, as its communication processor's agent does.
std::vector<Varbind> mib(const DatagramExchange& x) {
    const auto& a = *x.context().settings_as<SnmpSettings>().archetype;
    const std::string& host = x.context().hostname;
    const auto* plc = x.context().world ? x.context().world->plc.get() : nullptr;
    const auto text = [](std::string s) { return Value{Value::Kind::octets, std::move(s), 0, {}}; };
    const auto number = [](Value::Kind k, std::int64_t n) { return Value{k, {}, n, {}}; };
    Oid object_id = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
    if (plc) object_id.assign(plc->snmp_object_id.begin(), plc->snmp_object_id.end());
    return {
        {system_oid(1), text(plc ? plc->snmp_descr : with_host(a.descr, host))},
        {system_oid(2), Value{Value::Kind::oid, {}, 0, std::move(object_id)}},
        {system_oid(3), number(Value::Kind::timeticks, uptime_ticks(x.context().decky))},
        {system_oid(4), text(plc ? plc->contact : std::string(a.contact))},
        {system_oid(5), text(host)},
        {system_oid(6), text(plc ? plc->location : std::string(a.location))},
        {system_oid(7), number(Value::Kind::integer, 72)},
        {system_oid(8), number(Value::Kind::timeticks, 0)},  // sysORLastChange
        // ifNumber: something after the system group, so a walk of `system` ends by leaving
        // the subtree as on a real agent, not with a tell-tale endOfMibView.
        {{1, 3, 6, 1, 2, 1, 2, 1, 0}, number(Value::Kind::integer, 2)},
    };
}

const Varbind* find_exact(const std::vector<Varbind>& table, const Oid& oid) {
    for (const auto& vb : table)
        if (vb.oid == oid) return &vb;
    return nullptr;
}

const Varbind* find_next(const std::vector<Varbind>& table, const Oid& oid) {
    for (const auto& vb : table)
        if (std::lexicographical_compare(oid.begin(), oid.end(), vb.oid.begin(), vb.oid.end()))
            return &vb;
    return nullptr;
}

// JSON list, as every list-valued field in decnet (docs/EVENTS.md).
std::string oids_text(const std::vector<Oid>& oids) {
    std::vector<std::string> text;
    for (const auto& o : oids) text.push_back(snmp::oid_to_string(o));
    return json_list(text);
}

std::string_view pdu_name(snmp::PduType t) {
    switch (t) {
        case snmp::PduType::get:
            return "get";
        case snmp::PduType::get_next:
            return "getnext";
        case snmp::PduType::get_bulk:
            return "getbulk";
        case snmp::PduType::set:
            return "set";
        default:
            return "other";
    }
}

// The first `max` bytes of `data` in hex (events' to_hex).
// Get/GetNext/GetBulk answers; v1 reports a missing OID as noSuchName on the whole PDU.
void answer_read(DatagramExchange& x, const snmp::Request& req) {
    const auto table = mib(x);
    const bool v1 = req.version == 0;
    std::vector<Varbind> out;
    const auto missing = [&](const Oid& oid, Value::Kind kind) {
        out.push_back({oid, Value{kind, {}, 0, {}}});
    };
    std::int64_t error_index = 0;
    auto one = [&](const Oid& oid, bool next, std::size_t index) {
        const Varbind* found = next ? find_next(table, oid) : find_exact(table, oid);
        if (found) {
            out.push_back(*found);
        } else {
            if (v1 && !error_index) error_index = static_cast<std::int64_t>(index + 1);
            missing(oid, next ? Value::Kind::end_of_mib_view : Value::Kind::no_such_object);
        }
        return found;
    };
    if (req.pdu == snmp::PduType::get_bulk) {
        const auto non_rep = std::clamp<std::int64_t>(req.non_repeaters, 0,
                                                      static_cast<std::int64_t>(req.oids.size()));
        const auto reps = std::clamp<std::int64_t>(req.max_repetitions, 0, kMaxRepetitions);
        for (std::int64_t i = 0; i < non_rep; ++i)
            one(req.oids[static_cast<std::size_t>(i)], true, 0);
        std::vector<Oid> cursor(req.oids.begin() + non_rep, req.oids.end());
        for (std::int64_t r = 0; r < reps && !cursor.empty(); ++r) {
            bool any = false;
            for (auto& c : cursor) {
                const auto* found = one(c, true, 0);
                if (found) {
                    c = found->oid;
                    any = true;
                }
            }
            if (!any) break;
        }
    } else {
        for (std::size_t i = 0; i < req.oids.size(); ++i)
            one(req.oids[i], req.pdu == snmp::PduType::get_next, i);
    }
    if (v1 && error_index) {
        // v1 has no exception values: echo the request's varbinds with the error.
        out.clear();
        for (const auto& oid : req.oids)
            out.push_back({oid, Value{Value::Kind::octets, {}, 0, {}}});
        x.reply(snmp::encode_response(req, kNoSuchName, error_index, out));
        return;
    }
    auto reply = snmp::encode_response(req, 0, 0, out);
    if (req.pdu == snmp::PduType::get_bulk)
        while (out.size() > 1 && reply.size() > kBulkReplyFactor * x.payload().size()) {
            out.pop_back();
            reply = snmp::encode_response(req, 0, 0, out);
        }
    x.reply(std::move(reply));
}

// Whether the agent is net-snmp's snmpd (the Linux archetypes; not a PLC's or an embedded
// controller's agent, which speak v1/v2c only).
bool net_snmp(const DatagramExchange& x) {
    const bool plc = x.context().world && x.context().world->plc;
    return !plc && x.context().settings_as<SnmpSettings>().archetype->net_snmp;
}

// SNMPv3 on an agent without v3 users (Debian's default snmpd.conf): engine discovery gets
// the engine's ID, boots and time in a usmStatsUnknownEngineIDs report, and a request to
// this engine usmStatsUnknownUserNames, whatever the user — what nmap names "net-snmp
// SNMPv3 server" and snmpget reports as "Unknown user name". The engine ID is net-snmp's
// random form (enterprise 8072, format 0x80, 8 bytes, 4 zero bytes), stable per decky; its
// time is the agent's uptime (sysUpTime's), its boots a few restarts.
void answer_v3(DatagramExchange& x, const snmp::V3Message& m) {
    const std::uint64_t seed =
        x.context().world ? x.context().world->host.seed : stable_hash(x.context().decky);
    std::string engine("\x80\x00\x1f\x88\x80", 5);  // not a C string: it holds a NUL
    for (int i = 0; i < 8; ++i) engine += static_cast<char>((seed >> (8 * i)) & 0xff);
    engine += std::string(4, '\0');
    const auto boots = static_cast<std::int64_t>(1 + (seed >> 40) % 9);
    const auto time = uptime_ticks(x.context().decky) / 100;
    const bool ours = m.engine_id == engine;
    x.emit(x.event("v3_request")
               .add("user", m.user)
               .add("engine_id", hex_prefix(m.engine_id, snmp::kMaxEngineId))
               .add("answer", ours ? "unknown_user_name" : "unknown_engine_id"));
    if ((m.flags & 0x04) == 0) return;  // not reportable: nothing goes back
    auto& usm = *x.context().settings_as<SnmpSettings>().usm;
    const auto report =
        ours ? snmp::UsmReport::unknown_user_name : snmp::UsmReport::unknown_engine_id;
    const auto counter = ours ? ++usm.unknown_user_names : ++usm.unknown_engine_ids;
    x.reply(snmp::encode_v3_report(m, engine, boots, time, report, counter));
}

void serve_snmp(DatagramExchange& x) {
    if (net_snmp(x))
        if (const auto v3 = snmp::parse_v3(x.payload())) return answer_v3(x, *v3);
    const auto parsed = snmp::parse_request(x.payload());
    if (!parsed.request) {
        x.emit(x.event("parse_error", Severity::warning)
                   .add("error", parsed.error)
                   .add("data", hex_prefix(x.payload(), 64)));
        return;
    }
    const auto& req = *parsed.request;
    const bool set = req.pdu == snmp::PduType::set;
    x.emit(x.event(set ? "set_request" : "get_request", set ? Severity::warning : Severity::info)
               .add("version", req.version)
               .add("community", req.community)
               .add("pdu", pdu_name(req.pdu))
               .add("oids", oids_text(req.oids)));
    if (set) {
        // A read-only community: v2c says noAccess, v1 (no such code) noSuchName, as net-snmp.
        std::vector<Varbind> echo;
        for (const auto& oid : req.oids)
            echo.push_back({oid, Value{Value::Kind::octets, {}, 0, {}}});
        x.reply(snmp::encode_response(req, req.version == 0 ? kNoSuchName : kNoAccess,
                                      req.oids.empty() ? 0 : 1, echo));
        return;
    }
    answer_read(x, req);
}

constexpr EventDecl kEvents[] = {
    {"get_request", "src_ip src_port version community pdu oids",
     "a Get/GetNext/GetBulk; the community string is a credential"},
    {"set_request", "src_ip src_port version community pdu oids",
     "a Set, refused as on a read-only community"},
    {"v3_request", "src_ip src_port user engine_id answer",
     "an SNMPv3 message: engine discovery, or a user the agent does not have (answered with "
     "the USM report snmpd sends)"},
    {"parse_error", "src_ip src_port error data",
     "a datagram that is not SNMPv1/v2c (nor SNMPv3 on a net-snmp agent)"},
};

}  // namespace

const ServiceModule& snmp_module() {
    static const ServiceModule module{
        .slug = "snmp", .configure = &configure, .datagram = &serve_snmp, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
