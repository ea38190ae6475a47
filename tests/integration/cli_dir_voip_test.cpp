// `decnet up` with the directory, VoIP and name-resolution emulators against the real clients:
// ldapsearch reads the Active Directory and OpenLDAP rootDSEs, binds over StartTLS and LDAPS
// are captured, ldapwhoami answers like each product, an accepted bind searches users and SPNs,
// ldapdelete is refused; sipsak and sipvicious (svmap, svwar, svcrack) see the persona PBXs and
// every attempt is an event; dig gets the decky's address over LLMNR and mDNS and the query is
// logged; nmap -sV names each product twice. Subnet 127.208.0.0/24 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFleet =
    "[general]\nnet = 127.208.0.0/24\n\n"
    "[dc]\nip = 127.208.0.10\narchetype = domain-controller\nservices = ldap,llmnr\n\n"
    "[dc.ldap]\nlogins = administrator:Winter2025!\n\n"
    "[lx]\nip = 127.208.0.11\ndistro = debian\nservices = ldap\n\n"
    "[pbx]\nip = 127.208.0.20\narchetype = voip-server\nservices = sip\n\n"
    "[pbx.sip]\nlogins = 100:100\n\n"
    "[fpbx]\nip = 127.208.0.21\nservices = sip\n\n"
    "[fpbx.sip]\nproduct = freepbx\nversion = 16.0.33(18.15.0)\n";

std::string joined(const std::vector<std::string>& rows) {
    std::string all;
    for (const auto& r : rows) all += r + "\n";
    return all;
}

// The hostname `up` printed for the decky at `ip` (its plan table).
std::string hostname_of(const std::string& banner, const std::string& ip) {
    std::smatch m;
    const std::regex row(ip + R"(\s+(\S+)\s)");
    return std::regex_search(banner, m, row) ? m[1].str() : std::string();
}

TEST(CliDirVoip, LdapSipAndLlmnrAnswerRealClientsAndLogTheirAttempts) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kFleet);
    write_file(dir + "/words", "abc\n1234\n100\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/d.db", "--state-dir", dir},
                         dir);
    const auto banner = up.wait_for_output("decnet is up");
    ASSERT_THAT(banner, HasSubstr("127.208.0.10:636/tcp")) << up.err();
    ASSERT_THAT(banner, HasSubstr("127.208.0.20:5060/udp"));
    ASSERT_THAT(banner, HasSubstr("127.208.0.10:5355/udp"));
    const auto dc_host = hostname_of(banner, "127.208.0.10");
    ASSERT_FALSE(dc_host.empty()) << banner;

    // ---- ldap ----
    const auto root = capture("timeout 10 ldapsearch -x -H ldap://127.208.0.10 -b '' -s base 2>&1");
    EXPECT_THAT(root, HasSubstr("namingContexts: DC=corp,DC=local"));
    EXPECT_THAT(root, HasSubstr("defaultNamingContext: DC=corp,DC=local"));
    EXPECT_THAT(root, HasSubstr("supportedSASLMechanisms: GSS-SPNEGO"));
    EXPECT_THAT(root, HasSubstr("domainFunctionality: 7"));
    EXPECT_THAT(root, ContainsRegex("dnsHostName: [a-z0-9-]+\\.corp\\.local"));
    EXPECT_THAT(capture("timeout 10 ldapsearch -x -H ldap://127.208.0.11 -b '' -s base + 2>&1"),
                HasSubstr("structuralObjectClass: OpenLDAProotDSE"));
    const std::string tls = "LDAPTLS_REQCERT=never timeout 10 ";
    EXPECT_THAT(capture(tls + "ldapwhoami -x -ZZ -H ldap://127.208.0.11 -D "
                              "'cn=admin,dc=corp,dc=local' -w 'S3cret!' 2>&1"),
                HasSubstr("ldap_bind: Invalid credentials (49)"));
    EXPECT_THAT(capture(tls + "ldapwhoami -x -H ldaps://127.208.0.10 -D 'CORP\\administrator' -w "
                              "'Winter2025!' 2>&1"),
                HasSubstr("u:CORP\\Administrator"));
    EXPECT_THAT(capture("timeout 10 ldapwhoami -x -H ldap://127.208.0.11 2>&1"),
                HasSubstr("anonymous"));
    EXPECT_THAT(capture("timeout 10 ldapsearch -x -H ldap://127.208.0.10 -b DC=corp,DC=local "
                        "'(objectClass=user)' 2>&1"),
                HasSubstr("result: 1 Operations error\ntext: 000004DC: LdapErr"));
    const auto users = capture(
        "timeout 10 ldapsearch -x -H ldap://127.208.0.10 -D administrator@corp.local -w "
        "'Winter2025!' -b DC=corp,DC=local -E pr=4/noprompt "
        "'(&(objectCategory=person)(servicePrincipalName=*))' sAMAccountName "
        "servicePrincipalName 2>&1");
    EXPECT_THAT(users, HasSubstr("sAMAccountName: svc_sql"));
    EXPECT_THAT(users, HasSubstr("servicePrincipalName: MSSQLSvc/db01.corp.local:1433"));
    EXPECT_THAT(users, HasSubstr("result: 0 Success"));
    EXPECT_THAT(capture("timeout 10 ldapdelete -x -H ldap://127.208.0.10 -D "
                        "administrator@corp.local -w 'Winter2025!' "
                        "CN=Guest,CN=Users,DC=corp,DC=local 2>&1"),
                HasSubstr("Insufficient access (50)"));

    // impacket's NTLM bind (Sicily), as its tools and ldapdomaindump use it.
    write_file(dir + "/sicily.py",
               "from impacket.ldap import ldap\n"
               "for pw in ('wrong', 'Winter2025!'):\n"
               "    c = ldap.LDAPConnection('ldap://127.208.0.10', 'DC=corp,DC=local')\n"
               "    try:\n"
               "        c.login('administrator', pw, 'CORP')\n"
               "        print('login ok')\n"
               "    except Exception as e:\n"
               "        print('login failed', e)\n");
    const auto sicily = capture("timeout 30 /usr/bin/python3 " + dir + "/sicily.py 2>&1");
    EXPECT_THAT(sicily, HasSubstr("login failed Error in bindRequest -> invalidCredentials"));
    EXPECT_THAT(sicily, HasSubstr("login ok"));

    // ---- sip ----
    const auto options = capture("timeout 10 sipsak -vv -s sip:100@127.208.0.20 2>&1");
    EXPECT_THAT(options, HasSubstr("SIP/2.0 200 OK"));
    EXPECT_THAT(options, HasSubstr("Server: Asterisk PBX 16.30.0"));
    const auto map = capture("timeout 30 svmap 127.208.0.20-127.208.0.21 2>&1");
    EXPECT_THAT(map, HasSubstr("Asterisk PBX 16.30.0"));
    EXPECT_THAT(map, HasSubstr("FPBX-16.0.33(18.15.0)"));
    const auto war = capture("timeout 60 svwar -e100-125 127.208.0.20 2>&1");
    EXPECT_THAT(war, ContainsRegex("\\| 100 +\\| reqauth"));
    EXPECT_THAT(war, ContainsRegex("\\| 120 +\\| reqauth"));
    EXPECT_THAT(war, Not(HasSubstr("| 121 ")));
    EXPECT_THAT(capture("timeout 30 svcrack -u 100 -d " + dir + "/words 127.208.0.20 2>&1"),
                ContainsRegex("\\| 100 +\\| 100 +\\|"));

    // ---- llmnr / mDNS ----
    EXPECT_THAT(
        capture("timeout 10 dig +time=2 +tries=1 @127.208.0.10 -p 5355 " + dc_host + " 2>&1"),
        ContainsRegex(dc_host + "\\.\\s+30\\s+IN\\s+A\\s+127\\.208\\.0\\.10"));
    EXPECT_THAT(
        capture("timeout 10 dig +time=2 +tries=1 @127.208.0.10 -p 5353 " + dc_host + ".local 2>&1"),
        ContainsRegex("IN\\s+A\\s+127\\.208\\.0\\.10"));
    EXPECT_THAT(capture("timeout 10 dig +time=1 +tries=1 @127.208.0.10 -p 5355 wpad 2>&1"),
                HasSubstr("timed out"));

    // ---- nmap -sV names every product, the same way twice ----
    for (int run = 0; run < 2; ++run) {
        const auto scan = capture(
            "timeout 120 nmap -n -sV -Pn -p 389,636,5060 127.208.0.10 127.208.0.11 127.208.0.20 "
            "127.208.0.21 2>&1");
        EXPECT_THAT(scan, ContainsRegex("389/tcp +open +ldap +Microsoft Windows Active Directory "
                                        "LDAP \\(Domain: corp\\.local"))
            << scan;
        EXPECT_THAT(scan, ContainsRegex("636/tcp +open +ssl/ldap +Microsoft Windows Active"));
        EXPECT_THAT(scan, ContainsRegex("389/tcp +open +ldap +OpenLDAP"));
        EXPECT_THAT(scan, ContainsRegex("5060/tcp +open +sip-proxy +Asterisk PBX 16\\.30\\.0"));
        EXPECT_THAT(scan, ContainsRegex("5060/tcp +open +sip-proxy +FreePBX 16\\.0\\.33"));
    }

    auto repo = store::open_sqlite(dir + "/d.db");
    wait_for_logs(*repo, "service:llmnr event:query", 3);
    wait_for_logs(*repo, "service:sip event:auth", 3);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto binds = joined(stored_fields(*repo, "service:ldap event:bind", 50));
    EXPECT_THAT(binds, HasSubstr(R"("username":"cn=admin,dc=corp,dc=local","password":"S3cret!")"));
    EXPECT_THAT(binds, ContainsRegex(R"("dn":"cn=admin,dc=corp,dc=local".*"tls":"True")"));
    EXPECT_THAT(binds, HasSubstr(R"("status":"anonymous")"));
    EXPECT_THAT(
        binds,
        HasSubstr(R"("password":"Winter2025!","credential_type":"cleartext","status":"success")"));
    EXPECT_THAT(
        binds,
        ContainsRegex(
            R"("mechanism":"SICILY".*"username":"administrator","password":"administrator::CORP:[0-9a-f]{16}:[0-9a-f]{32}:)"));
    EXPECT_THAT(binds, HasSubstr(R"("credential_type":"netntlmv2","hashcat_mode":"5600")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:ldap event:search", 50)),
                HasSubstr(R"("recon":"kerberoast")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:ldap event:write", 5)),
                HasSubstr(R"("op":"delete")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:ldap event:extended", 20)),
                HasSubstr(R"("name":"starttls")"));

    const auto sip_auth = joined(stored_fields(*repo, "service:sip event:auth", 20));
    EXPECT_THAT(sip_auth,
                ContainsRegex(R"("username":"100","password":"\$sip\$\*127\.208\.0\.20\*)"));
    EXPECT_THAT(sip_auth, HasSubstr(R"("status":"success")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:sip event:enumeration", 20)),
                HasSubstr(R"("method":"REGISTER")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:sip event:request", 50)),
                HasSubstr(R"("method":"OPTIONS")"));

    const auto queries = joined(stored_fields(*repo, "service:llmnr event:query", 20));
    EXPECT_THAT(queries, HasSubstr(R"("proto":"LLMNR","name":")" + dc_host +
                                   R"(","qtype":"A","answered":"True","suspect":"False")"));
    EXPECT_THAT(queries,
                HasSubstr(R"("name":"wpad","qtype":"A","answered":"False","suspect":"True")"));
    EXPECT_THAT(queries, HasSubstr(R"("proto":"mDNS")"));
}

}  // namespace
}  // namespace decnet::testing
