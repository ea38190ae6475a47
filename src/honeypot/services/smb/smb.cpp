// smb: the decky's file server as Windows (workstation, server, domain controller) or Samba
// (a Linux decky) answers it, on 445 and 139 (NetBIOS session service). SMB2/3 negotiate
// (2.0.2 to 3.1.1 with preauth integrity, the dialect that server would pick), SMB1 as that
// persona answers it (Windows: dropped; Samba: refused, or either upgraded to SMB2 when the
// client offers it), session setup through the NTLM acceptor (the NetNTLMv2 hash is the
// bounty), tree connect to the persona's shares, files over the decky's fake filesystem
// (smb_files.cpp), srvsvc share enumeration, MS17-010 and coercion probes told apart.
// This file owns the connection: framing, compounding, signing, negotiate, session setup and
// tree connect.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <ctime>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/smb/netbios.hpp"
#include "honeypot/services/smb/smb1.hpp"
#include "honeypot/services/smb/smb_bytes.hpp"
#include "honeypot/services/smb/smb_session.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace smb {
namespace {

using boost::asio::awaitable;

constexpr std::uint16_t kDialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
constexpr std::uint16_t kWildcard = 0x02ff;

std::string dialect_text(std::uint16_t d) {
    switch (d) {
        case 0x0202:
            return "2.0.2";
        case 0x0210:
            return "2.1";
        case 0x0300:
            return "3.0";
        case 0x0302:
            return "3.0.2";
        case 0x0311:
            return "3.1.1";
        case kWildcard:
            return "2.???";
        default:
            break;
    }
    char out[8];
    std::snprintf(out, sizeof out, "0x%04x", d);
    return out;
}

// The decky's world, or a bare Windows server when a test runs the emulator without one.
std::shared_ptr<const DeckyWorld> world_of(const Session& s) {
    if (const auto* world = s.context().world) {
        // Sessions never outlive the runtime's world; an aliasing pointer avoids a copy.
        return std::shared_ptr<const DeckyWorld>(std::shared_ptr<const DeckyWorld>(), world);
    }
    static const auto bare = [] {
        auto w = std::make_shared<DeckyWorld>();
        w->hostname = "fs01";
        w->domain = "corp.local";
        w->archetype = "windows-server";
        w->os_family = "windows";
        auto fs = std::make_shared<FakeFilesystem>();
        fs->add_dir("/C/Windows");
        fs->add_file("/C/Shares/Finance/q3.xlsx", "PK\x03\x04 Q3");
        w->fs = fs;
        return std::shared_ptr<const DeckyWorld>(w);
    }();
    return bare;
}

std::vector<std::pair<std::string, std::string>> decky_accounts(const DeckyWorld& w) {
    std::vector<std::pair<std::string, std::string>> out;
    if (w.accounts.users.empty()) return out;
    if (w.os_family == "windows") out.emplace_back("Administrator", w.accounts.users[0].password);
    for (const auto& u : w.accounts.users)
        if (u.person && !u.password.empty()) out.emplace_back(u.name, u.password);
    return out;
}

std::array<std::uint8_t, 16> server_guid(const NtlmIdentity& id) {
    std::array<std::uint8_t, 16> g{};
    if (id.samba) {
        // smbd sends its NetBIOS name, lower case, as its GUID.
        const auto name = ascii_lower(id.nb_computer);
        for (std::size_t i = 0; i < name.size() && i < 16; ++i)
            g[i] = static_cast<std::uint8_t>(name[i]);
        return g;
    }
    const auto a = stable_hash(id.dns_computer), b = stable_hash(id.dns_computer, a);
    for (int i = 0; i < 8; ++i) {
        g[i] = static_cast<std::uint8_t>(a >> (8 * i));
        g[8 + i] = static_cast<std::uint8_t>(b >> (8 * i));
    }
    g[7] = static_cast<std::uint8_t>((g[7] & 0x0f) | 0x40);  // a version 4 GUID
    return g;
}

}  // namespace

SmbConnection::SmbConnection(Session& s, const SmbSettings& settings)
    : s_(s), settings_(settings), identity_(ntlm_identity(*world_of(s))), fs_(world_of(s)->fs) {
    const auto world = world_of(s);
    shares_ = persona_shares(*world, *world->fs);
    accounts_ = decky_accounts(*world);
    server_guid_ = server_guid(identity_);
    RAND_bytes(reinterpret_cast<unsigned char*>(&assoc_group_), sizeof assoc_group_);
    assoc_group_ &= 0xffff;
}

awaitable<void> SmbConnection::run() {
    s_.emit(s_.event("connect"));
    bool session_requested = false;
    for (;;) {
        auto head = co_await s_.read_exact(4);
        if (!head) break;
        const auto nb = parse_nb_header(*head);
        // Windows and smbd read the 4-byte header and drop a connection whose type is not a
        // session-service one or whose length is out of bounds, without waiting for the
        // body: scanners' HTTP, TLS or DNS probes get a close straight away, never a stall.
        const bool session_type = nb.type == static_cast<std::uint8_t>(NbType::message) ||
                                  nb.type == static_cast<std::uint8_t>(NbType::session_request) ||
                                  nb.type == static_cast<std::uint8_t>(NbType::keepalive);
        if (!session_type || nb.length > (negotiated_ ? kMaxFrame : kMaxFrameBeforeNegotiate)) {
            s_.emit(s_.event("protocol_error", Severity::warning)
                        .add("error", session_type ? "frame too large" : "not a session message")
                        .add("data", hex_prefix(*head, 4)));
            break;
        }
        std::string payload;
        if (nb.length) {
            auto body = co_await s_.read_exact(nb.length);
            if (!body) break;
            payload = std::move(*body);
        }
        if (nb.type == static_cast<std::uint8_t>(NbType::keepalive)) continue;
        if (nb.type == static_cast<std::uint8_t>(NbType::session_request)) {
            const auto names = parse_session_request(payload);
            s_.emit(s_.event("netbios_session")
                        .add("called", names ? names->called : "")
                        .add("calling", names ? names->calling : ""));
            // smbd and Windows accept any called name ("*SMBSERVER" included).
            session_requested = true;
            const std::string positive("\x82\0\0\0", 4);
            if (!co_await s_.write(positive)) break;
            continue;
        }
        if (!session_requested && !identity_.samba && s_.local_port() == kNetbiosPort) {
            // Windows' NetBIOS session service wants a session request first and refuses
            // anything else with a negative response, "unspecified error" (0x8F).
            s_.emit(s_.event("protocol_error", Severity::warning)
                        .add("error", "message before session request")
                        .add("data", hex_prefix(*head + payload, 32)));
            co_await s_.write(std::string_view("\x83\0\0\x01\x8f", 5));
            break;
        }
        const bool more = co_await handle_frame(std::move(payload));
        if (!more) break;
    }
    s_.emit(s_.event("disconnect"));
}

awaitable<bool> SmbConnection::handle_frame(std::string frame) {
    if (is_smb1(frame)) co_return co_await handle_smb1(frame);
    auto messages = split_compound(frame);
    if (!messages) {
        s_.emit(
            s_.event("protocol_error", Severity::warning)
                .add("error", frame.starts_with("\xfdSMB") ? "encrypted message" : "bad SMB2 frame")
                .add("data", hex_prefix(frame, 64)));
        co_return false;
    }
    const std::string out = handle_compound(*messages);
    if (!out.empty()) {
        const auto framed = nb_frame(out);
        if (!co_await s_.write(framed)) co_return false;
    }
    co_return !closing_;
}

awaitable<bool> SmbConnection::handle_smb1(std::string_view message) {
    const auto dialects = parse_smb1_negotiate(message);
    if (smb1_ && !dialects) {
        const auto answer = smb1_command_answer(message);
        if (answer.empty()) co_return false;
        const auto framed = nb_frame(answer);
        co_return co_await s_.write(framed);
    }
    if (!dialects) {
        const auto kind = smb1_probe_kind(message);
        auto event = s_.event(kind.empty() ? "protocol_error" : "exploit_probe", Severity::warning);
        if (kind.empty())
            event.add("error", "SMB1 command " + std::to_string(smb1_command(message)))
                .add("data", hex_prefix(message, 64));
        else
            event.add("kind", kind).add("command", static_cast<int>(smb1_command(message)));
        s_.emit(std::move(event));
        co_return false;  // SMB1 is off: a patched host has nothing to say
    }
    bool wildcard = false, smb2002 = false;
    for (const auto& d : *dialects) {
        wildcard = wildcard || d == "SMB 2.???";
        smb2002 = smb2002 || d == "SMB 2.002";
    }
    const bool upgrade = !negotiated_ && (wildcard || smb2002);
    const auto smb1_answer =
        !upgrade && settings_.smb1 && !identity_.samba && !negotiated_ && !smb1_
            ? smb1_negotiate(message, *dialects)
            : std::string();
    s_.emit(s_.event("smb1_negotiate")
                .add("dialects", json_list(*dialects))
                .add("answer", upgrade                ? "smb2"
                               : !smb1_answer.empty() ? "nt_lm_0.12"
                                                      : "refused"));
    if (!smb1_answer.empty()) {
        const auto framed = nb_frame(smb1_answer);
        co_return co_await s_.write(framed);
    }
    if (!upgrade) {
        if (!identity_.samba) co_return false;  // Windows without SMB1 drops the connection
        const auto refusal = nb_frame(samba_smb1_refusal(message));
        co_await s_.write(refusal);
        co_return false;
    }
    Header request;
    request.command = static_cast<std::uint16_t>(Command::negotiate);
    const Message m{request, {}, {}};
    const auto reply =
        negotiate(m, true, wildcard && settings_.max_dialect > 0x0202 ? kWildcard : 0x0202);
    Header h;
    h.command = request.command;
    h.flags = kFlagResponse;
    h.credits = 1;
    const auto out = nb_frame(build_header(h) + reply.body);
    co_return co_await s_.write(out);
}

SmbUser* SmbConnection::user_of(std::uint64_t id) {
    const auto it = users_.find(id);
    return it == users_.end() ? nullptr : &it->second;
}

const SmbTree* SmbConnection::tree_of(const Header& h) const {
    const auto it = trees_.find(h.tree_id);
    return it == trees_.end() ? nullptr : &it->second;
}

std::string SmbConnection::handle_compound(const std::vector<Message>& messages) {
    std::string out;
    std::size_t last_start = 0;
    Header context;
    std::uint32_t previous_status = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& m = messages[i];
        Header h = m.header;
        const bool related = (h.flags & kFlagRelated) && i > 0;
        if (related) {
            h.session_id = context.session_id;
            h.tree_id = context.tree_id;
        }
        Reply reply;
        if (related && previous_status != status::kSuccess &&
            previous_status != status::kMoreProcessing &&
            previous_status != status::kBufferOverflow) {
            reply.status = previous_status;
        } else {
            reply = dispatch(m, h);
        }
        if (reply.none) continue;
        if (reply.status != status::kSuccess && reply.body.empty()) reply.body = error_body();
        Header r;
        r.command = h.command;
        r.status = reply.status;
        r.flags = kFlagResponse | (related ? kFlagRelated : 0);
        r.credit_charge = h.credit_charge;
        r.credits = static_cast<std::uint16_t>(std::clamp<std::uint32_t>(h.credits, 1, 256));
        r.message_id = h.message_id;
        r.process_id = h.process_id;
        r.tree_id = h.tree_id;
        r.session_id = h.session_id;
        std::string message = build_header(r) + reply.body;
        if (i + 1 < messages.size()) pad_to(message, 8);
        if (!out.empty())
            set32(out, last_start + 20, static_cast<std::uint32_t>(out.size() - last_start));
        // Signed when the request was (or the final SESSION_SETUP must be) and the key is known.
        if (const auto* u = user_of(h.session_id);
            u && u->signing_key &&
            ((m.header.flags & kFlagSigned) || reply.sign || settings_.signing_required))
            sign_message(message, dialect_, *u->signing_key);
        if (reply.hash_conn) preauth_ = preauth_update(preauth_, message);
        if (reply.hash_user)
            if (auto* u = user_of(h.session_id)) u->preauth = preauth_update(u->preauth, message);
        last_start = out.size();
        out += message;
        context = h;
        previous_status = reply.status;
        if (reply.close_after) {
            closing_ = true;
            break;
        }
    }
    // The NextCommand of every message but the last was set when its successor came; a
    // message signed before that would carry a stale signature, so compounds re-sign.
    if (messages.size() > 1) {
        std::size_t at = 0;
        while (at + kHeaderSize <= out.size()) {
            ByteReader r(out, at + 20);
            const std::size_t next = r.u32();
            const std::size_t length = next ? next : out.size() - at;
            auto header = parse_header(std::string_view(out).substr(at, length));
            if (header && (header->flags & kFlagSigned))
                if (const auto* u = user_of(header->session_id); u && u->signing_key) {
                    std::string message = out.substr(at, length);
                    sign_message(message, dialect_, *u->signing_key);
                    out.replace(at, length, message);
                }
            if (!next) break;
            at += next;
        }
    }
    return out;
}

Reply SmbConnection::dispatch(const Message& m, Header& h) {
    const auto command = static_cast<Command>(h.command);
    if (command == Command::negotiate) return negotiate(m, false, 0);
    if (!negotiated_) {
        closing_ = true;
        return {status::kInvalidParameter, {}, false, false, false, false, true};
    }
    if (command == Command::session_setup) return session_setup(m, h);
    if (command == Command::echo) return {status::kSuccess, simple_body(4)};
    if (command == Command::cancel) return {status::kSuccess, {}, true};
    const auto* user = user_of(h.session_id);
    if (!user || !user->valid) return {status::kUserSessionDeleted, {}};
    switch (command) {
        case Command::logoff:
            users_.erase(h.session_id);
            return {status::kSuccess, simple_body(4)};
        case Command::tree_connect:
            return tree_connect(m, h);
        default:
            break;
    }
    if (!tree_of(h)) return {status::kNetworkNameDeleted, {}};
    FileId created;
    switch (command) {
        case Command::tree_disconnect:
            trees_.erase(h.tree_id);
            return {status::kSuccess, simple_body(4)};
        case Command::create:
            return create(m, h, created);
        case Command::close:
            return close(m, h);
        case Command::read:
            return read(m, h);
        case Command::write:
            return write(m, h);
        case Command::query_directory:
            return query_directory(m, h);
        case Command::query_info:
            return query_info(m, h);
        case Command::set_info:
            return set_info(m, h);
        case Command::ioctl:
            return ioctl(m, h);
        case Command::flush:
        case Command::lock:
            return {status::kSuccess, simple_body(4)};
        default:
            break;
    }
    return {status::kNotSupported, {}};
}

std::string SmbConnection::negotiate_body(std::uint16_t dialect, const NegotiateRequest* request) {
    const bool v311 = dialect == 0x0311;
    std::uint32_t caps = 0x01;  // DFS
    if (identity_.samba) {
        caps = 0x07;  // DFS, LEASING, LARGE_MTU (smbd 4.17)
    } else if (dialect >= 0x0300) {
        // + MULTI_CHANNEL. Not ENCRYPTION (nothing here seals messages), nor DIRECTORY_LEASING
        // (Debian's impacket 0.10 fails on SMB 3 with it: UnboundLocalError parentDir).
        caps = 0x0f;
    } else if (dialect >= 0x0210 && dialect != kWildcard) {
        caps = 0x07;
    }
    caps_ = caps;
    const std::string token = NtlmAcceptor(identity_).spnego_hints();
    std::string contexts;
    std::uint16_t context_count = 0;
    if (v311 && request) {
        std::string salt(32, '\0');
        RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 32);
        put16(contexts, 1);
        put16(contexts, 38);
        put32(contexts, 0);
        put16(contexts, 1);
        put16(contexts, 32);
        put16(contexts, 1);  // SHA-512
        contexts += salt;
        ++context_count;
        if (!request->ciphers.empty()) {
            std::uint16_t cipher = 0;
            for (const std::uint16_t preferred : {std::uint16_t{2}, std::uint16_t{1}})
                if (!cipher && std::find(request->ciphers.begin(), request->ciphers.end(),
                                         preferred) != request->ciphers.end())
                    cipher = preferred;
            pad_to(contexts, 8);
            put16(contexts, 2);
            put16(contexts, 4);
            put32(contexts, 0);
            put16(contexts, 1);
            put16(contexts, cipher);
            ++context_count;
        }
    }
    std::string body;
    put16(body, 65);
    put16(body, static_cast<std::uint16_t>(1 | (settings_.signing_required ? 2 : 0)));
    put16(body, dialect);
    put16(body, context_count);
    body.append(reinterpret_cast<const char*>(server_guid_.data()), 16);
    put32(body, caps);
    put32(body, kMaxIo);
    put32(body, kMaxIo);
    put32(body, kMaxIo);
    put64(body, filetime(std::time(nullptr)));
    put64(body, 0);
    put16(body, static_cast<std::uint16_t>(kHeaderSize + 64));
    put16(body, static_cast<std::uint16_t>(token.size()));
    const std::size_t context_offset_at = body.size();
    put32(body, 0);
    body += token;
    if (context_count) {
        while ((kHeaderSize + body.size()) % 8) body += '\0';
        set32(body, context_offset_at, static_cast<std::uint32_t>(kHeaderSize + body.size()));
        body += contexts;
    }
    return body;
}

Reply SmbConnection::negotiate(const Message& m, bool smb1_upgrade, std::uint16_t wildcard) {
    if (smb1_upgrade) {
        if (wildcard == 0x0202) {
            dialect_ = 0x0202;
            negotiated_ = true;
        }
        return {status::kSuccess, negotiate_body(wildcard, nullptr)};
    }
    const auto request = parse_negotiate(m.body, m.bytes);
    if (!request || negotiated_) {
        s_.emit(s_.event("protocol_error", Severity::warning)
                    .add("error", negotiated_ ? "second negotiate" : "bad negotiate")
                    .add("data", hex_prefix(m.bytes, 64)));
        Reply r{status::kInvalidParameter, {}};
        r.close_after = true;
        return r;
    }
    std::uint16_t chosen = 0;
    for (const auto d : kDialects)
        if (d <= settings_.max_dialect &&
            std::find(request->dialects.begin(), request->dialects.end(), d) !=
                request->dialects.end())
            chosen = d;
    std::vector<std::string> offered;
    for (const auto d : request->dialects) offered.push_back(dialect_text(d));
    s_.emit(s_.event("negotiate")
                .add("dialects", json_list(offered))
                .add("dialect", chosen ? dialect_text(chosen) : "none")
                .add("client_signing", request->security_mode & 2 ? "required" : "enabled"));
    if (!chosen) {
        Reply r{status::kNotSupported, {}};
        r.close_after = true;
        return r;
    }
    dialect_ = chosen;
    negotiated_ = true;
    Reply r{status::kSuccess, negotiate_body(chosen, &*request)};
    if (chosen == 0x0311) {
        preauth_ = preauth_update(PreauthHash{}, m.bytes);
        r.hash_conn = true;
    }
    return r;
}

Reply SmbConnection::session_setup(const Message& m, Header& h) {
    const auto request = parse_session_setup(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    SmbUser* u = nullptr;
    if (h.session_id == 0) {
        if (users_.size() >= kMaxSessions) return {status::kRequestNotAccepted, {}};
        std::uint64_t id = 0;
        while (id == 0 || users_.contains(id)) {
            RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id);
            id &= 0x0000ffff0000ffffULL;  // Windows' ids: a small counter in each half
        }
        u = &users_[id];
        u->id = id;
        u->preauth = preauth_;
        h.session_id = id;
    } else {
        u = user_of(h.session_id);
        if (!u) return {status::kUserSessionDeleted, {}};
    }
    if (!u->ntlm || u->valid) {
        u->ntlm = std::make_unique<NtlmAcceptor>(identity_);
        u->valid = false;
        u->legs = 0;
    }
    if (dialect_ == 0x0311) u->preauth = preauth_update(u->preauth, m.bytes);
    const auto id = u->id;
    const auto refuse = [&](std::uint32_t why) {
        users_.erase(id);
        return Reply{why, {}};
    };
    if (++u->legs > kMaxLegs) return refuse(status::kLogonFailure);
    const auto step = u->ntlm->spnego(request->token);
    const auto body = [](std::uint16_t flags, const std::string& token) {
        std::string out;
        put16(out, 9);
        put16(out, flags);
        put16(out, static_cast<std::uint16_t>(token.empty() ? 0 : kHeaderSize + 8));
        put16(out, static_cast<std::uint16_t>(token.size()));
        out += token;
        return out;
    };
    using Status = NtlmAcceptor::Reply::Status;
    if (step.status == Status::bad) {
        s_.emit(s_.event("protocol_error", Severity::warning)
                    .add("error", "bad security blob")
                    .add("data", hex_prefix(request->token, 64)));
        return refuse(status::kLogonFailure);
    }
    if (step.status == Status::more) {
        Reply r{status::kMoreProcessing, body(0, step.token)};
        r.hash_user = dialect_ == 0x0311;
        return r;
    }
    const auto logon = *u->ntlm->logon();
    auto event = s_.event("auth", Severity::warning);
    add_ntlm_fields(event, logon);
    event.add("dialect", dialect_text(dialect_));
    if (logon.kind == NtlmLogon::Kind::anonymous) {
        event.add("status", "success");
        s_.emit(std::move(event));
        u->valid = true;
        u->anonymous = true;
        return {status::kSuccess, body(0x2, u->ntlm->spnego_final(true))};
    }
    const auto decision = decide_ntlm(*settings_.policy, s_.peer_ip(), logon, accounts_);
    event.add("status", decision.accepted ? "success" : "failed");
    s_.emit(std::move(event));
    if (!decision.accepted) return refuse(status::kLogonFailure);
    u->valid = true;
    u->user = logon.user;
    if (decision.session_key)
        u->signing_key = signing_key(dialect_, *decision.session_key, u->preauth);
    Reply r{status::kSuccess, body(0, u->ntlm->spnego_final(true, decision.session_key))};
    r.sign = true;
    return r;
}

Reply SmbConnection::tree_connect(const Message& m, Header& h) {
    const auto request = parse_tree_connect(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    const auto slash = request->path.find_last_of('\\');
    const std::string name =
        slash == std::string::npos ? request->path : request->path.substr(slash + 1);
    const auto* share = find_share(shares_, name);
    const auto* user = user_of(h.session_id);
    std::uint32_t why = status::kSuccess;
    if (!share)
        why = status::kBadNetworkName;
    else if (user->anonymous && !share->ipc)
        why = status::kAccessDenied;
    else if (trees_.size() >= kMaxTrees)
        why = status::kRequestNotAccepted;
    s_.emit(s_.event("tree_connect")
                .add("share", name.substr(0, 256))
                .add("path", request->path.substr(0, 512))
                .add("status", why == status::kSuccess          ? "success"
                               : why == status::kBadNetworkName ? "bad_network_name"
                                                                : "access_denied"));
    if (why != status::kSuccess) return {why, {}};
    const auto id = next_tree_++;
    trees_[id] = {share};
    h.tree_id = id;
    std::string body;
    put16(body, 16);
    put8(body, share->ipc ? 2 : 1);
    put8(body, 0);
    put32(body, share->ipc ? 0x30 : 0x00);
    put32(body, 0);
    put32(body, share->ipc ? 0x001f00a9 : 0x001f01ff);
    return {status::kSuccess, body};
}

namespace {

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<SmbSettings>();
    settings->policy = read_login_policy(persona);
    static constexpr std::string_view kSigning[] = {"", "enabled", "required"};
    const auto signing = persona.choice("signing", kSigning);
    const auto archetype = persona.decky().archetype.value_or("");
    settings->signing_required =
        signing == "required" || (signing.empty() && archetype == "domain-controller");
    static constexpr std::string_view kMax[] = {"", "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"};
    const auto max = persona.choice("max_dialect", kMax);
    for (const auto d : kDialects)
        if (dialect_text(d) == max) settings->max_dialect = d;
    settings->smb1 = persona.has("smb1") && persona.boolean("smb1");
    return settings;
}

awaitable<void> serve_smb(Session& s) {
    SmbConnection connection(s, s.context().settings_as<SmbSettings>());
    co_await connection.run();
}

SessionLimits smb_limits(SessionLimits runtime) {
    runtime.max_line = std::max<std::size_t>(runtime.max_line, kMaxFrame);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 64 * 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"netbios_session", "src_ip src_port called calling",
     "a NetBIOS session request (port 139): the names the client called and calls itself"},
    {"smb1_negotiate", "src_ip src_port dialects answer",
     "an SMB1 NEGOTIATE: its dialects; answer smb2 (upgraded), nt_lm_0.12 (a persona with "
     "smb1 = on) or refused (SMB1 is off)"},
    {"negotiate", "src_ip src_port dialects dialect client_signing",
     "an SMB2 NEGOTIATE: the dialects offered and the one the persona picked"},
    {"auth",
     "src_ip src_port username password credential_type? hashcat_mode? domain workstation "
     "logon_type client_version? dialect status",
     "an NTLM session setup: password is the hashcat line (credential_type netntlmv2: mode "
     "5600, netntlmv1: 5500); logon_type anonymous, guest or user"},
    {"tree_connect", "src_ip src_port share path status", "a TREE_CONNECT to a share"},
    {"file_open", "src_ip src_port share path disposition action", "a file opened or created"},
    {"file_read", "src_ip src_port share path size", "a file's content read (once per open)"},
    {"upload", "src_ip src_port share path size sha256 truncated", "a file written and closed"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "an upload's bytes, kept in the artifact store"},
    {"pipe_open", "src_ip src_port pipe", "a named pipe opened on IPC$"},
    {"rpc_bind", "src_ip src_port pipe interface uuid", "a DCE/RPC bind on a named pipe"},
    {"share_enum", "src_ip src_port level count", "srvsvc NetShareEnumAll (smbclient -L)"},
    {"exploit_probe", "src_ip src_port kind command",
     "a well-known exploit probe: ms17-010 (Trans PeekNamedPipe), doublepulsar (Trans2)"},
    {"coercion_attempt", "src_ip src_port pipe interface opnum? target?",
     "a call that makes a host authenticate elsewhere (PetitPotam EFSRPC, PrinterBug "
     "spoolss, DFSCoerce netdfs, ShadowCoerce FSRVP); answered as a patched host"},
    {"protocol_error", "src_ip src_port error data", "a malformed frame; the session may end"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace
}  // namespace smb

const ServiceModule& smb_module() {
    static const ServiceModule module{.slug = "smb",
                                      .configure = &smb::configure,
                                      .serve = &smb::serve_smb,
                                      .events = smb::kEvents,
                                      .session_limits = &smb::smb_limits};
    return module;
}

}  // namespace decnet::honeypot
