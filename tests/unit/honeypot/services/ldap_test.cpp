// The ldap emulator's dialogue over an in-memory session: the rootDSE of each product, simple
// binds captured and decided by the persona, AD refusing anonymous searches, directory
// searches with filters and paged results, writes refused, WhoAmI, and a length lie ending
// the session with a Notice of Disconnection.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"
#include "wire/ber.hpp"
#include "wire/ldap.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;
namespace ber = wire::ber;
namespace wl = wire::ldap;

std::string str(const std::string& s) {
    return ber::tlv(ber::kOctetString, s);
}
std::string integer(std::int64_t v, std::uint8_t tag = ber::kInteger) {
    return ber::tlv(tag, ber::integer_contents(v));
}
std::string msg(std::int64_t id, const std::string& op, const std::string& controls = "") {
    return ber::tlv(ber::kSequence, integer(id) + op + controls);
}
std::string bind(std::int64_t id, const std::string& dn, const std::string& password) {
    return msg(id, ber::tlv(0x60, integer(3) + str(dn) + ber::tlv(0x80, password)));
}
std::string search(std::int64_t id, const std::string& base, int scope, const std::string& filter,
                   const std::string& controls = "") {
    return msg(id,
               ber::tlv(0x63, str(base) + integer(scope, ber::kEnumerated) +
                                  integer(0, ber::kEnumerated) + integer(0) + integer(0) +
                                  ber::tlv(0x01, "\x00"s) + filter + ber::tlv(ber::kSequence, "")),
               controls);
}
std::string present(const std::string& attr) {
    return ber::tlv(0x87, attr);
}
std::string equals(const std::string& attr, const std::string& value) {
    return ber::tlv(0xa3, str(attr) + str(value));
}

// One response message: its protocolOp tag and the whole bytes.
std::pair<int, std::string> read_response(Dialogue& d) {
    const auto head = d.read_exact(6);
    if (head.size() != 6) return {-1, head};
    std::size_t n = 0;
    for (int i = 2; i < 6; ++i) n = (n << 8) | static_cast<unsigned char>(head[i]);
    const auto body = d.read_exact(n);
    ber::Reader r(body);
    r.integer("id");
    const auto tag = r.peek_tag();
    return {tag ? *tag : -1, head + body};
}

// The resultCode of a response's LDAPResult.
int result_code(const std::string& bytes) {
    ber::Reader outer(bytes);
    const auto m = outer.next();
    ber::Reader r(m->second);
    r.integer("id");
    const auto op = r.next();
    ber::Reader result(op->second);
    return static_cast<int>(result.integer("code", ber::kEnumerated).value_or(-1));
}

Dialogue ldap(PersonaConfig persona) {
    return Dialogue("ldap", DialogueOptions{.persona = std::move(persona)});
}

TEST(LdapDialogue, ActiveDirectoryPublishesItsRootDseAndRefusesAnonymousSearches) {
    auto d = ldap({{"product", "active_directory"}});
    ASSERT_TRUE(d.send(search(1, "", 0, present("objectClass"))));
    const auto [tag, entry] = read_response(d);
    EXPECT_EQ(tag, 0x64);
    EXPECT_NE(entry.find("dsServiceName"), std::string::npos);
    EXPECT_NE(entry.find("CN=NTDS Settings,CN=WEB-PROD-03,CN=Servers"), std::string::npos);
    EXPECT_NE(entry.find("GSS-SPNEGO"), std::string::npos);
    EXPECT_NE(entry.find("domainFunctionality"), std::string::npos);
    EXPECT_EQ(result_code(read_response(d).second), 0);

    const auto base = "DC=" + d.world().host.domain.substr(0, d.world().host.domain.find('.'));
    ASSERT_TRUE(d.send(search(2, base, 2, present("objectClass"))));
    const auto [done_tag, done] = read_response(d);
    EXPECT_EQ(done_tag, 0x65);
    EXPECT_EQ(result_code(done), wl::result::operations_error);
    EXPECT_NE(done.find("000004DC"), std::string::npos);

    const auto events = d.finish();
    std::vector<std::string> statuses;
    for (const auto& e : events)
        if (e.event_type == "search") statuses.push_back(field(e, "status"));
    EXPECT_EQ(statuses, (std::vector<std::string>{"success", "bind_required"}));
}

TEST(LdapDialogue, SimpleBindsAreCapturedAndAnAcceptedOneSearchesTheDirectory) {
    auto d = ldap({{"product", "active_directory"}, {"logins", "administrator:Winter2025!"}});
    ASSERT_TRUE(d.send(bind(1, "CORP\\jdoe", "guess1")));
    const auto refused = read_response(d).second;
    EXPECT_EQ(result_code(refused), wl::result::invalid_credentials);
    EXPECT_NE(refused.find("data 52e"), std::string::npos);
    ASSERT_TRUE(d.send(bind(2, "administrator@corp.local", "Winter2025!")));
    EXPECT_EQ(result_code(read_response(d).second), 0);

    // WhoAmI names the account the AD way.
    ASSERT_TRUE(d.send(msg(3, ber::tlv(0x77, ber::tlv(0x80, std::string(wl::kWhoAmIOid))))));
    EXPECT_NE(read_response(d).second.find("u:"), std::string::npos);

    // Service accounts with SPNs: kerberoasting bait, found by a real filter.
    const auto& domain = d.world().host.domain;
    std::string base;
    for (std::size_t at = 0; at <= domain.size();) {
        const auto dot = std::min(domain.find('.', at), domain.size());
        base += (base.empty() ? "DC=" : ",DC=") + domain.substr(at, dot - at);
        at = dot + 1;
    }
    const auto filter =
        ber::tlv(0xa0, equals("objectCategory", "person") + present("servicePrincipalName"));
    ASSERT_TRUE(d.send(search(4, base, 2, filter)));
    std::string all;
    int entries = 0;
    for (;;) {
        const auto [tag, bytes] = read_response(d);
        all += bytes;
        if (tag != 0x64) break;
        ++entries;
    }
    EXPECT_GE(entries, 3);
    EXPECT_NE(all.find("MSSQLSvc/db01."), std::string::npos);
    EXPECT_NE(all.find("svc_sql"), std::string::npos);

    // Paged results: two entries per page, the cookie carries on.
    const auto paged =
        ber::tlv(0xa0, ber::tlv(ber::kSequence, str(std::string(wl::kPagedResultsOid)) +
                                                    str(wl::paged_results_value(2, ""))));
    ASSERT_TRUE(d.send(search(5, base, 2, present("objectClass"), paged)));
    EXPECT_EQ(read_response(d).first, 0x64);
    EXPECT_EQ(read_response(d).first, 0x64);
    const auto [page_tag, page_done] = read_response(d);
    EXPECT_EQ(page_tag, 0x65);
    EXPECT_NE(page_done.find(std::string(wl::kPagedResultsOid)), std::string::npos);

    // Writes are refused and captured.
    ASSERT_TRUE(d.send(msg(6, ber::tlv(0x4a, "CN=Guest,CN=Users," + base))));
    EXPECT_EQ(result_code(read_response(d).second), wl::result::insufficient_access_rights);

    const auto events = d.finish();
    int binds = 0;
    for (const auto& e : events)
        if (e.event_type == "bind") {
            ++binds;
            if (binds == 1) {
                EXPECT_EQ(field(e, "username"), "CORP\\jdoe");
                EXPECT_EQ(field(e, "password"), "guess1");
                EXPECT_EQ(field(e, "status"), "failed");
            } else {
                EXPECT_EQ(field(e, "status"), "success");
            }
        }
    EXPECT_EQ(binds, 2);
    bool kerberoast = false;
    for (const auto& e : events)
        if (e.event_type == "search" && field(e, "recon") == "kerberoast") kerberoast = true;
    EXPECT_TRUE(kerberoast);
    EXPECT_EQ(field(decnet::testing::first_event(events, "write"), "op"), "delete");
}

TEST(LdapDialogue, OpenLdapReadsAnonymouslyAndRefusesLdapV2LikeNmapExpects) {
    auto d = ldap({{"product", "openldap"}});
    ASSERT_TRUE(d.send("\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x02\x04\x00\x80\x00"s));
    EXPECT_EQ(read_response(d).second,
              "0\x84\0\0\0I\x02\x01\x01"
              "a\x84\0\0\0@\n\x01\x02\x04\0\x04"
              "9historical protocol version requested, use LDAPv3 instead"s);
    ASSERT_TRUE(d.send(search(2, "", 0, present("objectClass"))));
    const auto root = read_response(d).second;
    EXPECT_NE(root.find("OpenLDAProotDSE"), std::string::npos);
    EXPECT_EQ(root.find("namingContexts"), std::string::npos);  // operational: asked for only
    read_response(d);
    ASSERT_TRUE(d.send(bind(3, "", "")));
    EXPECT_EQ(result_code(read_response(d).second), 0);
    ASSERT_TRUE(d.send(bind(4, "cn=admin,dc=x", "")));
    EXPECT_EQ(result_code(read_response(d).second), wl::result::unwilling_to_perform);
    const auto events = d.finish();
    std::vector<std::string> statuses;
    for (const auto& e : events)
        if (e.event_type == "bind") statuses.push_back(field(e, "status"));
    EXPECT_EQ(statuses,
              (std::vector<std::string>{"refused_version", "anonymous", "unauthenticated"}));
}

TEST(LdapDialogue, ALengthLieEndsTheSessionWithANoticeOfDisconnection) {
    auto d = ldap({});
    ASSERT_TRUE(d.send("\x30\x84\x7f\xff\xff\xff\x02\x01\x01"s));
    const auto notice = read_response(d);
    EXPECT_EQ(notice.first, 0x78);
    EXPECT_NE(notice.second.find("1.3.6.1.4.1.1466.20036"), std::string::npos);
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_NE(field(decnet::testing::first_event(events, "protocol_error"), "error").find("large"),
              std::string::npos);
}

}  // namespace
}  // namespace decnet::honeypot
