// The PLC models a conpot decky can be, the names and serials drawn for it, and the drift
// of its tags (see plc_device.hpp).
#include "honeypot/world/plc_device.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numbers>

#include "core/rng.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

struct Model {
    std::string_view key, vendor, vendor_url, product, cpu, order_number;
    PlcVersion firmware;
    int hardware_revision;
    std::string_view copyright;
    bool speaks_s7;
    std::uint16_t bacnet_vendor_id;
    std::string_view web_title;
    std::array<std::uint32_t, 10> object_id;  // sysObjectID
    std::string_view station;                 // the engineering tool's default station name
};

constexpr std::array<Model, 3> kModels = {{
    {"s7-300",
     "Siemens",
     "http://www.siemens.com/automation",
     "SIMATIC S7-300",
     "CPU 315-2 PN/DP",
     "6ES7 315-2EH14-0AB0",
     {3, 2, 6},
     1,
     "Original Siemens Equipment",
     true,
     7,
     "SIMATIC S7 CPU",
     {1, 3, 6, 1, 4, 1, 4329, 6, 1, 2},
     "SIMATIC 300(1)"},
    {"s7-1200",
     "Siemens",
     "http://www.siemens.com/automation",
     "SIMATIC S7-1200",
     "CPU 1214C DC/DC/DC",
     "6ES7 214-1AG40-0XB0",
     {4, 2, 3},
     1,
     "Original Siemens Equipment",
     true,
     7,
     "SIMATIC S7-1200 Web Server",
     {1, 3, 6, 1, 4, 1, 4329, 20, 1, 1},
     "S7-1200 station_1"},
    {"m340",
     "Schneider Electric",
     "http://www.se.com",
     "Modicon M340",
     "BMX P34 2020",
     "BMXP342020",
     {3, 10, 0},
     3,
     "Schneider Electric",
     false,
     10,
     "Modicon M340 - Web Server",
     {1, 3, 6, 1, 4, 1, 3833, 1, 7, 255},
     "M340 Station"},
}};

constexpr std::array<std::string_view, 3> kModelKeys = {"s7-300", "s7-1200", "m340"};

constexpr std::array<std::string_view, 8> kPlants = {
    "Water Treatment Plant 2",   "Pump Station North",
    "Wastewater Lift Station 4", "Boiler House B",
    "Packaging Line 3",          "Cooling Tower CT-2",
    "Reservoir Booster Station", "Filtration Building 1"};
constexpr std::array<std::string_view, 5> kCabinets = {"Control Room", "MCC Room", "Cabinet +S1",
                                                       "Pump Hall", "Electrical Room 2"};

// The process behind the registers: levels, flows and pressures of a small water process,
// pumps and valves on coils, limit switches on inputs.
struct TagShape {
    std::string_view name;
    PlcTable table;
    std::uint16_t address;
    double base, amplitude, period_s, scale, threshold;
    std::string_view unit;
};
constexpr std::array<TagShape, 16> kTags = {{
    {"TANK1_LEVEL", PlcTable::holding_register, 0, 312, 48, 1800, 10, 0, "cm"},
    {"FLOW_IN", PlcTable::holding_register, 1, 86, 14, 900, 10, 0, "m3/h"},
    {"FLOW_OUT", PlcTable::holding_register, 2, 82, 16, 1100, 10, 0, "m3/h"},
    {"LINE_PRESSURE", PlcTable::holding_register, 3, 4.2, 0.4, 700, 100, 0, "bar"},
    {"WATER_TEMP", PlcTable::holding_register, 4, 13.5, 1.5, 7200, 10, 0, "degC"},
    {"CHLORINE", PlcTable::holding_register, 5, 0.45, 0.08, 2400, 100, 0, "mg/l"},
    {"PH", PlcTable::holding_register, 6, 7.2, 0.15, 3000, 100, 0, "pH"},
    {"PUMP1_SPEED", PlcTable::holding_register, 7, 1420, 60, 600, 1, 0, "rpm"},
    {"PUMP1_RUN", PlcTable::coil, 0, 0, 1, 1500, 1, -0.6, ""},
    {"PUMP2_RUN", PlcTable::coil, 1, 0, 1, 2100, 1, 0.3, ""},
    {"INLET_VALVE_OPEN", PlcTable::coil, 2, 0, 1, 1800, 1, -0.2, ""},
    {"DOSING_PUMP_RUN", PlcTable::coil, 3, 0, 1, 900, 1, 0, ""},
    {"LEVEL_HIGH", PlcTable::discrete_input, 0, 0, 1, 1800, 1, 0.9, ""},
    {"LEVEL_LOW", PlcTable::discrete_input, 1, 0, 1, 1800, 1, 0.95, ""},
    {"DOOR_CLOSED", PlcTable::discrete_input, 2, 0, 1, 86400, 1, -2, ""},
    {"TANK1_LEVEL_RAW", PlcTable::input_register, 0, 13824, 2100, 1800, 1, 0, ""},
}};

std::string pick(Rng& rng, std::span<const std::string_view> from) {
    return std::string(from[rng.below(from.size())]);
}

// Siemens prints serials as "S C-" plus a plant letter, a digit, two letters and eight
// digits; Schneider as a date code and a running number.
std::string draw_serial(Rng& rng, const Model& m) {
    const auto letter = [&] { return static_cast<char>('A' + rng.below(26)); };
    const auto digits = [&](int n) {
        std::string out;
        for (int i = 0; i < n; ++i) out += static_cast<char>('0' + rng.below(10));
        return out;
    };
    if (m.vendor == "Siemens") {
        std::string s = "S C-";
        s += letter();
        s += static_cast<char>('0' + rng.below(10));
        s += letter();
        s += letter();
        return s + digits(8);
    }
    return digits(2) + letter() + digits(7);
}

std::string descr_of(const Model& m, const std::string& serial) {
    if (m.vendor == "Siemens")
        return "Siemens, SIMATIC S7, " + std::string(m.cpu) + ", " + std::string(m.order_number) +
               ", HW: " + std::to_string(m.hardware_revision) + ", FW: " + m.firmware.text() +
               ", " + serial;
    return std::string(m.vendor) + " " + std::string(m.product) + " " + std::string(m.cpu) + " " +
           m.firmware.text();
}

std::uint16_t clamp_register(double v) {
    return static_cast<std::uint16_t>(std::clamp(std::lround(v), 0L, 65535L));
}

}  // namespace

std::string PlcVersion::text() const {
    return "V" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::span<const std::string_view> plc_models() {
    return kModelKeys;
}

std::uint16_t PlcDevice::table_size(PlcTable table) {
    switch (table) {
        case PlcTable::coil:
            return kCoils;
        case PlcTable::discrete_input:
            return kDiscreteInputs;
        case PlcTable::holding_register:
            return kHoldingRegisters;
        case PlcTable::input_register:
            return kInputRegisters;
    }
    return 0;
}

double PlcDevice::value(const PlcTag& tag, std::int64_t unix_ms) const {
    const auto tag_seed = stable_hash(tag.name, seed);
    const double phase = static_cast<double>(tag_seed % 6283) / 1000.0;
    const double t = static_cast<double>(unix_ms) / 1000.0;
    const double wave = std::sin(2 * std::numbers::pi * t / tag.period_s + phase);
    // Noise: a new draw every 5 s, ±5 % of the amplitude.
    const auto slot = static_cast<std::uint64_t>(unix_ms / 5000);
    const double noise =
        (static_cast<double>(stable_hash(std::to_string(slot), tag_seed) % 1001) / 1000.0 - 0.5) *
        0.1;
    return tag.base + tag.amplitude * (wave + noise);
}

std::uint16_t PlcDevice::register_at(PlcTable table, std::uint16_t address,
                                     std::int64_t unix_ms) const {
    for (const auto& tag : tags)
        if (tag.table == table && tag.address == address)
            return clamp_register(value(tag, unix_ms) * tag.scale);
    // Unmapped words: configuration constants (setpoints, limits), stable per device.
    const auto h =
        stable_hash(std::to_string(static_cast<int>(table)) + ":" + std::to_string(address), seed);
    return h % 4 == 0 ? static_cast<std::uint16_t>(h % 1000) : 0;
}

bool PlcDevice::bit_at(PlcTable table, std::uint16_t address, std::int64_t unix_ms) const {
    for (const auto& tag : tags)
        if (tag.table == table && tag.address == address)
            return value(tag, unix_ms) > tag.threshold;
    return false;
}

std::shared_ptr<const PlcDevice> make_plc_device(std::string_view decky, std::string_view hostname,
                                                 const PlcPersona& persona) {
    std::string key = "plc\n";
    key += decky;
    key += '\n';
    key += hostname;
    Rng rng(stable_hash(key));
    auto d = std::make_shared<PlcDevice>();
    d->seed = stable_hash(key, 0x9e3779b97f4a7c15ULL);
    const Model* m = &kModels[rng.below(kModels.size())];
    for (const auto& candidate : kModels)
        if (candidate.key == persona.model) m = &candidate;
    d->model = m->key;
    d->vendor = m->vendor;
    d->vendor_url = m->vendor_url;
    d->product = m->product;
    d->cpu = m->cpu;
    d->order_number = m->order_number;
    d->firmware = m->firmware;
    d->hardware_revision = m->hardware_revision;
    d->copyright = m->copyright;
    d->speaks_s7 = m->speaks_s7;
    d->bacnet_vendor_id = m->bacnet_vendor_id;
    d->web_title = m->web_title;
    d->snmp_object_id.assign(m->object_id.begin(), m->object_id.end());

    const auto drawn_serial = draw_serial(rng, *m);
    d->serial = persona.serial.empty() ? drawn_serial : persona.serial;
    const auto drawn_plant = pick(rng, kPlants);
    d->plant = persona.plant.empty() ? drawn_plant : persona.plant;
    const auto cabinet = pick(rng, kCabinets);
    d->location = persona.location.empty() ? d->plant + ", " + cabinet : persona.location;
    d->station = persona.station.empty() ? std::string(m->station) : persona.station;
    d->module_name = m->cpu;
    d->contact = "Process Control <controls@plant.local>";
    d->bacnet_instance = static_cast<std::uint32_t>(1000 + rng.below(300000));
    d->snmp_descr = descr_of(*m, d->serial);
    for (const auto& t : kTags)
        d->tags.push_back({std::string(t.name), t.table, t.address, t.base, t.amplitude, t.period_s,
                           t.scale, t.threshold, std::string(t.unit)});
    return d;
}

PlcPersona plc_persona(const PersonaConfig& config) {
    const auto get = [&](const char* key) {
        const auto it = config.find(key);
        return it == config.end() ? std::string() : it->second;
    };
    return {get("model"), get("serial"), get("plant"), get("station"), get("location")};
}

std::int64_t plc_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace decnet::honeypot
