// conpot: a PLC (services.md §2.27, docs/ICS.md) — a Siemens S7-300/S7-1200 or a Schneider
// Modicon M340 by persona or by the decky's seed. Its protocols are one file each under
// services/conpot/, sharing the PlcDevice of the persona; this file parses the persona and
// hands each port to its protocol. The SNMP agent (161/udp) and web front (80/tcp) are the
// snmp and http modules, bound by the runtime for this service (catalogue `served_by`).
#include <array>
#include <string_view>
#include <vector>

#include "honeypot/services/conpot/plc_memory.hpp"
#include "honeypot/services/conpot/protocols.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::uint16_t kModbusPort = 502, kS7Port = 102;
// Persona texts end up in fixed-width S7 records and small BACnet answers.
constexpr std::size_t kMaxPersonaText = 64;

struct ConpotSettings : ServiceSettings {
    std::shared_ptr<const PlcDevice> device;
    std::shared_ptr<conpot::PlcMemory> memory = std::make_shared<conpot::PlcMemory>();
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    std::vector<std::string_view> models = {""};
    for (const auto m : plc_models()) models.push_back(m);
    PlcPersona p;
    p.model = persona.choice("model", models);
    const auto text = [&](std::string_view key) {
        auto value = persona.line(key);
        if (value.size() > kMaxPersonaText)
            persona.fail(key, "at most " + std::to_string(kMaxPersonaText) + " characters");
        return value;
    };
    p.serial = text("serial");
    p.plant = text("plant");
    p.station = text("station");
    p.location = text("location");
    const auto& decky = persona.decky();
    auto settings = std::make_shared<ConpotSettings>();
    settings->device =
        make_plc_device(decky.name, decky.hostname.empty() ? decky.name : decky.hostname, p);
    return settings;
}

const PlcDevice& device_of(const ServiceContext& context) {
    return *context.settings_as<ConpotSettings>().device;
}

conpot::PlcMemory& memory_of(const ServiceContext& context) {
    return *context.settings_as<ConpotSettings>().memory;
}

boost::asio::awaitable<void> serve(Session& s) {
    const auto& device = device_of(s.context());
    const auto port = s.context().persona_value("port");
    if (port == std::to_string(kS7Port)) {
        co_await conpot::serve_s7comm(s, device, memory_of(s.context()));
        co_return;
    }
    if (port == std::to_string(kModbusPort))
        co_await conpot::serve_modbus(s, device, memory_of(s.context()));
}

void datagram(DatagramExchange& x) {
    conpot::serve_bacnet(x, device_of(x.context()));
}

std::span<const EventDecl> events() {
    static const auto all = [] {
        std::vector<EventDecl> out;
        for (const auto list :
             {conpot::modbus_events(), conpot::s7comm_events(), conpot::bacnet_events()})
            out.insert(out.end(), list.begin(), list.end());
        return out;
    }();
    return all;
}

}  // namespace

const ServiceModule& conpot_module() {
    static const ServiceModule module{.slug = "conpot",
                                      .configure = &configure,
                                      .serve = &serve,
                                      .datagram = &datagram,
                                      .events = events()};
    return module;
}

}  // namespace decnet::honeypot
