// `decnet up` with the vnc emulator against real clients: nmap's -sV and vnc-info name each
// persona's product and security types; nmap's vnc-brute (RFB 3.8) and vncsnapshot (RFB 3.3,
// a vncpasswd file) are refused and their responses captured as $vnc$ hashes that verify
// against the passwords they sent; vncsnapshot grabs the no-auth persona's desktop.
// Subnet 127.202.0.0/16 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "events/event.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"
#include "support/vnc_des.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

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
    "[alpha]\nip = 127.202.0.10\nnmap_os = windows\nhostname = WKS-FIN-07\nservices = vnc\n\n"
    "[bravo]\nip = 127.202.0.11\ndistro = debian\nhostname = ops-console\nservices = vnc\n\n"
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

}  // namespace
}  // namespace decnet::testing
