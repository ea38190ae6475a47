// The NTLM acceptor: the persona's CHALLENGE, the logon and its hashcat line, which must
// verify against the password a client used (recomputed here as hashcat would), the
// decision under a LoginPolicy, SPNEGO legs. ntlm_crypto is checked against MS-NLMP §4.2.4.
#include "honeypot/auth/ntlm_acceptor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "wire/spnego.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
namespace ntlm = wire::ntlm;
namespace crypto = ntlm_crypto;

std::string hex(std::string_view bytes) {
    return to_hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}
std::string unhex(std::string_view h) {
    std::string out(h.size() / 2, '\0');
    EXPECT_TRUE(from_hex(h, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}));
    return out;
}

TEST(NtlmCrypto, Md4AndNtHash) {
    EXPECT_EQ(hex(crypto::view(crypto::md4(""))), "31d6cfe0d16ae931b73c59d7e0c089c0");
    EXPECT_EQ(hex(crypto::view(crypto::md4("abc"))), "a448017aaf21d8525fc10ae87aa6729d");
    EXPECT_EQ(hex(crypto::view(crypto::md4(std::string(100, 'a')))).size(), 32u);
    EXPECT_EQ(hex(crypto::view(crypto::nt_hash("Password"))), "a4f49c406510bdcab6824ee7c30fd852");
}

// MS-NLMP §4.2.4: NTLMv2 with User/Domain/Password, server challenge 0123456789abcdef,
// client challenge aa×8, time 0, target info NbDomain "Domain", NbComputer "Server".
TEST(NtlmCrypto, MsNlmpNtlmv2Vectors) {
    const auto key = crypto::ntlmv2_response_key(crypto::nt_hash("Password"), "User", "Domain");
    EXPECT_EQ(hex(crypto::view(key)), "0c868a403bfd7a93a3001ef22ef02e3f");
    // The AV pairs end with MsvAvEOL; the blob's trailing 4 zero bytes follow them.
    const std::string blob2 = "\x01\x01"s + std::string(6, '\0') + std::string(8, '\0') +
                              std::string(8, '\xaa') + std::string(4, '\0') +
                              unhex(
                                  "02000c0044006f006d00610069006e0001000c00530065007200760065007200"
                                  "00000000") +
                              std::string(4, '\0');
    const auto proof = crypto::ntproofstr(key, unhex("0123456789abcdef"), blob2);
    EXPECT_EQ(hex(crypto::view(proof)), "68cd0ab851e51c96aabc927bebef6a1c");
    const auto base = crypto::hmac_md5(crypto::view(key), crypto::view(proof));
    EXPECT_EQ(hex(crypto::view(base)), "8de40ccadbc14a82f15cb0ad0de95ca3");
}

// A client's NTLMv2 AUTHENTICATE for `challenge` (what smbclient or impacket send).
std::string client_authenticate(std::string_view challenge_message, std::string_view user,
                                std::string_view domain, std::string_view password) {
    const auto c = ntlm::parse_challenge(challenge_message);
    EXPECT_TRUE(c);
    const std::string info = ntlm::build_av_pairs(c->target_info);
    const std::string blob = "\x01\x01"s + std::string(6, '\0') + std::string(8, '\x01') +
                             "CLIENTCH"s + std::string(4, '\0') + info + std::string(4, '\0');
    const std::string server(reinterpret_cast<const char*>(c->server_challenge.data()), 8);
    const auto key = crypto::ntlmv2_response_key(crypto::nt_hash(password), user, domain);
    const auto proof = crypto::ntproofstr(key, server, blob);
    ntlm::Authenticate a;
    a.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity | ntlm::kKeyExchange |
              ntlm::kSign;
    a.user = std::string(user);
    a.domain = std::string(domain);
    a.workstation = "KALI";
    a.nt_response = std::string(crypto::view(proof)) + blob;
    a.lm_response = std::string(24, '\0');
    const auto base = crypto::hmac_md5(crypto::view(key), crypto::view(proof));
    a.session_key = crypto::rc4(crypto::view(base), std::string(16, 'S'));  // exported "SSSS…"
    a.version = ntlm::Version{10, 0, 19041, 15};
    return ntlm::build_authenticate(a);
}

std::string client_negotiate() {
    ntlm::Negotiate n;
    n.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity | ntlm::kSign |
              ntlm::kKeyExchange | ntlm::k128;
    return ntlm::build_negotiate(n);
}

TEST(NtlmIdentity, PersonaNames) {
    const auto dc = ntlm_identity("dc01", "corp.local", "domain-controller", true);
    EXPECT_EQ(dc.nb_computer, "DC01");
    EXPECT_EQ(dc.nb_domain, "CORP");
    EXPECT_EQ(dc.dns_computer, "dc01.corp.local");
    EXPECT_EQ(dc.dns_forest, "corp.local");
    EXPECT_EQ(dc.version.build, 20348);
    EXPECT_TRUE(dc.domain_member);
    const auto samba = ntlm_identity("files.example.org", "example.org", "file-server", false);
    EXPECT_TRUE(samba.samba);
    EXPECT_EQ(samba.nb_computer, "FILES");
    EXPECT_EQ(samba.nb_domain, "FILES");
    EXPECT_EQ(samba.dns_computer, "files.example.org");
    EXPECT_EQ(samba.version.text(), "6.1.0");
    const auto alone = ntlm_identity("averyveryverylonghostname", "", "", true);
    EXPECT_EQ(alone.nb_computer.size(), 15u);
    EXPECT_FALSE(alone.domain_member);
}

TEST(NtlmAcceptor, ChallengeCarriesThePersona) {
    NtlmAcceptor acceptor(ntlm_identity("ws07", "corp.local", "windows-workstation", true));
    const auto challenge = acceptor.challenge(client_negotiate());
    ASSERT_TRUE(challenge);
    const auto c = ntlm::parse_challenge(*challenge);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->target_name, "CORP");
    EXPECT_EQ(c->target_info.nb_computer, "WS07");
    EXPECT_EQ(c->target_info.dns_computer, "ws07.corp.local");
    EXPECT_TRUE(c->target_info.timestamp);
    EXPECT_EQ(c->version.text(), "10.0.19045");
    EXPECT_TRUE(c->flags & ntlm::kTargetTypeDomain);
    EXPECT_TRUE(c->flags & ntlm::kKeyExchange);
    EXPECT_FALSE(acceptor.challenge("garbage"));
    // Two challenges differ.
    const auto again = ntlm::parse_challenge(*acceptor.challenge(client_negotiate()));
    EXPECT_NE(again->server_challenge, c->server_challenge);
}

TEST(NtlmAcceptor, CapturedNetNtlmv2VerifiesAgainstThePassword) {
    NtlmAcceptor acceptor(ntlm_identity("fs01", "corp.local", "windows-server", true));
    const auto challenge = acceptor.challenge(client_negotiate());
    const auto logon =
        acceptor.authenticate(client_authenticate(*challenge, "alice", "CORP", "Winter2024!"));
    ASSERT_TRUE(logon);
    EXPECT_EQ(logon->kind, NtlmLogon::Kind::user);
    EXPECT_EQ(logon->user, "alice");
    EXPECT_EQ(logon->workstation, "KALI");
    EXPECT_EQ(logon->hashcat_mode, 5600);
    EXPECT_EQ(logon->client_version, "10.0.19041");
    // hashcat 5600: user::domain:challenge:ntproofstr:blob — recompute as hashcat does.
    std::vector<std::string> parts;
    std::string_view line = logon->hash;
    for (std::size_t colon; (colon = line.find(':')) != std::string_view::npos;) {
        parts.emplace_back(line.substr(0, colon));
        line.remove_prefix(colon + 1);
    }
    parts.emplace_back(line);
    ASSERT_EQ(parts.size(), 6u);
    EXPECT_EQ(parts[0], "alice");
    EXPECT_EQ(parts[2], "CORP");
    const auto key =
        crypto::ntlmv2_response_key(crypto::nt_hash("Winter2024!"), parts[0], parts[2]);
    const auto proof = crypto::ntproofstr(key, unhex(parts[3]), unhex(parts[5]));
    EXPECT_EQ(hex(crypto::view(proof)), parts[4]);
    const auto wrong = crypto::ntproofstr(
        crypto::ntlmv2_response_key(crypto::nt_hash("Winter2025!"), parts[0], parts[2]),
        unhex(parts[3]), unhex(parts[5]));
    EXPECT_NE(hex(crypto::view(wrong)), parts[4]);

    const auto key_back = verify_ntlm_password(*logon, "Winter2024!");
    ASSERT_TRUE(key_back);
    EXPECT_EQ(std::string(crypto::view(*key_back)), std::string(16, 'S'));
    EXPECT_FALSE(verify_ntlm_password(*logon, "winter2024!"));

    Event event;
    add_ntlm_fields(event, *logon);
    EXPECT_EQ(*event.find("username"), "alice");
    EXPECT_EQ(*event.find("password"), logon->hash);
    EXPECT_EQ(*event.find("credential_type"), "netntlmv2");
    EXPECT_EQ(*event.find("logon_type"), "user");
}

TEST(NtlmAcceptor, DecisionUnderThePolicy) {
    LoginPolicy::Options options;
    options.logins = {{"Alice", "Winter2024!"}};
    LoginPolicy policy(options);
    NtlmAcceptor acceptor(ntlm_identity("fs01", "corp.local", "windows-server", true));
    auto challenge = acceptor.challenge(client_negotiate());
    auto logon =
        acceptor.authenticate(client_authenticate(*challenge, "alice", "CORP", "Winter2024!"));
    auto d = decide_ntlm(policy, "10.0.0.9", *logon);
    EXPECT_TRUE(d.accepted);
    EXPECT_EQ(d.password, "Winter2024!");
    EXPECT_TRUE(d.session_key);
    challenge = acceptor.challenge(client_negotiate());
    logon = acceptor.authenticate(client_authenticate(*challenge, "alice", "CORP", "nope"));
    d = decide_ntlm(policy, "10.0.0.9", *logon);
    EXPECT_FALSE(d.accepted);
    EXPECT_FALSE(d.session_key);
    // A decky account's own password counts as listed.
    challenge = acceptor.challenge(client_negotiate());
    logon = acceptor.authenticate(client_authenticate(*challenge, "bob", "CORP", "Hunter2!"));
    d = decide_ntlm(policy, "10.0.0.9", *logon, {{"bob", "Hunter2!"}});
    EXPECT_TRUE(d.accepted);
}

TEST(NtlmAcceptor, AnonymousAndGuestAreToldApart) {
    NtlmAcceptor acceptor(ntlm_identity("fs01", "", "file-server", false));
    ASSERT_TRUE(acceptor.challenge(client_negotiate()));
    ntlm::Authenticate anon;
    anon.flags = ntlm::kUnicode | ntlm::kAnonymous;
    anon.lm_response = "\0"s;
    auto logon = acceptor.authenticate(ntlm::build_authenticate(anon));
    ASSERT_TRUE(logon);
    EXPECT_EQ(logon->kind, NtlmLogon::Kind::anonymous);
    EXPECT_TRUE(logon->hash.empty());
    const auto challenge = acceptor.challenge(client_negotiate());
    logon = acceptor.authenticate(client_authenticate(*challenge, "Guest", "", ""));
    EXPECT_EQ(logon->kind, NtlmLogon::Kind::guest);
    LoginPolicy::Options any;
    any.mode = AcceptMode::any;
    LoginPolicy policy(any);
    EXPECT_FALSE(decide_ntlm(policy, "10.0.0.9", *logon).accepted);
}

TEST(NtlmAcceptor, AuthenticateBeforeChallengeIsRefused) {
    NtlmAcceptor acceptor(ntlm_identity("fs01", "", "", true));
    ntlm::Challenge c;
    c.flags = ntlm::kUnicode;
    EXPECT_FALSE(
        acceptor.authenticate(client_authenticate(ntlm::build_challenge(c), "a", "b", "c")));
}

TEST(NtlmAcceptor, SpnegoLegs) {
    NtlmAcceptor acceptor(ntlm_identity("ws07", "corp.local", "windows-workstation", true));
    const auto hints = wire::spnego::parse(acceptor.spnego_hints());
    ASSERT_TRUE(hints && hints->init);
    EXPECT_EQ(hints->init->mechs.back(), wire::spnego::kNtlmssp);

    wire::spnego::Init init;
    init.mechs = {std::string(wire::spnego::kNtlmssp)};
    init.mech_token = client_negotiate();
    auto reply = acceptor.spnego(wire::spnego::build_init(init));
    ASSERT_EQ(reply.status, NtlmAcceptor::Reply::Status::more);
    const auto resp = wire::spnego::parse(reply.token);
    ASSERT_TRUE(resp && resp->resp);
    EXPECT_EQ(resp->resp->supported_mech, wire::spnego::kNtlmssp);
    wire::spnego::Resp auth;
    auth.response_token =
        client_authenticate(resp->resp->response_token, "alice", "CORP", "Winter2024!");
    reply = acceptor.spnego(wire::spnego::build_resp(auth));
    ASSERT_EQ(reply.status, NtlmAcceptor::Reply::Status::done);
    ASSERT_TRUE(acceptor.logon());
    EXPECT_EQ(acceptor.logon()->user, "alice");
    const auto final_token = wire::spnego::parse(acceptor.spnego_final(false));
    EXPECT_EQ(final_token->resp->state, wire::spnego::NegState::reject);
    const auto key = verify_ntlm_password(*acceptor.logon(), "Winter2024!");
    const auto accepted = wire::spnego::parse(acceptor.spnego_final(true, key));
    EXPECT_EQ(accepted->resp->state, wire::spnego::NegState::accept_completed);
    EXPECT_EQ(accepted->resp->mic.size(), 16u);

    // Kerberos first: the server asks for NTLM; raw NTLMSSP is answered raw.
    NtlmAcceptor other(ntlm_identity("ws07", "corp.local", "windows-workstation", true));
    init.mechs = {std::string(wire::spnego::kMsKerberos), std::string(wire::spnego::kNtlmssp)};
    init.mech_token = "krb5 ticket";
    reply = other.spnego(wire::spnego::build_init(init));
    ASSERT_EQ(reply.status, NtlmAcceptor::Reply::Status::more);
    EXPECT_TRUE(wire::spnego::parse(reply.token)->resp->response_token.empty());
    reply = other.spnego(client_negotiate());
    ASSERT_EQ(reply.status, NtlmAcceptor::Reply::Status::more);
    EXPECT_EQ(ntlm::message_type(reply.token), ntlm::MessageType::challenge);
    EXPECT_EQ(other.spnego("\x30\x00"s).status, NtlmAcceptor::Reply::Status::bad);
}

}  // namespace
}  // namespace decnet::honeypot
