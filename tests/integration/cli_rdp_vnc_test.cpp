// `decnet up` with the remote desktop emulators and http's NTLM against real clients.
// vnc: nmap's -sV and vnc-info name each persona's product and security types; nmap's
// vnc-brute (RFB 3.8) and vncsnapshot (RFB 3.3, a vncpasswd file) are refused and their
// responses captured as $vnc$ hashes that verify against the passwords they sent; vncsnapshot
// grabs the no-auth persona's desktop. rdp: nmap -sV, rdp-ntlm-info and rdp-enum-encryption
// see Windows with NLA and the decky's identity; xfreerdp /auth-only and impacket's
// rdp_check.py fail their logons and the NetNTLMv2 hashes verify. http: curl --ntlm on /ews.
// Subnet 127.202.0.0/16 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "events/event.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"
#include "support/netntlmv2.hpp"
#include "support/vnc_des.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string bytes_of_hex(const std::string& hex) {
    std::string out(hex.size() / 2, '\0');
    from_hex(hex, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    return out;
}

// How many of the stored `$vnc$*C*R` hashes verify against one of `passwords`.
int verified_vnc_hashes(const std::vector<std::string>& rows,
                        const std::vector<std::string>& passwords) {
    static const std::regex kHash(R"(\$vnc\$\*([0-9A-F]{32})\*([0-9A-F]{32}))");
    int verified = 0;
    for (const auto& row : rows) {
        std::smatch m;
        if (!std::regex_search(row, m, kHash)) continue;
        const auto challenge = bytes_of_hex(m[1]), response = bytes_of_hex(m[2]);
        for (const auto& pw : passwords)
            if (vnc_response(pw, challenge) == response) {
                ++verified;
                break;
            }
    }
    return verified;
}

constexpr const char* kVncFleet =
    "[general]\nnet = 127.202.0.0/24\n\n"
    "[alpha]\nip = 127.202.0.10\nnmap_os = windows\nservices = vnc\n\n"
    "[bravo]\nip = 127.202.0.11\ndistro = debian\nservices = vnc\n\n"
    "[bravo.vnc]\nauth = none\n\n"
    "[charlie]\nip = 127.202.0.12\nservices = vnc\n\n"
    "[charlie.vnc]\nserver = tightvnc\n";

TEST(CliVnc, ViewersAreRefusedAndTheirResponsesVerify) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kVncFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/v.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.202.0.12:5900/tcp")) << up.err();

    const auto scan = capture(
        "timeout 60 nmap -n -Pn -sV --script vnc-info -p 5900 127.202.0.10 127.202.0.11 "
        "127.202.0.12 2>&1");
    EXPECT_THAT(scan, ContainsRegex("5900/tcp +open +vnc +RealVNC Enterprise 5.3 or later"))
        << scan;
    EXPECT_THAT(scan, HasSubstr("RA2ne (6)"));
    EXPECT_THAT(scan, HasSubstr("WARNING: Server does not require authentication"));
    EXPECT_THAT(scan, HasSubstr("STDV VNCAUTH_ (2)"));
    EXPECT_THAT(scan, ContainsRegex("5900/tcp +open +vnc +VNC \\(protocol 3.8\\)"));

    // RFB 3.8 password attempts (nmap's vnc-brute), RealVNC and TightVNC personas.
    write_file(dir + "/pass.txt", "Secret12\n");
    write_file(dir + "/users.txt", "vnc\n");
    const auto brute =
        capture("timeout 60 nmap -n -Pn --script vnc-brute --script-args passdb=" + dir +
                "/pass.txt,userdb=" + dir + "/users.txt -p 5900 127.202.0.10 127.202.0.12 2>&1");
    EXPECT_THAT(brute, HasSubstr("No valid accounts found")) << brute;
    // RFB 3.3 (vncsnapshot) with a vncpasswd file: refused.
    write_file(dir + "/vncpasswd", vncpasswd_file("Winter24"));
    const auto refused = capture("timeout 20 vncsnapshot -passwd " + dir +
                                 "/vncpasswd 127.202.0.10:0 " + dir + "/refused.jpg 2>&1");
    EXPECT_THAT(refused, HasSubstr("failed")) << refused;
    // The no-auth desktop: a snapshot of the still screen.
    const auto shot =
        capture("timeout 20 vncsnapshot 127.202.0.11:0 " + dir +
                "/desk.jpg >/dev/null 2>&1; head -c 2 " + dir + "/desk.jpg | od -An -tx1");
    EXPECT_THAT(shot, HasSubstr("ff d8"));

    auto repo = store::open_sqlite(dir + "/v.db");
    wait_for_logs(*repo, "service:vnc event:auth_response", 3);
    wait_for_logs(*repo, "service:vnc event:client_init", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto auths = stored_fields(*repo, "service:vnc event:auth_response", 50);
    EXPECT_EQ(verified_vnc_hashes(auths, {"Secret12", "Winter24"}), 3) << auths.size();
    std::string all;
    for (const auto& a : auths) all += a + "\n";
    EXPECT_THAT(all, HasSubstr(R"("username":"vnc","password":"$vnc$*)"));
    EXPECT_THAT(all, HasSubstr(R"("credential_type":"vnc")"));
    std::string versions;
    for (const auto& v : stored_fields(*repo, "service:vnc event:version", 50)) versions += v;
    EXPECT_THAT(versions, HasSubstr("RFB 003.003"));
    EXPECT_THAT(versions, HasSubstr("RFB 003.008"));
}

// The NetNTLMv2 line (password field) of the stored `auth` row of `user`, or "".
std::string netntlmv2_of(const std::vector<std::string>& rows, const std::string& user) {
    static const std::regex kLine(R"re("password":"([^"]+)")re");
    for (const auto& row : rows) {
        if (row.find("\"username\":\"" + user + "\"") == std::string::npos) continue;
        std::smatch m;
        if (std::regex_search(row, m, kLine)) return m[1];
    }
    return "";
}

constexpr const char* kRdpFleet =
    "[general]\nnet = 127.202.1.0/24\n\n"
    "[wks]\nip = 127.202.1.10\narchetype = windows-workstation\n"
    "services = rdp\n\n"
    "[srv]\nip = 127.202.1.11\narchetype = windows-server\nservices = rdp\n\n"
    "[srv.rdp]\nsecurity = tls\n";

TEST(CliRdp, NlaLogonsAreRefusedAndTheirHashesVerify) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kRdpFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/r.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.202.1.11:3389/tcp")) << up.err();

    const auto scan = capture(
        "timeout 90 nmap -n -Pn -sV --script rdp-ntlm-info,rdp-enum-encryption -p 3389 "
        "127.202.1.10 127.202.1.11 2>&1");
    EXPECT_THAT(scan, ContainsRegex("3389/tcp +open +ms-wbt-server +Microsoft Terminal Services"))
        << scan;
    // The decky's Windows identity: its hostname in the corp.local domain.
    EXPECT_THAT(scan, ContainsRegex("NetBIOS_Computer_Name: [A-Z0-9-]+\n"));
    EXPECT_THAT(scan, HasSubstr("NetBIOS_Domain_Name: CORP"));
    EXPECT_THAT(scan, ContainsRegex("DNS_Computer_Name: [A-Za-z0-9-]+\\.corp\\.local"));
    EXPECT_THAT(scan, HasSubstr("Product_Version: 10.0.19045"));
    EXPECT_THAT(scan, HasSubstr("Product_Version: 10.0.17763"));
    EXPECT_THAT(scan, HasSubstr("CredSSP (NLA): SUCCESS"));

    // FreeRDP's authentication-only mode: NLA with bob's password, refused.
    // xfreerdp opens the X display before it reads /auth-only: a virtual one.
    const auto freerdp = capture("HOME=" + dir +
                                 " timeout 60 xvfb-run -a xfreerdp /auth-only /v:127.202.1.10 "
                                 "/u:bob /p:pw /d:CORP /cert:ignore 2>&1; echo exit=$?");
    EXPECT_THAT(freerdp, HasSubstr("ERRCONNECT_LOGON_FAILURE")) << freerdp;
    EXPECT_THAT(freerdp, Not(HasSubstr("exit=0"))) << freerdp;
    // impacket's rdp_check.py (CredSSP version 2: the connection just ends).
    const std::string rdp_check = "/usr/share/doc/python3-impacket/examples/rdp_check.py";
    const auto impacket = capture("timeout 60 /usr/bin/python3 " + rdp_check +
                                  " 'CORP/carol:Winter2024!@127.202.1.11' 2>&1");
    EXPECT_THAT(impacket, Not(HasSubstr("Access Granted"))) << impacket;

    auto repo = store::open_sqlite(dir + "/r.db");
    wait_for_logs(*repo, "service:rdp event:auth", 2);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto auths = stored_fields(*repo, "service:rdp event:auth", 50);
    const auto bob = netntlmv2_of(auths, "bob");
    EXPECT_TRUE(netntlmv2_matches(bob, "pw")) << bob;
    EXPECT_THAT(bob, ::testing::StartsWith("bob::CORP:"));
    EXPECT_TRUE(netntlmv2_matches(netntlmv2_of(auths, "carol"), "Winter2024!"));
    std::string all;
    for (const auto& a : auths) all += a + "\n";
    EXPECT_THAT(all, HasSubstr(R"("credential_type":"netntlmv2","hashcat_mode":"5600")"));
    std::string requests;
    for (const auto& r : stored_fields(*repo, "service:rdp event:connection_request", 50))
        requests += r + "\n";
    EXPECT_THAT(requests, HasSubstr(R"("requested_protocols":"SSL|HYBRID")"));
    EXPECT_THAT(requests, HasSubstr(R"("selected_protocol":"HYBRID")"));
    EXPECT_THAT(requests, HasSubstr(R"("failure":"HYBRID_REQUIRED_BY_SERVER")"));
}

constexpr const char* kHttpNtlmFleet =
    "[general]\nnet = 127.202.2.0/24\n\n"
    "[mail]\nip = 127.202.2.10\narchetype = windows-server\n"
    "services = http\n\n"
    "[mail.http]\nserver_header = Microsoft-IIS/10.0\nntlm_paths = /ews,/owa/auth\n";

TEST(CliHttpNtlm, CurlNtlmLogonIsRefusedAndItsHashVerifies) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kHttpNtlmFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/h.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.202.2.10:80/tcp")) << up.err();
    const auto probe = capture("curl -s -i -m 20 http://127.202.2.10/ews/Exchange.asmx 2>&1");
    EXPECT_THAT(probe, HasSubstr("HTTP/1.1 401 Unauthorized"));
    EXPECT_THAT(probe, HasSubstr("WWW-Authenticate: Negotiate"));
    EXPECT_THAT(probe, HasSubstr("WWW-Authenticate: NTLM"));
    const auto curl = capture(
        "curl -s -o /dev/null -w '%{http_code}' -m 20 --ntlm -u "
        "'CORP\\carol:pw' http://127.202.2.10/ews/ 2>&1");
    EXPECT_EQ(curl, "401");
    // Paths outside ntlm_paths are the persona's page as before.
    EXPECT_THAT(capture("curl -s -i -m 20 http://127.202.2.10/ 2>&1"), HasSubstr("403"));

    auto repo = store::open_sqlite(dir + "/h.db");
    wait_for_logs(*repo, "service:http event:auth", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto auths = stored_fields(*repo, "service:http event:auth", 5);
    const auto carol = netntlmv2_of(auths, "carol");
    EXPECT_TRUE(netntlmv2_matches(carol, "pw")) << carol;
    EXPECT_THAT(auths.at(0), HasSubstr(R"("domain":"CORP")"));
    EXPECT_THAT(auths.at(0), HasSubstr(R"("scheme":"NTLM","path":"/ews/","status":"failed")"));
}

}  // namespace
}  // namespace decnet::testing
