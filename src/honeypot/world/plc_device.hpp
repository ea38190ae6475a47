// PlcDevice: the programmable logic controller a conpot decky is — vendor, model, order
// number, firmware, serial, station and plant names, and the process image (tags behind
// Modbus registers and S7 areas) whose values drift with the wall clock. One model shared
// by every protocol of the decky (Modbus, S7comm, BACnet, SNMP, the web front), so they all
// describe the same device. Deterministic per decky: a restart shows the same PLC, and the
// same tag values at the same moment.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace decnet::honeypot {

struct PlcVersion {
    int major = 0, minor = 0, patch = 0;
    std::string text() const;  // "V4.2.3"
};

// The Modbus data tables (and the S7 areas mapped onto them).
enum class PlcTable { coil, discrete_input, holding_register, input_register };

// One process value behind an address: base ± amplitude over a period, plus a little
// noise that changes every few seconds. Bits (coils, inputs) are on while the wave is
// above `threshold`.
struct PlcTag {
    std::string name;  // "TANK1_LEVEL"
    PlcTable table = PlcTable::holding_register;
    std::uint16_t address = 0;
    double base = 0, amplitude = 0;
    double period_s = 600;
    double scale = 1;  // register = value × scale
    double threshold = 0;
    std::string unit;  // engineering unit, for the web front
};

// What has been written into the tables (Modbus writes, S7 write var), shown in later
// reads instead of the drifting values: (table, address) → value (a coil: 0 or 1).
using PlcWrites = std::map<std::pair<PlcTable, std::uint16_t>, std::uint16_t>;

// The operator's persona keys ([decky.conpot]); empty: drawn from the decky's seed.
struct PlcPersona {
    std::string model;     // one of plc_models()
    std::string serial;    // the module's serial number
    std::string plant;     // plant identification
    std::string station;   // name of the automation system (station)
    std::string location;  // where the cabinet is
};

struct PlcDevice {
    std::string model;         // persona key: "s7-300", "s7-1200", "m340"
    std::string vendor;        // "Siemens"
    std::string vendor_url;    // "http://www.siemens.com/automation"
    std::string product;       // "SIMATIC S7-1200"
    std::string cpu;           // "CPU 1214C DC/DC/DC"
    std::string order_number;  // "6ES7 214-1AG40-0XB0"
    PlcVersion firmware;       // V4.2.3
    int hardware_revision = 1;
    std::string serial;       // "S C-H4U212345678"
    std::string station;      // SZL 0x1c index 1: the automation system's name
    std::string module_name;  // SZL 0x1c index 2: the CPU's type unless renamed
    std::string plant;        // SZL 0x1c index 3
    std::string copyright;    // SZL 0x1c index 4
    std::string location;
    std::string contact;
    bool speaks_s7 = true;  // Siemens CPUs answer S7comm on 102; a Modicon does not
    std::uint16_t bacnet_vendor_id = 7;
    std::uint32_t bacnet_instance = 0;
    std::string web_title;                      // the web front's <title>
    std::string snmp_descr;                     // sysDescr
    std::vector<std::uint32_t> snmp_object_id;  // sysObjectID
    std::uint64_t seed = 0;
    std::vector<PlcTag> tags;

    // Table sizes: addresses at or past these are "illegal data address" (Modbus) or
    // "address out of range" (S7).
    static constexpr std::uint16_t kCoils = 128, kDiscreteInputs = 128, kHoldingRegisters = 200,
                                   kInputRegisters = 100;
    static std::uint16_t table_size(PlcTable table);

    // What the table holds at `address` at `unix_ms`: a tag's drifting value, else a
    // constant of the device (configuration words, spare bits).
    std::uint16_t register_at(PlcTable table, std::uint16_t address, std::int64_t unix_ms) const;
    bool bit_at(PlcTable table, std::uint16_t address, std::int64_t unix_ms) const;
    // A tag's engineering value at `unix_ms`.
    double value(const PlcTag& tag, std::int64_t unix_ms) const;
};

// The model keys the persona accepts.
std::span<const std::string_view> plc_models();

// The decky's PLC: `decky` and `hostname` seed what the persona leaves empty.
std::shared_ptr<const PlcDevice> make_plc_device(std::string_view decky, std::string_view hostname,
                                                 const PlcPersona& persona);

// The persona as written in the decky's [decky.conpot] section (checked at deploy by the
// conpot module's configure; read raw here for the world).
PlcPersona plc_persona(const PersonaConfig& config);

// Milliseconds since the epoch now (the tags' clock).
std::int64_t plc_clock_ms();

}  // namespace decnet::honeypot
