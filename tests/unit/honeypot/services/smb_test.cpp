// The smb emulator over an in-memory session (the dialogue's world is a Linux host: the
// Samba persona): SMB1 upgraded to SMB2 or refused as smbd does, an SMB2 3.1.1 negotiate, an
// NTLM session setup whose challenge names the decky and whose failed logon is captured as a
// NetNTLMv2 line that verifies against the password, and bad frames ending the session.
#include <gtest/gtest.h>

#include "events/event.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "honeypot/services/smb/smb1.hpp"
#include "honeypot/services/smb/smb2.hpp"
#include "support/dialogue.hpp"
#include "wire/ntlm.hpp"
#include "wire/spnego.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::field;
using decnet::testing::first_event;
namespace ntlm = wire::ntlm;
namespace spnego = wire::spnego;

void le16(std::string& o, std::uint16_t v) {
    o += static_cast<char>(v & 0xff);
    o += static_cast<char>(v >> 8);
}
void le32(std::string& o, std::uint32_t v) {
    le16(o, static_cast<std::uint16_t>(v & 0xffff));
    le16(o, static_cast<std::uint16_t>(v >> 16));
}

std::string nb(const std::string& m) {
    return std::string(1, '\0') + static_cast<char>(m.size() >> 16) +
           static_cast<char>((m.size() >> 8) & 0xff) + static_cast<char>(m.size() & 0xff) + m;
}

std::string read_message(Dialogue& d) {
    const auto head = d.read_exact(4);
    if (head.size() != 4) return {};
    const std::size_t n = static_cast<std::uint8_t>(head[1]) << 16 |
                          static_cast<std::uint8_t>(head[2]) << 8 |
                          static_cast<std::uint8_t>(head[3]);
    return d.read_exact(n);
}

std::string header(std::uint16_t command, std::uint64_t id, std::uint64_t session) {
    smb::Header h;
    h.command = command;
    h.message_id = id;
    h.session_id = session;
    h.credits = 1;
    return smb::build_header(h);
}

std::string negotiate() {
    std::string b;
    le16(b, 36);
    le16(b, 3);
    le16(b, 1);
    le16(b, 0);
    le32(b, 0);
    b.append(16, 'g');
    le32(b, 112);
    le16(b, 1);
    le16(b, 0);
    for (const std::uint16_t d : {0x0202, 0x0300, 0x0311}) le16(b, d);
    b.append(6, '\0');  // 64 + 36 + 6 = 106 → 112
    le16(b, 1);
    le16(b, 38);
    le32(b, 0);
    le16(b, 1);
    le16(b, 32);
    le16(b, 1);
    b.append(32, 's');
    return header(0, 0, 0) + b;
}

std::string session_setup(std::uint64_t id, std::uint64_t session, const std::string& token) {
    std::string b;
    le16(b, 25);
    b += "\0\x01"s;
    le32(b, 0);
    le32(b, 0);
    le16(b, 64 + 24);
    le16(b, static_cast<std::uint16_t>(token.size()));
    b.append(8, '\0');
    return header(1, id, session) + b + token;
}

std::uint32_t status_of(const std::string& m) {
    return smb::parse_header(m).value_or(smb::Header{}).status;
}

std::string smb1_negotiate(const std::vector<std::string>& dialects) {
    std::string bytes;
    for (const auto& d : dialects) bytes += "\x02" + d + '\0';
    std::string m("\xffSMBr\0\0\0\0\x18\x53\xc8"s);
    m.append(12, '\0');
    m += "\xff\xff\xfe\xff\0\0\0\0"s;
    m += '\0';
    le16(m, static_cast<std::uint16_t>(bytes.size()));
    return m + bytes;
}

TEST(Smb, Smb1IsUpgradedOrRefusedAsSmbdDoes) {
    {
        Dialogue d("smb");
        d.send(nb(smb1_negotiate({"NT LM 0.12", "SMB 2.002", "SMB 2.???"})));
        const auto reply = read_message(d);
        ASSERT_GE(reply.size(), 64u + 6);
        EXPECT_EQ(reply.substr(0, 4), "\xfeSMB");
        EXPECT_EQ(static_cast<std::uint8_t>(reply[68]), 0xff);  // dialect 0x02ff
        EXPECT_EQ(static_cast<std::uint8_t>(reply[69]), 0x02);
    }
    Dialogue d("smb");
    const auto request = smb1_negotiate({"NT LM 0.12"});
    d.send(nb(request));
    EXPECT_EQ(read_message(d), smb::samba_smb1_refusal(request));
    d.expect_closed();
    EXPECT_EQ(field(first_event(d.events(), "smb1_negotiate"), "answer"), "refused");
}

TEST(Smb, NegotiateAndFailedNtlmLogonCapturesAVerifiableHash) {
    Dialogue d("smb");
    d.send(nb(negotiate()));
    const auto negotiated = read_message(d);
    ASSERT_EQ(status_of(negotiated), 0u);
    EXPECT_EQ(negotiated.substr(68, 2), "\x11\x03"s);  // 3.1.1

    ntlm::Negotiate n;
    n.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity;
    spnego::Init init;
    init.mechs = {std::string(spnego::kNtlmssp)};
    init.mech_token = ntlm::build_negotiate(n);
    d.send(nb(session_setup(1, 0, spnego::build_init(init))));
    const auto more = read_message(d);
    ASSERT_EQ(status_of(more), smb::status::kMoreProcessing);
    const auto session = smb::parse_header(more)->session_id;
    EXPECT_NE(session, 0u);
    const auto token = spnego::parse(more.substr(72));
    ASSERT_TRUE(token && token->resp);
    const auto challenge = ntlm::parse_challenge(token->resp->response_token);
    ASSERT_TRUE(challenge);
    EXPECT_EQ(challenge->target_info.nb_computer, "WEB-PROD-03");
    EXPECT_EQ(challenge->version.text(), "6.1.0");  // Samba

    namespace c = ntlm_crypto;
    const std::string blob = "\x01\x01"s + std::string(14, '\0') + "clientch"s +
                             std::string(4, '\0') + ntlm::build_av_pairs(challenge->target_info) +
                             std::string(4, '\0');
    const std::string server(reinterpret_cast<const char*>(challenge->server_challenge.data()), 8);
    const auto key = c::ntlmv2_response_key(c::nt_hash("Spring2025"), "mallory", "EVIL");
    ntlm::Authenticate a;
    a.flags = n.flags;
    a.user = "mallory";
    a.domain = "EVIL";
    a.workstation = "KALI";
    a.nt_response = std::string(c::view(c::ntproofstr(key, server, blob))) + blob;
    spnego::Resp resp;
    resp.response_token = ntlm::build_authenticate(a);
    d.send(nb(session_setup(2, session, spnego::build_resp(resp))));
    EXPECT_EQ(status_of(read_message(d)), smb::status::kLogonFailure);

    const auto auth = first_event(d.events(), "auth");
    EXPECT_EQ(field(auth, "username"), "mallory");
    EXPECT_EQ(field(auth, "status"), "failed");
    EXPECT_EQ(field(auth, "hashcat_mode"), "5600");
    const auto line = field(auth, "password");
    EXPECT_TRUE(line.starts_with("mallory::EVIL:" + to_hex(challenge->server_challenge) + ":" +
                                 to_hex(c::ntproofstr(key, server, blob)) + ":"))
        << line;
    EXPECT_EQ(field(first_event(d.events(), "negotiate"), "dialect"), "3.1.1");
}

TEST(Smb, BadFramesEndTheSession) {
    {
        Dialogue d("smb");
        d.send("\x00\xff\xff\xff"s);  // 16 MiB announced: over the frame bound
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.events(), "protocol_error"), "error"), "frame too large");
    }
    {
        Dialogue d("smb");
        auto bad = negotiate();
        bad[20] = 0x08;  // NextCommand 8: shorter than a header
        d.send(nb(bad));
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.events(), "protocol_error"), "error"), "bad SMB2 frame");
    }
    Dialogue d("smb");
    d.send(nb(header(3, 1, 0) + "garbage"));  // before any negotiate
    EXPECT_EQ(status_of(read_message(d)), smb::status::kInvalidParameter);
    d.expect_closed();
}

}  // namespace
}  // namespace decnet::honeypot
