// SMB2 codec (see smb2.hpp).
#include "honeypot/services/smb/smb2.hpp"

#include "honeypot/services/smb/smb_bytes.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::smb {
namespace {

constexpr std::string_view kMagic("\xfeSMB", 4);
constexpr std::size_t kMaxDialects = 64, kMaxContexts = 16, kMaxListed = 32;

FileId read_file_id(ByteReader& r) {
    FileId id;
    id.persistent = r.u64();
    id.volatile_id = r.u64();
    return id;
}

// Bytes at (offset from the header start, length) inside `message`.
std::optional<std::string_view> slice(std::string_view message, std::size_t offset,
                                      std::size_t length) {
    if (length == 0) return std::string_view{};
    if (offset > message.size() || length > message.size() - offset) return std::nullopt;
    return message.substr(offset, length);
}

std::vector<std::uint16_t> u16_list(ByteReader& r, std::size_t count) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < count && i < kMaxListed && r.ok(); ++i) out.push_back(r.u16());
    return out;
}

}  // namespace

std::string_view command_name(std::uint16_t command) {
    static constexpr std::string_view kNames[] = {
        "negotiate",     "session_setup", "logoff",   "tree_connect", "tree_disconnect",
        "create",        "close",         "flush",    "read",         "write",
        "lock",          "ioctl",         "cancel",   "echo",         "query_directory",
        "change_notify", "query_info",    "set_info", "oplock_break"};
    return command < std::size(kNames) ? kNames[command] : "unknown";
}

std::optional<Header> parse_header(std::string_view m) {
    if (m.size() < kHeaderSize || m.substr(0, 4) != kMagic) return std::nullopt;
    ByteReader r(m, 4);
    if (r.u16() != 64) return std::nullopt;
    Header h;
    h.credit_charge = r.u16();
    h.status = r.u32();
    h.command = r.u16();
    h.credits = r.u16();
    h.flags = r.u32();
    h.next_command = r.u32();
    h.message_id = r.u64();
    if (h.flags & kFlagAsync) {
        r.u64();  // AsyncId: the emulator never goes async
    } else {
        h.process_id = r.u32();
        h.tree_id = r.u32();
    }
    h.session_id = r.u64();
    const auto sig = r.bytes(16);
    for (std::size_t i = 0; i < 16 && i < sig.size(); ++i)
        h.signature[i] = static_cast<std::uint8_t>(sig[i]);
    return h;
}

std::string build_header(const Header& h) {
    std::string out(kMagic);
    out.reserve(kHeaderSize);
    put16(out, 64);
    put16(out, h.credit_charge);
    put32(out, h.status);
    put16(out, h.command);
    put16(out, h.credits);
    put32(out, h.flags);
    put32(out, h.next_command);
    put64(out, h.message_id);
    put32(out, h.process_id);
    put32(out, h.tree_id);
    put64(out, h.session_id);
    out.append(reinterpret_cast<const char*>(h.signature.data()), 16);
    return out;
}

std::optional<std::vector<Message>> split_compound(std::string_view frame) {
    std::vector<Message> out;
    while (!frame.empty()) {
        if (out.size() >= kMaxCompound) return std::nullopt;
        auto header = parse_header(frame);
        if (!header) return std::nullopt;
        std::size_t length = frame.size();
        if (header->next_command) {
            if (header->next_command < kHeaderSize || header->next_command > frame.size() ||
                header->next_command % 8)
                return std::nullopt;
            length = header->next_command;
        }
        const auto bytes = frame.substr(0, length);
        out.push_back({*header, bytes.substr(kHeaderSize), bytes});
        if (!header->next_command) break;
        frame.remove_prefix(length);
    }
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<NegotiateRequest> parse_negotiate(std::string_view body, std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 36) return std::nullopt;
    NegotiateRequest n;
    const std::size_t count = r.u16();
    n.security_mode = r.u16();
    r.u16();
    n.capabilities = r.u32();
    const auto guid = r.bytes(16);
    for (std::size_t i = 0; i < guid.size(); ++i)
        n.client_guid[i] = static_cast<std::uint8_t>(guid[i]);
    const std::size_t context_offset = r.u32();
    const std::size_t context_count = r.u16();
    r.u16();
    if (!r.ok() || count == 0 || count > kMaxDialects) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) n.dialects.push_back(r.u16());
    if (!r.ok()) return std::nullopt;
    bool wants_contexts = false;
    for (const auto d : n.dialects) wants_contexts = wants_contexts || d == 0x0311;
    if (!wants_contexts || context_count == 0) return n;
    if (context_count > kMaxContexts) return std::nullopt;
    std::size_t at = context_offset;
    for (std::size_t i = 0; i < context_count; ++i) {
        at = (at + 7) & ~std::size_t{7};
        ByteReader c(message, at);
        const auto type = c.u16();
        const std::size_t length = c.u16();
        c.u32();
        const auto data = c.bytes(length);
        if (!c.ok()) return std::nullopt;
        ByteReader d(data);
        if (type == 1) {
            n.has_preauth = true;
            const auto hashes = d.u16();
            d.u16();  // salt length
            n.hashes = u16_list(d, hashes);
        } else if (type == 2) {
            n.ciphers = u16_list(d, d.u16());
        } else if (type == 8) {
            n.signing = u16_list(d, d.u16());
        }
        at = c.at();
    }
    return n;
}

std::optional<SessionSetupRequest> parse_session_setup(std::string_view body,
                                                       std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 25) return std::nullopt;
    SessionSetupRequest s;
    s.flags = r.u8();
    s.security_mode = r.u8();
    r.u32();
    r.u32();
    const std::size_t offset = r.u16();
    const std::size_t length = r.u16();
    s.previous_session = r.u64();
    if (!r.ok()) return std::nullopt;
    const auto token = slice(message, offset, length);
    if (!token) return std::nullopt;
    s.token = *token;
    return s;
}

std::optional<std::string> utf16_field(std::string_view message, std::size_t offset,
                                       std::size_t length) {
    if (length > kMaxName) return std::nullopt;
    const auto bytes = slice(message, offset, length);
    if (!bytes) return std::nullopt;
    return wire::ntlm::from_utf16le(*bytes);
}

std::optional<TreeConnectRequest> parse_tree_connect(std::string_view body,
                                                     std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 9) return std::nullopt;
    r.u16();
    const std::size_t offset = r.u16();
    const std::size_t length = r.u16();
    if (!r.ok()) return std::nullopt;
    auto path = utf16_field(message, offset, length);
    if (!path) return std::nullopt;
    return TreeConnectRequest{std::move(*path)};
}

std::optional<CreateRequest> parse_create(std::string_view body, std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 57) return std::nullopt;
    r.skip(22);
    CreateRequest c;
    c.desired_access = r.u32();
    c.file_attributes = r.u32();
    c.share_access = r.u32();
    c.disposition = r.u32();
    c.options = r.u32();
    const std::size_t offset = r.u16();
    const std::size_t length = r.u16();
    if (!r.ok()) return std::nullopt;
    auto name = utf16_field(message, offset, length);
    if (!name) return std::nullopt;
    c.name = std::move(*name);
    return c;
}

std::optional<FileId> parse_close(std::string_view body) {
    ByteReader r(body);
    if (r.u16() != 24) return std::nullopt;
    r.skip(6);
    const auto id = read_file_id(r);
    if (!r.ok()) return std::nullopt;
    return id;
}

std::optional<ReadRequest> parse_read(std::string_view body) {
    ByteReader r(body);
    if (r.u16() != 49) return std::nullopt;
    r.skip(2);
    ReadRequest req;
    req.length = r.u32();
    req.offset = r.u64();
    req.file = read_file_id(r);
    if (!r.ok()) return std::nullopt;
    return req;
}

std::optional<WriteRequest> parse_write(std::string_view body, std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 49) return std::nullopt;
    const std::size_t offset = r.u16();
    const std::size_t length = r.u32();
    WriteRequest w;
    w.offset = r.u64();
    w.file = read_file_id(r);
    if (!r.ok()) return std::nullopt;
    const auto data = slice(message, offset, length);
    if (!data) return std::nullopt;
    w.data = *data;
    return w;
}

std::optional<QueryDirectoryRequest> parse_query_directory(std::string_view body,
                                                           std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 33) return std::nullopt;
    QueryDirectoryRequest q;
    q.info_class = r.u8();
    q.flags = r.u8();
    r.u32();
    q.file = read_file_id(r);
    const std::size_t offset = r.u16();
    const std::size_t length = r.u16();
    q.output_length = r.u32();
    if (!r.ok()) return std::nullopt;
    auto pattern = utf16_field(message, offset, length);
    if (!pattern) return std::nullopt;
    q.pattern = std::move(*pattern);
    return q;
}

std::optional<QueryInfoRequest> parse_query_info(std::string_view body) {
    ByteReader r(body);
    if (r.u16() != 41) return std::nullopt;
    QueryInfoRequest q;
    q.info_type = r.u8();
    q.info_class = r.u8();
    q.output_length = r.u32();
    r.skip(16);
    q.file = read_file_id(r);
    if (!r.ok()) return std::nullopt;
    return q;
}

std::optional<IoctlRequest> parse_ioctl(std::string_view body, std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 57) return std::nullopt;
    r.u16();
    IoctlRequest io;
    io.code = r.u32();
    io.file = read_file_id(r);
    const std::size_t offset = r.u32();
    const std::size_t count = r.u32();
    r.u32();
    r.u32();
    r.u32();
    io.max_output = r.u32();
    if (!r.ok()) return std::nullopt;
    const auto input = slice(message, offset, count);
    if (!input) return std::nullopt;
    io.input = *input;
    return io;
}

std::optional<SetInfoRequest> parse_set_info(std::string_view body, std::string_view message) {
    ByteReader r(body);
    if (r.u16() != 33) return std::nullopt;
    SetInfoRequest s;
    s.info_type = r.u8();
    s.info_class = r.u8();
    const std::size_t length = r.u32();
    const std::size_t offset = r.u16();
    r.u16();
    r.u32();
    s.file = read_file_id(r);
    if (!r.ok()) return std::nullopt;
    const auto buffer = slice(message, offset, length);
    if (!buffer) return std::nullopt;
    s.buffer = *buffer;
    return s;
}

std::string error_body() {
    std::string out;
    put16(out, 9);
    put16(out, 0);
    put32(out, 0);
    put8(out, 0);
    return out;
}

std::string simple_body(std::uint16_t structure_size) {
    std::string out;
    put16(out, structure_size);
    put16(out, 0);
    return out;
}

void put_file_id(std::string& out, const FileId& id) {
    put64(out, id.persistent);
    put64(out, id.volatile_id);
}

}  // namespace decnet::honeypot::smb
