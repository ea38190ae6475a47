// TPKT/COTP/S7comm as a Siemens CPU answers them (see s7_protocol.hpp). Layouts follow the
// captures Wireshark's s7comm dissector and nmap's s7-info are written against.
#include "honeypot/services/conpot/s7_protocol.hpp"

#include <algorithm>
#include <array>

namespace decnet::honeypot::s7 {
namespace {

constexpr std::size_t kMaxItems = 20;
constexpr std::uint8_t kAreaInputs = 0x81, kAreaOutputs = 0x82, kAreaFlags = 0x83, kAreaDb = 0x84;
// Item return codes.
constexpr std::uint8_t kItemOk = 0xff, kItemOutOfRange = 0x05, kItemNoObject = 0x0a;

std::uint16_t be16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                                      static_cast<unsigned char>(b[at + 1]));
}

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

std::string tpkt(std::string_view payload) {
    std::string out = {'\x03', '\x00'};
    put16(out, static_cast<std::uint16_t>(payload.size() + kTpktHeader));
    return out.append(payload);
}

// An S7 PDU in a COTP data TPDU in a TPKT.
std::string frame(std::uint8_t rosctr, std::uint16_t pdu_ref, std::string_view param,
                  std::string_view data, std::uint8_t err_class = 0, std::uint8_t err_code = 0) {
    std::string s7 = {'\x02', '\xf0', '\x80', '\x32', static_cast<char>(rosctr), '\x00', '\x00'};
    put16(s7, pdu_ref);
    put16(s7, static_cast<std::uint16_t>(param.size()));
    put16(s7, static_cast<std::uint16_t>(data.size()));
    if (rosctr == 2 || rosctr == 3) {
        s7 += static_cast<char>(err_class);
        s7 += static_cast<char>(err_code);
    }
    s7.append(param).append(data);
    return tpkt(s7);
}

Note note(std::string type, bool warning = false) {
    return Note{std::move(type), warning, {}};
}

std::string hex_of(std::string_view data, std::size_t max = 64) {
    return hex_prefix(data, max);
}

// A fixed-width text field, cut or padded with NULs.
std::string fixed(std::string_view text, std::size_t width, char pad = '\0') {
    std::string out(text.substr(0, width));
    out.resize(width, pad);
    return out;
}

// SZL 0x0011 records (28 bytes): index, order number (MLFB), module type, versions.
std::string module_record(const PlcDevice& d, std::uint16_t index) {
    std::string r;
    put16(r, index);
    if (index == 7) {
        r += fixed("", 20, ' ');
        put16(r, 0x00c0);
        r += 'V';
        r += static_cast<char>(d.firmware.major);
        r += static_cast<char>(d.firmware.minor);
        r += static_cast<char>(d.firmware.patch);
        return r;
    }
    r += fixed(d.order_number, 20, ' ');
    put16(r, 0x00c0);
    put16(r, static_cast<std::uint16_t>(d.hardware_revision));
    put16(r, index == 1 ? static_cast<std::uint16_t>(d.hardware_revision) : 0);
    return r;
}

// SZL 0x001c records (34 bytes): index and a NUL-padded name.
std::string component_record(const PlcDevice& d, std::uint16_t index) {
    std::string r;
    put16(r, index);
    std::string_view text;
    switch (index) {
        case 1:
            text = d.station;
            break;
        case 2:
            text = d.module_name;
            break;
        case 3:
            text = d.plant;
            break;
        case 4:
            text = d.copyright;
            break;
        case 5:
            text = d.serial;
            break;
        case 7:
            text = d.cpu;
            break;
        default:
            break;
    }
    return r + fixed(text, 32);
}

constexpr std::array<std::uint16_t, 3> kModuleIndexes = {1, 6, 7};
// What fits a 240-byte PDU, in order (nmap reads the first five at fixed offsets).
constexpr std::array<std::uint16_t, 6> kComponentIndexes = {1, 2, 3, 4, 5, 7};
constexpr std::array<std::uint16_t, 5> kSzlIds = {0x0000, 0x0011, 0x001c, 0x0111, 0x011c};

// The SZL list `id`/`index` as (record length, records), or nullopt when the CPU has none.
std::optional<std::pair<std::uint16_t, std::vector<std::string>>> szl(const PlcDevice& d,
                                                                      std::uint16_t id,
                                                                      std::uint16_t index) {
    std::vector<std::string> records;
    switch (id) {
        case 0x0000:
            for (const auto s : kSzlIds) {
                std::string r;
                put16(r, s);
                records.push_back(r);
            }
            return std::pair{std::uint16_t{2}, records};
        case 0x0011:
            for (const auto i : kModuleIndexes) records.push_back(module_record(d, i));
            return std::pair{std::uint16_t{28}, records};
        case 0x0111:
            if (std::find(kModuleIndexes.begin(), kModuleIndexes.end(), index) ==
                kModuleIndexes.end())
                return std::nullopt;
            return std::pair{std::uint16_t{28}, std::vector{module_record(d, index)}};
        case 0x001c:
            for (const auto i : kComponentIndexes) records.push_back(component_record(d, i));
            return std::pair{std::uint16_t{34}, records};
        case 0x011c:
            if (std::find(kComponentIndexes.begin(), kComponentIndexes.end(), index) ==
                kComponentIndexes.end())
                return std::nullopt;
            return std::pair{std::uint16_t{34}, std::vector{component_record(d, index)}};
        default:
            return std::nullopt;
    }
}

std::string hex16(std::uint16_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xf];
    return out;
}

// The userdata answer's parameter: response to `group`/`sub`, last data unit, `error`.
std::string userdata_param(std::uint8_t group, std::uint8_t sub, std::uint8_t seq,
                           std::uint16_t error) {
    std::string p = {'\x00',
                     '\x01',
                     '\x12',
                     '\x08',
                     '\x12',
                     static_cast<char>(0x80 | group),
                     static_cast<char>(sub),
                     static_cast<char>(seq),
                     '\x00',
                     '\x00'};
    put16(p, error);
    return p;
}

// The S7 password obfuscation (each byte XOR 0x55 and the byte two before it).
std::string decode_password(std::string_view enc) {
    std::string plain;
    for (std::size_t i = 0; i < enc.size() && i < 8; ++i) {
        auto c = static_cast<unsigned char>(enc[i]) ^ 0x55u;
        if (i >= 2) c ^= static_cast<unsigned char>(enc[i - 2]);
        plain += static_cast<char>(c);
    }
    while (!plain.empty() && (plain.back() == ' ' || plain.back() == '\0')) plain.pop_back();
    return plain;
}

void userdata(const PlcDevice& d, std::uint16_t ref, std::string_view param, std::string_view data,
              Outcome& out) {
    if (param.size() < 8 || param[0] != 0 || param[1] != 1 || param[2] != 0x12) {
        auto n = note("s7_error", true);
        n.fields = {{"error", "bad userdata parameter"}, {"data", hex_of(param)}};
        out.notes.push_back(std::move(n));
        out.replies.push_back(frame(7, ref, userdata_param(0, 0, 0, 0x8104), "\x0a\x00\x00\x00"));
        return;
    }
    const auto group = static_cast<std::uint8_t>(param[5] & 0x0f);
    const auto sub = static_cast<std::uint8_t>(param[6]);
    const auto seq = static_cast<std::uint8_t>(param[7]);
    auto n = note("s7_request");
    if (group == 4 && sub == 1 && data.size() >= 8) {
        const auto id = be16(data, 4), index = be16(data, 6);
        n.fields = {{"function", "read_szl"}, {"szl_id", hex16(id)}, {"szl_index", hex16(index)}};
        out.notes.push_back(std::move(n));
        const auto list = szl(d, id, index);
        if (!list) {
            out.replies.push_back(
                frame(7, ref, userdata_param(group, sub, seq, 0xd401), "\x0a\x00\x00\x00"));
            return;
        }
        std::string body;
        put16(body, id);
        put16(body, index);
        put16(body, list->first);
        put16(body, static_cast<std::uint16_t>(list->second.size()));
        for (const auto& r : list->second) body += r;
        std::string payload = {'\xff', '\x09'};
        put16(payload, static_cast<std::uint16_t>(body.size()));
        out.replies.push_back(frame(7, ref, userdata_param(group, sub, seq, 0), payload + body));
        return;
    }
    if (group == 5 && sub == 1) {
        // Set session password: the password is a credential worth keeping.
        n.fields = {{"function", "set_password"}};
        n.warning = true;
        out.notes.push_back(std::move(n));
        auto& e = out.notes.back();
        e.fields.emplace_back("username", "");
        e.fields.emplace_back("password", decode_password(data.size() > 4 ? data.substr(4) : ""));
        out.replies.push_back(
            frame(7, ref, userdata_param(group, sub, seq, 0), "\x0a\x00\x00\x00"));
        return;
    }
    n.fields = {{"function", "userdata_group" + std::to_string(group) + "_" + std::to_string(sub)}};
    out.notes.push_back(std::move(n));
    out.replies.push_back(
        frame(7, ref, userdata_param(group, sub, seq, 0x8104), "\x0a\x00\x00\x00"));
}

// The bytes of one area as the CPU holds them now (written values included): DB1 the
// holding registers, DB2 the input registers, M and Q the coils, I the discrete inputs.
// nullopt: no such object.
std::optional<std::string> area_image(const PlcDevice& d, const PlcWrites& w, std::uint8_t area,
                                      std::uint16_t db, std::int64_t now) {
    const auto words = [&](PlcTable t) {
        std::string out;
        for (std::uint16_t a = 0; a < PlcDevice::table_size(t); ++a) {
            const auto it = w.find({t, a});
            put16(out, it != w.end() ? it->second : d.register_at(t, a, now));
        }
        return out;
    };
    const auto bits = [&](PlcTable t, std::size_t bytes) {
        std::string out(bytes, '\0');
        for (std::uint16_t a = 0; a < PlcDevice::table_size(t) && a / 8 < bytes; ++a) {
            const auto it = w.find({t, a});
            if (it != w.end() ? it->second != 0 : d.bit_at(t, a, now))
                out[a / 8] = static_cast<char>(out[a / 8] | (1 << (a % 8)));
        }
        return out;
    };
    switch (area) {
        case kAreaDb:
            if (db == 1) return words(PlcTable::holding_register);
            if (db == 2) return words(PlcTable::input_register);
            return std::nullopt;
        case kAreaFlags:
            return bits(PlcTable::coil, 256);
        case kAreaOutputs:
            return bits(PlcTable::coil, 64);
        case kAreaInputs:
            return bits(PlcTable::discrete_input, 64);
        default:
            return std::nullopt;
    }
}

// Stores an area's patched bytes [from, to) back into the tables it maps (I is read-only).
void store_image(PlcWrites& w, std::uint8_t area, std::uint16_t db, const std::string& image,
                 std::size_t from, std::size_t to) {
    if (area == kAreaDb) {
        const auto table = db == 1 ? PlcTable::holding_register : PlcTable::input_register;
        for (std::size_t word = from / 2; word <= (to - 1) / 2 && 2 * word + 1 < image.size();
             ++word)
            w[{table, static_cast<std::uint16_t>(word)}] = be16(image, 2 * word);
        return;
    }
    if (area != kAreaFlags && area != kAreaOutputs) return;
    for (std::size_t bit = from * 8; bit < to * 8 && bit < PlcDevice::kCoils; ++bit)
        w[{PlcTable::coil, static_cast<std::uint16_t>(bit)}] =
            (static_cast<unsigned char>(image[bit / 8]) >> (bit % 8)) & 1;
}

std::string_view area_name(std::uint8_t area) {
    switch (area) {
        case kAreaDb:
            return "DB";
        case kAreaFlags:
            return "M";
        case kAreaOutputs:
            return "Q";
        case kAreaInputs:
            return "I";
        case 0x1c:
            return "C";
        case 0x1d:
            return "T";
        default:
            return "other";
    }
}

std::size_t element_size(std::uint8_t transport) {
    switch (transport) {
        case 0x01:  // BIT
        case 0x02:  // BYTE
        case 0x03:  // CHAR
            return 1;
        case 0x04:  // WORD
        case 0x05:  // INT
            return 2;
        case 0x06:  // DWORD
        case 0x07:  // DINT
        case 0x08:  // REAL
            return 4;
        default:
            return 0;
    }
}

struct Item {
    std::uint8_t transport = 0;
    std::uint16_t count = 0, db = 0;
    std::uint8_t area = 0;
    std::uint32_t bit_address = 0;
    bool valid = false;
};

Item parse_item(std::string_view p) {
    Item it;
    if (p.size() < 12 || p[0] != 0x12 || p[1] != 0x0a || p[2] != 0x10) return it;
    it.transport = static_cast<std::uint8_t>(p[3]);
    it.count = be16(p, 4);
    it.db = be16(p, 6);
    it.area = static_cast<std::uint8_t>(p[8]);
    it.bit_address = (static_cast<std::uint32_t>(static_cast<unsigned char>(p[9])) << 16) |
                     (static_cast<std::uint32_t>(static_cast<unsigned char>(p[10])) << 8) |
                     static_cast<unsigned char>(p[11]);
    it.valid = element_size(it.transport) != 0;
    return it;
}

Fields item_fields(const Item& it) {
    Fields f = {{"area", std::string(area_name(it.area))}};
    if (it.area == kAreaDb) f.emplace_back("db", std::to_string(it.db));
    f.emplace_back("address",
                   std::to_string(it.bit_address >> 3) + "." + std::to_string(it.bit_address & 7));
    f.emplace_back("count", std::to_string(it.count));
    return f;
}

void read_var(const PlcDevice& d, const State& st, const PlcWrites& w, std::uint16_t ref,
              std::string_view param, Outcome& out, std::int64_t now) {
    const std::size_t count =
        std::min<std::size_t>(static_cast<unsigned char>(param[1]), kMaxItems);
    std::string data;
    std::size_t listed = 0;
    for (std::size_t i = 0; i < count && 2 + 12 * (i + 1) <= param.size(); ++i, ++listed) {
        const auto it = parse_item(param.substr(2 + 12 * i, 12));
        auto n = note("s7_request");
        n.fields = {{"function", "read_var"}};
        if (it.valid) {
            const auto extra = item_fields(it);
            n.fields.insert(n.fields.end(), extra.begin(), extra.end());
        }
        out.notes.push_back(std::move(n));
        if (!data.empty() && data.size() % 2) data += '\0';  // items start on even offsets
        const auto refuse = [&](std::uint8_t code) { data += {static_cast<char>(code), 0, 0, 0}; };
        if (!it.valid) {
            refuse(kItemNoObject);
            continue;
        }
        const auto image = area_image(d, w, it.area, it.db, now);
        if (!image) {
            refuse(kItemNoObject);
            continue;
        }
        const bool bit = it.transport == 0x01;
        const std::size_t start = it.bit_address >> 3;
        const std::size_t bytes = bit ? 1 : it.count * element_size(it.transport);
        if (bytes == 0 || start + bytes > image->size() || data.size() + bytes + 4 > st.pdu_size) {
            refuse(kItemOutOfRange);
            continue;
        }
        std::string value = image->substr(start, bytes);
        if (bit) value = std::string(1, static_cast<char>((value[0] >> (it.bit_address & 7)) & 1));
        data += static_cast<char>(kItemOk);
        data += static_cast<char>(bit ? 0x03 : 0x04);
        put16(data, static_cast<std::uint16_t>(bit ? 1 : bytes * 8));
        data += value;
    }
    std::string p = {'\x04', static_cast<char>(listed)};
    out.replies.push_back(frame(3, ref, p, data));
}

// One write var item into the tables: its return code.
std::uint8_t write_item(const PlcDevice& d, PlcWrites& w, const Item& it, const std::string& value,
                        std::int64_t now) {
    if (!it.valid) return kItemNoObject;
    auto image = area_image(d, w, it.area, it.db, now);
    if (!image) return kItemNoObject;
    const std::size_t start = it.bit_address >> 3;
    const bool bit = it.transport == 0x01;
    const std::size_t bytes = bit ? 1 : value.size();
    if (bytes == 0 || value.empty() || start + bytes > image->size()) return kItemOutOfRange;
    if (bit) {
        const auto mask = static_cast<char>(1 << (it.bit_address & 7));
        (*image)[start] = static_cast<char>((value[0] & 1) ? ((*image)[start] | mask)
                                                           : ((*image)[start] & ~mask));
    } else {
        image->replace(start, bytes, value);
    }
    store_image(w, it.area, it.db, *image, start, start + bytes);
    return kItemOk;
}

void write_var(const PlcDevice& d, PlcWrites& w, std::uint16_t ref, std::string_view param,
               std::string_view data, Outcome& out, std::int64_t now) {
    const std::size_t count =
        std::min<std::size_t>(static_cast<unsigned char>(param[1]), kMaxItems);
    std::string codes;
    std::size_t at = 0, listed = 0;
    for (std::size_t i = 0; i < count && 2 + 12 * (i + 1) <= param.size(); ++i, ++listed) {
        const auto it = parse_item(param.substr(2 + 12 * i, 12));
        std::string value;
        if (at + 4 <= data.size()) {
            const auto ts = static_cast<unsigned char>(data[at + 1]);
            std::size_t len = be16(data, at + 2);
            if (ts == 0x04 || ts == 0x03 || ts == 0x05) len = (len + 7) / 8;  // bits
            value = std::string(data.substr(at + 4, std::min(len, data.size() - at - 4)));
            at += 4 + len + (len % 2);
        }
        auto n = note("s7_write", true);
        if (it.valid) n.fields = item_fields(it);
        n.fields.emplace_back("data", hex_of(value));
        out.notes.push_back(std::move(n));
        codes += static_cast<char>(write_item(d, w, it, value, now));
    }
    std::string p = {'\x05', static_cast<char>(listed)};
    out.replies.push_back(frame(3, ref, p, codes));
}

// The PI service name of a PLC control (0x28) request, e.g. P_PROGRAM (start) or _INSE.
std::string pi_service(std::string_view p) {
    if (p.size() < 10) return {};
    const std::size_t block = be16(p, 8);
    const std::size_t at = 10 + block;
    if (at >= p.size()) return {};
    const std::size_t len = static_cast<unsigned char>(p[at]);
    return std::string(p.substr(at + 1, std::min(len, p.size() - at - 1)));
}

std::string_view job_name(std::uint8_t f) {
    switch (f) {
        case 0x00:
            return "cpu_services";
        case 0x1a:
            return "request_download";
        case 0x1b:
            return "download_block";
        case 0x1c:
            return "download_ended";
        case 0x1d:
            return "start_upload";
        case 0x1e:
            return "upload";
        case 0x1f:
            return "end_upload";
        default:
            return {};
    }
}

void job(const PlcDevice& d, State& st, PlcWrites& w, std::uint16_t ref, std::string_view param,
         std::string_view data, Outcome& out, std::int64_t now) {
    const auto f = static_cast<std::uint8_t>(param[0]);
    if (f == 0xf0 && param.size() >= 8) {
        const auto wanted = be16(param, 6);
        st.pdu_size = static_cast<std::uint16_t>(std::clamp<std::uint16_t>(wanted, 64, 240));
        auto n = note("s7_request");
        n.fields = {{"function", "setup_communication"}, {"pdu_size", std::to_string(wanted)}};
        out.notes.push_back(std::move(n));
        std::string p(param.substr(0, 6));
        put16(p, st.pdu_size);
        out.replies.push_back(frame(3, ref, p, ""));
        return;
    }
    if (f == 0x04 && param.size() >= 2) return read_var(d, st, w, ref, param, out, now);
    if (f == 0x05 && param.size() >= 2) return write_var(d, w, ref, param, data, out, now);
    if (f == 0x28 || f == 0x29) {
        auto n = note("s7_control", true);
        const auto service = f == 0x29 ? std::string("P_PROGRAM") : pi_service(param);
        n.fields = {{"function", f == 0x29 ? "plc_stop" : "plc_control"}, {"service", service}};
        out.notes.push_back(std::move(n));
        if (f == 0x29) st.running = false;
        if (f == 0x28 && service == "P_PROGRAM") st.running = true;
        out.replies.push_back(frame(3, ref, std::string(1, static_cast<char>(f)), ""));
        return;
    }
    auto n = note("s7_request");
    const auto name = job_name(f);
    n.fields = {{"function", name.empty() ? "job_" + hex16(f) : std::string(name)}};
    out.notes.push_back(std::move(n));
    // "Context not supported": what a protected CPU says to block transfers it refuses.
    out.replies.push_back(frame(2, ref, "", "", 0x81, 0x04));
}

void s7_pdu(const PlcDevice& d, State& st, PlcWrites& w, std::string_view pdu, Outcome& out,
            std::int64_t now) {
    const auto bad = [&](std::string why) {
        auto n = note("s7_error", true);
        n.fields = {{"error", std::move(why)}, {"data", hex_of(pdu)}};
        out.notes.push_back(std::move(n));
    };
    if (pdu.size() < 10 || static_cast<unsigned char>(pdu[0]) != 0x32) {
        bad("not an S7 PDU");
        out.close = true;
        return;
    }
    const auto rosctr = static_cast<std::uint8_t>(pdu[1]);
    const std::size_t header = rosctr == 2 || rosctr == 3 ? 12 : 10;
    const auto ref = be16(pdu, 4);
    const std::size_t plen = be16(pdu, 6), dlen = be16(pdu, 8);
    if (pdu.size() < header || header + plen + dlen > pdu.size() || plen == 0) {
        bad("S7 lengths exceed the PDU");
        return;
    }
    const auto param = pdu.substr(header, plen);
    const auto data = pdu.substr(header + plen, dlen);
    if (rosctr == 1) return job(d, st, w, ref, param, data, out, now);
    if (rosctr == 7) return userdata(d, ref, param, data, out);
    bad("unexpected ROSCTR " + std::to_string(rosctr));
}

// COTP CR → CC with the caller's references and TSAPs echoed.
void connect(const PlcDevice& d, State& st, std::string_view cotp, Outcome& out) {
    const std::size_t li = static_cast<unsigned char>(cotp[0]);
    auto n = note("s7_connect");
    std::string src_tsap, dst_tsap;
    std::string params;
    for (std::size_t at = 7; at + 2 <= li + 1 && at + 2 <= cotp.size();) {
        const auto code = static_cast<unsigned char>(cotp[at]);
        const std::size_t len = static_cast<unsigned char>(cotp[at + 1]);
        if (at + 2 + len > cotp.size()) break;
        const auto value = cotp.substr(at + 2, len);
        if (code == 0xc1) src_tsap = std::string(value);
        if (code == 0xc2) dst_tsap = std::string(value);
        if (code == 0xc1 || code == 0xc2) params.append(cotp.substr(at, 2 + len));
        at += 2 + len;
    }
    n.fields = {{"src_tsap", hex_of(src_tsap, 8)}, {"dst_tsap", hex_of(dst_tsap, 8)}};
    out.notes.push_back(std::move(n));
    if (!d.speaks_s7) {
        out.close = true;
        return;
    }
    // LI, CC, their source reference as our destination, ours, class 0, TPDU size 1024,
    // then their TSAPs echoed.
    std::string cc = {'\x00', '\xd0'};
    cc += cotp.size() >= 6 ? std::string(cotp.substr(4, 2)) : std::string(2, '\0');
    cc += std::string{'\x00', '\x01', '\x00', '\xc0', '\x01', '\x0a'};
    cc += params;
    cc[0] = static_cast<char>(cc.size() - 1);
    st.connected = true;
    out.replies.push_back(tpkt(cc));
}

}  // namespace

Outcome handle(const PlcDevice& d, State& st, std::string_view cotp, std::int64_t now,
               PlcWrites& w) {
    Outcome out;
    const auto bad = [&](std::string why, bool close) {
        auto n = note("s7_error", true);
        n.fields = {{"error", std::move(why)}, {"data", hex_of(cotp)}};
        out.notes.push_back(std::move(n));
        out.close = close;
    };
    if (cotp.size() < 2 || static_cast<unsigned char>(cotp[0]) + 1u > cotp.size()) {
        bad("bad COTP header", true);
        return out;
    }
    const auto type = static_cast<unsigned char>(cotp[1]) & 0xf0;
    if (type == 0xe0) {
        if (cotp.size() < 7) {
            bad("short COTP connection request", true);
            return out;
        }
        connect(d, st, cotp, out);
        return out;
    }
    if (type == 0x80) {  // disconnect request
        out.close = true;
        return out;
    }
    if (type != 0xf0 || cotp.size() < 3) {
        bad("unexpected COTP TPDU", false);
        return out;
    }
    if (!st.connected) {
        bad("data before connection", true);
        return out;
    }
    const std::size_t li = static_cast<unsigned char>(cotp[0]);
    const bool last = (static_cast<unsigned char>(cotp[2]) & 0x80) != 0;
    st.pending.append(cotp.substr(li + 1));
    if (++st.fragments > kMaxFragments || st.pending.size() > kMaxReassembly) {
        bad("COTP fragments exceed the reassembly bound", true);
        st.pending.clear();
        return out;
    }
    if (!last) return out;
    const std::string pdu = std::move(st.pending);
    st.pending.clear();
    st.fragments = 0;
    s7_pdu(d, st, w, pdu, out, now);
    return out;
}

std::optional<std::size_t> parse_tpkt(std::string_view header, std::string& error) {
    if (header.size() < kTpktHeader || header[0] != 0x03) {
        error = "not TPKT";
        return std::nullopt;
    }
    const std::size_t length = be16(header, 2);
    if (length < kTpktHeader + 3 || length > kMaxTpkt) {
        error = "TPKT length " + std::to_string(length) + " out of range";
        return std::nullopt;
    }
    return length;
}

}  // namespace decnet::honeypot::s7
