// DCE/RPC PDUs and srvsvc's share enumeration (see dcerpc.hpp).
#include "honeypot/services/smb/dcerpc.hpp"

#include <cstdio>

#include "honeypot/services/smb/smb_bytes.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::smb {
namespace {

constexpr std::string_view kNdr = "8a885d04-1ceb-11c9-9fe8-08002b104860";
constexpr std::string_view kBindTimeFeaturePrefix = "6cb71c2c-9812-4540-";

std::string uuid_text(std::string_view b) {
    if (b.size() != 16) return {};
    const auto u = [&](std::size_t i) {
        return static_cast<unsigned>(static_cast<std::uint8_t>(b[i]));
    };
    char out[40];
    std::snprintf(out, sizeof out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  u(0) | u(1) << 8 | u(2) << 16 | u(3) << 24, u(4) | u(5) << 8, u(6) | u(7) << 8,
                  u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15));
    return out;
}

std::string uuid_bytes(std::string_view text) {
    std::string hex;
    for (const char c : text)
        if (c != '-') hex += c;
    std::string raw(16, '\0');
    for (std::size_t i = 0; i < 16 && 2 * i + 1 < hex.size(); ++i)
        raw[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    // The first three fields are little-endian on the wire.
    std::swap(raw[0], raw[3]);
    std::swap(raw[1], raw[2]);
    std::swap(raw[4], raw[5]);
    std::swap(raw[6], raw[7]);
    return raw;
}

std::string pdu_header(RpcType type, std::uint32_t call_id) {
    std::string out;
    put8(out, 5);
    put8(out, 0);
    put8(out, static_cast<std::uint8_t>(type));
    put8(out, 0x03);  // first and last fragment
    out += std::string("\x10\0\0\0", 4);
    put16(out, 0);  // frag_length, set by finish()
    put16(out, 0);
    put32(out, call_id);
    return out;
}

std::string finish(std::string pdu) {
    set16(pdu, 8, static_cast<std::uint16_t>(pdu.size()));
    return pdu;
}

// An NDR conformant varying UTF-16 string with its terminating NUL, padded to 4.
void put_ndr_string(std::string& out, std::string_view text) {
    const auto wide = wire::ntlm::utf16le(text) + std::string(2, '\0');
    const auto chars = static_cast<std::uint32_t>(wide.size() / 2);
    put32(out, chars);
    put32(out, 0);
    put32(out, chars);
    out += wide;
    pad_to(out, 4);
}

}  // namespace

std::optional<RpcPdu> parse_pdu(std::string_view data) {
    ByteReader r(data);
    const auto version = r.u8();
    r.u8();
    RpcPdu pdu;
    pdu.type = r.u8();
    pdu.flags = r.u8();
    const auto drep = r.u32();
    const std::size_t frag_length = r.u16();
    const std::size_t auth_length = r.u16();
    pdu.call_id = r.u32();
    if (!r.ok() || version != 5 || (drep & 0xff) != 0x10 || frag_length < 16 ||
        frag_length > data.size())
        return std::nullopt;
    const std::size_t trailer = auth_length ? auth_length + 8 : 0;
    if (trailer > frag_length - 16) return std::nullopt;
    pdu.body = data.substr(16, frag_length - 16 - trailer);
    return pdu;
}

std::optional<RpcBind> parse_bind(std::string_view body) {
    ByteReader r(body);
    r.u16();
    r.u16();
    RpcBind bind;
    bind.assoc_group = r.u32();
    const std::size_t count = r.u8();
    r.skip(3);
    if (!r.ok() || count > kMaxRpcContexts) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) {
        RpcContext c;
        c.id = r.u16();
        const std::size_t transfers = r.u8();
        r.u8();
        c.interface = uuid_text(r.bytes(16));
        c.version = r.u16();
        r.u16();
        for (std::size_t t = 0; t < transfers && t < kMaxRpcContexts; ++t) {
            c.transfers.push_back(uuid_text(r.bytes(16)));
            c.transfer_versions.push_back(static_cast<std::uint16_t>(r.u32()));
        }
        if (!r.ok()) return std::nullopt;
        bind.contexts.push_back(std::move(c));
    }
    return bind;
}

std::string bind_ack(std::uint32_t call_id, const RpcBind& bind, std::string_view pipe,
                     std::uint32_t assoc_group, bool alter) {
    std::string out = pdu_header(alter ? RpcType::alter_context_resp : RpcType::bind_ack, call_id);
    put16(out, 4280);
    put16(out, 4280);
    put32(out, assoc_group);
    if (alter || pipe.empty()) {
        put16(out, 0);
    } else {
        put16(out, static_cast<std::uint16_t>(pipe.size() + 1));
        out += pipe;
        out += '\0';
    }
    pad_to(out, 4);
    put8(out, static_cast<std::uint8_t>(bind.contexts.size()));
    out.append(3, '\0');
    for (const auto& c : bind.contexts) {
        std::uint16_t result = 2, reason = 2;  // provider rejection: transfer syntax
        std::string transfer(16, '\0');
        std::uint32_t transfer_version = 0;
        for (std::size_t t = 0; t < c.transfers.size(); ++t) {
            if (c.transfers[t] == kNdr) {
                result = 0, reason = 0;
                transfer = uuid_bytes(kNdr);
                transfer_version = 2;
                break;
            }
            if (c.transfers[t].starts_with(kBindTimeFeaturePrefix)) {
                // Acknowledge the features asked (security context multiplexing, keep
                // connection on orphan): the bitmask is the uuid's fourth group.
                const auto raw = uuid_bytes(c.transfers[t]);
                result = 3;
                reason = static_cast<std::uint16_t>(
                    (static_cast<std::uint8_t>(raw[8]) | static_cast<std::uint8_t>(raw[9]) << 8) &
                    0x3);
            }
        }
        put16(out, result);
        put16(out, reason);
        out += transfer;
        put32(out, transfer_version);
    }
    return finish(std::move(out));
}

std::optional<RpcRequest> parse_request(const RpcPdu& pdu) {
    ByteReader r(pdu.body);
    r.u32();  // alloc_hint
    RpcRequest req;
    req.context = r.u16();
    req.opnum = r.u16();
    if (pdu.flags & 0x80) r.skip(16);  // object uuid
    if (!r.ok()) return std::nullopt;
    req.stub = pdu.body.substr(r.at());
    return req;
}

std::string rpc_response(std::uint32_t call_id, std::uint16_t context, std::string_view stub) {
    std::string out = pdu_header(RpcType::response, call_id);
    put32(out, static_cast<std::uint32_t>(stub.size()));
    put16(out, context);
    put8(out, 0);
    put8(out, 0);
    out += stub;
    return finish(std::move(out));
}

std::string rpc_fault(std::uint32_t call_id, std::uint16_t context, std::uint32_t status) {
    std::string out = pdu_header(RpcType::fault, call_id);
    put32(out, 32);
    put16(out, context);
    put8(out, 0);
    put8(out, 0);
    put32(out, status);
    put32(out, 0);
    return finish(std::move(out));
}

std::string_view interface_name(std::string_view uuid) {
    static constexpr std::pair<std::string_view, std::string_view> kKnown[] = {
        {"4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc"},
        {"12345778-1234-abcd-ef00-0123456789ab", "lsarpc"},
        {"c681d488-d850-11d0-8c52-00c04fd90f7e", "efsrpc"},
        {"df1941c5-fe89-4e79-bf10-463657acf44d", "efsrpc"},
        {"12345678-1234-abcd-ef00-0123456789ab", "spoolss"},
        {"76f03f96-cdfd-44fc-a22c-64950a001209", "spoolss"},
        {"4fc742e0-4a10-11cf-8273-00aa004ae673", "netdfs"},
        {"a8e0653c-2744-4389-a61d-7373df8b2292", "fsrvp"},
        {"12345778-1234-abcd-ef00-0123456789ac", "samr"},
        {"338cd001-2244-31f1-aaaa-900038001003", "winreg"},
        {"367abb81-9844-35f1-ad32-98f038001003", "svcctl"},
        {"6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc"},
        {"12345678-1234-abcd-ef00-01234567cffb", "netlogon"},
        {"86d35949-83c9-4044-b424-db363231fd0c", "taskschd"},
        {"1ff70682-0a51-30e8-076d-740be8cee98b", "atsvc"},
        {"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epmapper"},
        {"e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi"},
    };
    for (const auto& [id, name] : kKnown)
        if (id == uuid) return name;
    return {};
}

bool is_coercion_interface(std::string_view name) {
    return name == "efsrpc" || name == "spoolss" || name == "netdfs" || name == "fsrvp";
}

std::string find_unc_path(std::string_view stub) {
    const std::string_view marker("\\\0\\\0", 4);
    const auto at = stub.find(marker);
    if (at == std::string_view::npos) return {};
    std::size_t end = at;
    while (end + 1 < stub.size() && (stub[end] || stub[end + 1]) && end - at < 512) end += 2;
    return wire::ntlm::from_utf16le(stub.substr(at, end - at));
}

std::optional<std::uint32_t> share_enum_level(std::string_view stub) {
    ByteReader r(stub);
    if (r.u32() != 0) {  // ServerName: a unique pointer to a conformant varying string
        r.u32();
        r.u32();
        const std::size_t chars = r.u32();
        if (chars > 1024) return std::nullopt;
        r.skip(chars * 2);
        if (r.at() % 4) r.skip(4 - r.at() % 4);
    }
    const auto level = r.u32();
    if (!r.ok()) return std::nullopt;
    return level;
}

std::string share_enum_response(std::uint32_t level, const std::vector<ShareInfo>& shares) {
    std::string out;
    std::uint32_t referent = 0x00020000;
    const auto next = [&referent] { return referent += 4; };
    put32(out, level);
    put32(out, level);
    if (level > 1) {
        put32(out, 0);    // no container
        put32(out, 0);    // TotalEntries
        put32(out, 0);    // ResumeHandle: null
        put32(out, 124);  // WERR_UNKNOWN_LEVEL
        return out;
    }
    const auto n = static_cast<std::uint32_t>(shares.size());
    put32(out, next());  // the container
    put32(out, n);
    put32(out, next());  // its array
    put32(out, n);
    for (const auto& s : shares) {
        put32(out, next());
        if (level == 1) {
            put32(out, s.type);
            put32(out, next());
        }
    }
    for (const auto& s : shares) {
        put_ndr_string(out, s.name);
        if (level == 1) put_ndr_string(out, s.comment);
    }
    put32(out, n);       // TotalEntries
    put32(out, next());  // ResumeHandle
    put32(out, 0);
    put32(out, 0);  // WERR_OK
    return out;
}

}  // namespace decnet::honeypot::smb
