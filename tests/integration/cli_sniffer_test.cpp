// `decnet sniffer` on loopback against real clients: curl and `openssl s_client` to an
// `openssl s_server` on a decky address, OpenSSH's `ssh` to the decky's ssh, and an nmap
// SYN scan. JA3/JA3S and HASSH/HASSHServer must equal tshark's on the capture the sniffer
// itself wrote (--write), SYNs get p0f labels from Debian's p0f.fp, and `--read` of that
// capture prints exactly the events the live run printed. Subnet 127.203.0.0/16 only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "events/rfc5424.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

bool have(const char* tool) {
    return capture(std::string("command -v ") + tool + " >/dev/null 2>&1 && echo yes") == "yes\n";
}

// Its non-empty lines (tshark and the sniffer end with one newline, or print nothing).
std::vector<std::string> nonempty_lines(const std::string& text) {
    std::vector<std::string> out;
    for (auto& line : lines_of(text))
        if (!line.empty()) out.push_back(std::move(line));
    return out;
}

// Values of `field` in the events of `type` among RFC 5424 lines.
std::set<std::string> values(const std::vector<std::string>& lines, const std::string& type,
                             const std::string& field) {
    std::set<std::string> out;
    for (const auto& line : lines) {
        const auto parsed = parse_rfc5424(line);
        if (!parsed.ok() || parsed->msgid != type) continue;
        if (const auto* value = parsed->find(field)) out.insert(*value);
    }
    return out;
}

std::set<std::string> tshark_values(const std::string& pcap, const std::string& field) {
    std::set<std::string> out;
    for (const auto& line : nonempty_lines(capture("tshark -r " + pcap + " -Y '" + field +
                                                   "' -T fields -e " + field + " 2>/dev/null")))
        out.insert(line);
    return out;
}

// Each background process writes its output files in a directory of its own.
std::string subdir(const std::string& dir, const std::string& name) {
    std::filesystem::create_directories(dir + "/" + name);
    return dir + "/" + name;
}

void wait_for_err(const BackgroundProcess& process, const std::string& text) {
    for (int i = 0; i < 100 && process.err().find(text) == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

TEST(CliSniffer, FingerprintsOfRealClientsMatchTsharkAndReadReplaysThem) {
    if (geteuid() != 0 || !have("tshark") || !have("nmap") || !have("sshpass") ||
        !std::filesystem::exists("/etc/p0f/p0f.fp"))
        GTEST_SKIP() << "needs root, tshark, nmap, sshpass and p0f (scripts/install-deps.sh)";
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "ssh", "--distro", "debian",
         "--subnet", "127.203.1.0/24", "--db", dir + "/s.db", "--state-dir", dir + "/state"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.203.1.1:22/tcp")) << up.err();
    capture("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
            "/c.pem -subj /CN=shop.example -days 2 2>/dev/null");
    BackgroundProcess https({"/usr/bin/openssl", "s_server", "-accept", "127.203.1.1:18443",
                             "-cert", dir + "/c.pem", "-key", dir + "/k.pem", "-www", "-quiet"},
                            subdir(dir, "https"));
    const auto pcap = dir + "/capture.pcap";
    BackgroundProcess sniffer({DECNET_BINARY, "sniffer", "-i", "lo", "--decky",
                               "decky-01=127.203.1.1", "--write", pcap, "--duration", "40"},
                              subdir(dir, "sniffer"));
    wait_for_err(sniffer, "capturing on lo");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    capture("timeout 10 curl -sk --http1.1 https://127.203.1.1:18443/ -o /dev/null");
    capture(
        "echo | timeout 10 openssl s_client -connect 127.203.1.1:18443 -tls1_2 "
        "-servername shop.example >/dev/null 2>&1");
    capture(
        "timeout 30 sshpass -p admin ssh -o StrictHostKeyChecking=no -o "
        "UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.203.1.1 true");
    capture("timeout 30 nmap -sS -Pn -n -p 22,18443,1 --max-retries 0 127.203.1.1 >/dev/null");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    sniffer.stop();
    https.stop();
    up.stop();

    const auto live = nonempty_lines(sniffer.out());
    ASSERT_FALSE(live.empty()) << sniffer.err();
    if (std::getenv("SNIFFER_TEST_VERBOSE")) std::cerr << "capture in " << dir << "\n";
    // JA3 / JA3S / HASSH / HASSHServer as tshark computes them from the same frames.
    const auto ja3 = values(live, "tls_client_hello", "ja3");
    EXPECT_EQ(ja3.size(), 2u);
    EXPECT_EQ(ja3, tshark_values(pcap, "tls.handshake.ja3"));
    EXPECT_EQ(values(live, "tls_session", "ja3s"), tshark_values(pcap, "tls.handshake.ja3s"));
    EXPECT_EQ(values(live, "tls_client_hello", "sni"), (std::set<std::string>{"", "shop.example"}));
    EXPECT_EQ(values(live, "tls_certificate", "subject_cn"), std::set<std::string>{"shop.example"});
    const auto hassh = values(live, "ssh_client_kexinit", "hassh");
    ASSERT_EQ(hassh.size(), 1u);
    EXPECT_EQ(hassh, tshark_values(pcap, "ssh.kex.hassh"));
    EXPECT_EQ(values(live, "ssh_server_kexinit", "hassh_server"),
              tshark_values(pcap, "ssh.kex.hasshserver"));
    // SYNs: Linux's (curl, ssh) and nmap's, both labelled by p0f.fp.
    const auto p0f = values(live, "tcp_syn_fingerprint", "p0f_os");
    EXPECT_TRUE(p0f.contains("NMap SYN scan")) << ::testing::PrintToString(p0f);
    EXPECT_TRUE(std::any_of(p0f.begin(), p0f.end(), [](const std::string& os) {
        return os.rfind("Linux", 0) == 0;
    })) << ::testing::PrintToString(p0f);
    // The reference's coarse table has no row for nmap's MSS-only SYN (intel.md §7 check 30).
    EXPECT_TRUE(values(live, "tcp_syn_fingerprint", "os_guess").contains("unknown"));

    // Offline: the same events, byte for byte (capture times, not wall clock).
    const auto offline = run_decnet({"sniffer", "--read", pcap, "--decky", "decky-01=127.203.1.1"});
    ASSERT_EQ(offline.exit_code, 0) << offline.err;
    EXPECT_EQ(nonempty_lines(offline.out), live);

    // A capture cut in the middle of a record: the frames before the cut, and a warning.
    capture("head -c $(( $(stat -c %s " + pcap + ") - 20 )) " + pcap + " > " + dir + "/cut.pcap");
    const auto cut =
        run_decnet({"sniffer", "--read", dir + "/cut.pcap", "--decky", "decky-01=127.203.1.1"});
    EXPECT_EQ(cut.exit_code, 0) << cut.err;
    EXPECT_THAT(cut.err, HasSubstr("truncated"));
    EXPECT_FALSE(nonempty_lines(cut.out).empty());
}

TEST(CliSniffer, BadInputIsReported) {
    const auto dir = make_temp_dir();
    write_file(dir + "/junk.pcap", "this is not a capture file");
    const auto junk =
        run_decnet({"sniffer", "--read", dir + "/junk.pcap", "--decky", "d=127.203.2.1"});
    EXPECT_NE(junk.exit_code, 0);
    EXPECT_THAT(junk.err, HasSubstr("junk.pcap"));
    const auto no_deckies =
        run_decnet({"sniffer", "--read", dir + "/junk.pcap", "--state-dir", dir});
    EXPECT_EQ(no_deckies.exit_code, 2);
    EXPECT_THAT(no_deckies.err, HasSubstr("--decky"));
    const auto bad_decky = run_decnet({"sniffer", "--read", dir + "/x", "--decky", "nope"});
    EXPECT_EQ(bad_decky.exit_code, 2);
}

}  // namespace
}  // namespace decnet::testing
