// Modbus/TCP request → response against the PLC's process image (see modbus_protocol.hpp).
#include "honeypot/services/conpot/modbus_protocol.hpp"

#include <array>

namespace decnet::honeypot::modbus {
namespace {

std::uint16_t be16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                                      static_cast<unsigned char>(b[at + 1]));
}

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

Outcome exception(Outcome o, std::uint8_t code) {
    o.exception = code;
    o.pdu.clear();
    o.pdu += static_cast<char>(o.function | 0x80);
    o.pdu += static_cast<char>(code);
    return o;
}

std::string_view function_name(std::uint8_t f) {
    switch (f) {
        case 1:
            return "read_coils";
        case 2:
            return "read_discrete_inputs";
        case 3:
            return "read_holding_registers";
        case 4:
            return "read_input_registers";
        case 5:
            return "write_single_coil";
        case 6:
            return "write_single_register";
        case 15:
            return "write_multiple_coils";
        case 16:
            return "write_multiple_registers";
        case 17:
            return "report_server_id";
        case 23:
            return "read_write_multiple_registers";
        case 43:
            return "read_device_identification";
        default:
            return {};
    }
}

bool in_table(PlcTable table, std::uint32_t start, std::uint32_t count) {
    return start + count <= PlcDevice::table_size(table);
}

std::uint16_t word(const PlcDevice& d, const Writes& w, PlcTable t, std::uint16_t a,
                   std::int64_t now) {
    if (const auto it = w.find({t, a}); it != w.end()) return it->second;
    return d.register_at(t, a, now);
}

bool bit(const PlcDevice& d, const Writes& w, PlcTable t, std::uint16_t a, std::int64_t now) {
    if (const auto it = w.find({t, a}); it != w.end()) return it->second != 0;
    return d.bit_at(t, a, now);
}

std::string read_bits(const PlcDevice& d, const Writes& w, PlcTable t, std::uint16_t start,
                      std::uint16_t count, std::int64_t now, std::uint8_t f) {
    std::string bytes((count + 7) / 8, '\0');
    for (std::uint16_t i = 0; i < count; ++i)
        if (bit(d, w, t, static_cast<std::uint16_t>(start + i), now))
            bytes[i / 8] = static_cast<char>(bytes[i / 8] | (1 << (i % 8)));
    std::string pdu(1, static_cast<char>(f));
    pdu += static_cast<char>(bytes.size());
    return pdu + bytes;
}

std::string read_words(const PlcDevice& d, const Writes& w, PlcTable t, std::uint16_t start,
                       std::uint16_t count, std::int64_t now, std::uint8_t f) {
    std::string pdu(1, static_cast<char>(f));
    pdu += static_cast<char>(count * 2);
    for (std::uint16_t i = 0; i < count; ++i)
        put16(pdu, word(d, w, t, static_cast<std::uint16_t>(start + i), now));
    return pdu;
}

// 43/14: the basic and regular objects (the conformity level says individual access too).
Outcome device_identification(const PlcDevice& d, Outcome o, std::string_view pdu) {
    if (pdu.size() < 4) return exception(std::move(o), kIllegalValue);
    const auto mei = static_cast<unsigned char>(pdu[1]);
    if (mei != 0x0E) return exception(std::move(o), kIllegalFunction);
    const auto code = static_cast<unsigned char>(pdu[2]);
    auto object = static_cast<unsigned char>(pdu[3]);
    const std::array<std::string, 7> objects = {
        d.vendor,  d.order_number, d.firmware.text(), d.vendor_url, d.product, d.cpu,
        d.station,  // UserApplicationName: the project's station
    };
    if (code < 1 || code > 4) return exception(std::move(o), kIllegalValue);
    o.address = object;
    std::string body;
    std::uint8_t listed = 0;
    if (code == 4) {
        if (object >= objects.size()) return exception(std::move(o), kIllegalAddress);
        body += static_cast<char>(object);
        body += static_cast<char>(objects[object].size());
        body += objects[object];
        listed = 1;
    } else {
        const std::uint8_t last = code == 1 ? 2 : 6;
        if (object > last) object = 0;  // an unknown start restarts at 0 (spec 6.21)
        for (std::uint8_t i = object; i <= last; ++i) {
            body += static_cast<char>(i);
            body += static_cast<char>(objects[i].size());
            body += objects[i];
            ++listed;
        }
    }
    o.pdu = std::string{'\x2b', '\x0e', static_cast<char>(code), '\x82', '\x00', '\x00'};
    o.pdu += static_cast<char>(listed);
    o.pdu += body;
    return o;
}

}  // namespace

ParsedHeader parse_header(std::string_view b) {
    if (b.size() < kHeader) return {{}, "short header"};
    Header h{be16(b, 0), be16(b, 2), be16(b, 4), static_cast<std::uint8_t>(b[6])};
    if (h.protocol != 0) return {h, "protocol id " + std::to_string(h.protocol)};
    if (h.length < 2 || h.length > kMaxPdu + 1)
        return {h, "length " + std::to_string(h.length) + " out of range"};
    return {h, {}};
}

std::string bad_frame_reply(const Header& h, std::uint8_t function) {
    std::string out;
    put16(out, h.transaction);
    put16(out, h.protocol);
    put16(out, 3);
    out += static_cast<char>(h.unit);
    out += static_cast<char>(function | 0x80);
    out += static_cast<char>(kIllegalFunction);
    return out;
}

std::string encode_adu(const Header& request, std::string_view pdu) {
    std::string out;
    put16(out, request.transaction);
    put16(out, 0);
    put16(out, static_cast<std::uint16_t>(pdu.size() + 1));
    out += static_cast<char>(request.unit);
    return out.append(pdu);
}

bool answers_unit(std::uint8_t unit) {
    return unit == 0 || unit == 1 || unit == 255;
}

Outcome answer(const PlcDevice& d, Writes& writes, std::uint8_t unit, std::string_view pdu,
               std::int64_t now) {
    Outcome o;
    if (pdu.empty()) return o;
    o.function = static_cast<std::uint8_t>(pdu[0]);
    const auto name = function_name(o.function);
    o.name = name.empty() ? "function_" + std::to_string(o.function) : std::string(name);
    o.write = o.function == 5 || o.function == 6 || o.function == 15 || o.function == 16 ||
              o.function == 23;
    if (!answers_unit(unit)) return exception(std::move(o), kGatewayTargetFailed);
    if (name.empty()) return exception(std::move(o), kIllegalFunction);
    const auto need = [&](std::size_t n) { return pdu.size() >= n; };

    switch (o.function) {
        case 1:
        case 2:
        case 3:
        case 4: {
            if (!need(5)) return exception(std::move(o), kIllegalValue);
            const auto start = be16(pdu, 1), count = be16(pdu, 3);
            o.address = start;
            o.count = count;
            const bool bits = o.function <= 2;
            const auto table = o.function == 1   ? PlcTable::coil
                               : o.function == 2 ? PlcTable::discrete_input
                               : o.function == 3 ? PlcTable::holding_register
                                                 : PlcTable::input_register;
            if (count < 1 || count > (bits ? 2000 : 125))
                return exception(std::move(o), kIllegalValue);
            if (!in_table(table, start, count)) return exception(std::move(o), kIllegalAddress);
            o.pdu = bits ? read_bits(d, writes, table, start, count, now, o.function)
                         : read_words(d, writes, table, start, count, now, o.function);
            return o;
        }
        case 5:
        case 6: {
            if (!need(5)) return exception(std::move(o), kIllegalValue);
            const auto address = be16(pdu, 1), value = be16(pdu, 3);
            o.address = address;
            o.count = 1;
            o.values = {value};
            const auto table = o.function == 5 ? PlcTable::coil : PlcTable::holding_register;
            if (o.function == 5 && value != 0xFF00 && value != 0x0000)
                return exception(std::move(o), kIllegalValue);
            if (!in_table(table, address, 1)) return exception(std::move(o), kIllegalAddress);
            writes[{table, address}] = o.function == 5 ? (value ? 1 : 0) : value;
            o.pdu = std::string(pdu.substr(0, 5));
            return o;
        }
        case 15:
        case 16: {
            if (!need(6)) return exception(std::move(o), kIllegalValue);
            const auto start = be16(pdu, 1), count = be16(pdu, 3);
            const auto bytes = static_cast<unsigned char>(pdu[5]);
            o.address = start;
            o.count = count;
            const bool coils = o.function == 15;
            const std::size_t expected = coils ? (count + 7u) / 8u : count * 2u;
            if (count < 1 || count > (coils ? 0x7B0 : 123) || bytes != expected ||
                pdu.size() < 6 + expected)
                return exception(std::move(o), kIllegalValue);
            const auto table = coils ? PlcTable::coil : PlcTable::holding_register;
            if (!in_table(table, start, count)) return exception(std::move(o), kIllegalAddress);
            for (std::uint16_t i = 0; i < count; ++i) {
                const std::uint16_t v =
                    coils ? ((static_cast<unsigned char>(pdu[6 + i / 8]) >> (i % 8)) & 1)
                          : be16(pdu, 6 + 2u * i);
                o.values.push_back(v);
                writes[{table, static_cast<std::uint16_t>(start + i)}] = v;
            }
            o.pdu = std::string(pdu.substr(0, 5));
            return o;
        }
        case 17: {
            // Report Server ID: the CPU's name, "running", and its order number and firmware.
            const std::string data = d.cpu + " " + d.order_number + " " + d.firmware.text();
            const std::string id = d.product;
            o.pdu = std::string(1, '\x11');
            o.pdu += static_cast<char>(id.size() + 1 + data.size());
            o.pdu += id;
            o.pdu += '\xff';
            o.pdu += data;
            return o;
        }
        case 23: {
            if (!need(10)) return exception(std::move(o), kIllegalValue);
            const auto read_start = be16(pdu, 1), read_count = be16(pdu, 3);
            const auto write_start = be16(pdu, 5), write_count = be16(pdu, 7);
            const auto bytes = static_cast<unsigned char>(pdu[9]);
            o.address = write_start;
            o.count = write_count;
            if (read_count < 1 || read_count > 125 || write_count < 1 || write_count > 121 ||
                bytes != write_count * 2u || pdu.size() < 10u + bytes)
                return exception(std::move(o), kIllegalValue);
            if (!in_table(PlcTable::holding_register, read_start, read_count) ||
                !in_table(PlcTable::holding_register, write_start, write_count))
                return exception(std::move(o), kIllegalAddress);
            // The write happens before the read (spec 6.17).
            for (std::uint16_t i = 0; i < write_count; ++i) {
                const auto v = be16(pdu, 10 + 2u * i);
                o.values.push_back(v);
                writes[{PlcTable::holding_register, static_cast<std::uint16_t>(write_start + i)}] =
                    v;
            }
            o.pdu =
                read_words(d, writes, PlcTable::holding_register, read_start, read_count, now, 23);
            return o;
        }
        case 43:
            return device_identification(d, std::move(o), pdu);
        default:
            return exception(std::move(o), kIllegalFunction);
    }
}

}  // namespace decnet::honeypot::modbus
