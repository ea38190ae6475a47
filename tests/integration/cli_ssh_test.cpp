// ssh with the real OpenSSH tools: `ssh` (password, exec, a public key, -L/-D forwarding),
// `scp` (legacy and sftp modes), `sftp`, `ssh-audit`, `ssh-keyscan` and `nmap -sV`, against
// `decnet up`; Debian's own sshd started on loopback is the yardstick for what the decky
// must look like (its KEXINIT, so HASSHServer, and what ssh-audit reports).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "events/event.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSshOptions =
    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
    "-o ConnectTimeout=10 ";

std::string all_of(const std::vector<std::string>& rows) {
    std::string out;
    for (const auto& row : rows) out += row + "\n";
    return out;
}

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
    return to_hex({digest, size});
}

std::string md5_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
    return to_hex({digest, size});
}

TEST(CliSsh, RealClientsLoginRunCommandsAndMoveFiles) {
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "ssh", "--distro", "debian",
         "--subnet", "127.181.0.0/24", "--db", dir + "/s.db", "--state-dir", dir},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.181.0.1:22/tcp")) << up.err();
    const std::string host = "root@127.181.0.1";
    const std::string ssh = "timeout 30 sshpass -p admin ssh " + kSshOptions + host + " ";

    // exec through the shell: two commands, the persona's own facts.
    const auto facts = capture(ssh + "'uname -a; cat /etc/os-release; nproc; free -m' 2>&1");
    EXPECT_THAT(facts, HasSubstr("GNU/Linux"));
    EXPECT_THAT(facts, HasSubstr("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\""));
    EXPECT_THAT(facts, HasSubstr("Mem:"));

    // A wrong password: the client gives up after its one try, as with sshd.
    const auto refused = capture("timeout 30 sshpass -p nope ssh " + kSshOptions +
                                 "-o NumberOfPasswordPrompts=1 " + host + " true 2>&1; echo rc=$?");
    EXPECT_THAT(refused, HasSubstr("Permission denied (publickey,password)"));
    EXPECT_THAT(refused, HasSubstr("rc=255"));

    // A public key is tried, refused and logged with ssh-keygen's fingerprint.
    capture("ssh-keygen -q -t ed25519 -N '' -f " + dir + "/id_test");
    const auto fingerprint =
        capture("ssh-keygen -lf " + dir + "/id_test.pub | cut -d' ' -f2 | tr -d '\\n'");
    capture("timeout 30 ssh " + kSshOptions + "-o BatchMode=yes -o IdentitiesOnly=yes -i " + dir +
            "/id_test " + host + " true 2>&1");

    // Uploads: legacy scp, scp over sftp, sftp put; all the same bytes, all kept.
    std::string payload = "#!/bin/sh\necho pwned\n";
    for (int i = 0; i < 2000; ++i) payload += "x";
    write_file(dir + "/dropper.sh", payload);
    const std::string scp = "timeout 30 sshpass -p admin scp " + kSshOptions;
    EXPECT_THAT(capture(scp + "-O " + dir + "/dropper.sh " + host + ":/tmp/a.sh 2>&1; echo rc=$?"),
                HasSubstr("rc=0"));
    EXPECT_THAT(capture(scp + dir + "/dropper.sh " + host + ":/tmp/b.sh 2>&1; echo rc=$?"),
                HasSubstr("rc=0"));
    const auto sftp = capture("printf 'put " + dir + "/dropper.sh /tmp/c.sh\\nls -l /tmp\\nget " +
                              "/etc/hostname " + dir + "/hostname\\n' | timeout 30 sshpass -p " +
                              "admin sftp " + kSshOptions + host + " 2>&1");
    EXPECT_THAT(sftp, HasSubstr("c.sh"));
    EXPECT_FALSE(read_file(dir + "/hostname").empty());
    // Downloads of the decky's files over legacy scp.
    capture(scp + "-O " + host + ":/etc/os-release " + dir + "/os-release 2>&1");
    EXPECT_THAT(read_file(dir + "/os-release"), HasSubstr("Debian GNU/Linux 12"));

    // Forwarding: -L and -D are refused when used, and each request is logged.
    std::filesystem::create_directories(dir + "/tunnel");
    BackgroundProcess tunnel(
        {"/usr/bin/sshpass", "-p", "admin", "ssh", "-N", "-o", "StrictHostKeyChecking=no", "-o",
         "UserKnownHostsFile=/dev/null", "-o", "ExitOnForwardFailure=no", "-L",
         "127.0.0.1:28422:10.9.9.9:80", "-D", "127.0.0.1:28423", host},
        dir + "/tunnel");
    std::this_thread::sleep_for(std::chrono::seconds(3));
    capture("timeout 5 curl -s http://127.0.0.1:28422/ 2>&1");
    capture(
        "timeout 5 curl -s --socks5-hostname 127.0.0.1:28423 http://db01.corp.local:8080/ 2>&1");

    auto repo = store::open_sqlite(dir + "/s.db");
    wait_for_logs(*repo, "service:ssh event:forward_request", 2);
    tunnel.stop();
    wait_for_logs(*repo, "service:ssh event:file_captured", 3);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto auths = all_of(stored_fields(*repo, "service:ssh event:auth", 200));
    EXPECT_THAT(
        auths,
        HasSubstr(
            R"("username":"root","password":"admin","method":"password","status":"success")"));
    EXPECT_THAT(
        auths,
        HasSubstr(R"("username":"root","password":"nope","method":"password","status":"failed")"));
    const auto keys = all_of(stored_fields(*repo, "service:ssh event:auth_publickey", 50));
    EXPECT_THAT(keys, HasSubstr(R"("key_type":"ssh-ed25519","fingerprint":")" + fingerprint));
    const auto versions = all_of(stored_fields(*repo, "service:ssh event:client_version", 200));
    EXPECT_THAT(versions, HasSubstr(R"("client_version":"SSH-2.0-OpenSSH_)"));
    EXPECT_THAT(versions, HasSubstr(R"("hassh":")"));
    const auto files = all_of(stored_fields(*repo, "service:ssh event:file_captured", 50));
    EXPECT_THAT(files, HasSubstr(R"("sha256":")" + sha256_hex(payload) + "\""));
    EXPECT_THAT(files, HasSubstr(R"("transfer":"scp")"));
    EXPECT_THAT(files, HasSubstr(R"("transfer":"sftp")"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/artifacts/" + sha256_hex(payload)));
    const auto forwards = all_of(stored_fields(*repo, "service:ssh event:forward_request", 50));
    EXPECT_THAT(forwards, HasSubstr(R"("kind":"direct-tcpip","host":"10.9.9.9","port":"80")"))
        << tunnel.err();
    EXPECT_THAT(forwards, HasSubstr(R"("host":"db01.corp.local","port":"8080")"));
    const auto commands = all_of(stored_fields(*repo, "service:ssh event:command", 200));
    EXPECT_THAT(commands, HasSubstr("uname -a; cat /etc/os-release; nproc; free -m"));
    EXPECT_GE(stored_fields(*repo, "service:ssh event:disconnect", 200).size(), 6u);
}

// An interactive login (a pty, as an attacker types) is recorded and replays; with persona
// downloads=fetch and an explicit allow for the test's own loopback server, wget really
// fetches into the artifact store and the shell sees the file.
TEST(CliSsh, InteractiveSessionReplaysAndAllowedDownloadIsFetched) {
    const auto dir = make_temp_dir();
    std::filesystem::create_directories(dir + "/www");
    std::filesystem::create_directories(dir + "/web");
    const std::string payload = "#!/bin/sh\n# miner dropper\necho xmrig\n";
    write_file(dir + "/www/x.sh", payload);
    BackgroundProcess web({"/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1",
                           "--directory", dir + "/www", "28431"},
                          dir + "/web");
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.183.0.0/24\n\n[alpha]\nip = 127.183.0.10\ndistro = debian\n"
               "services = ssh\n\n[alpha.ssh]\ndownloads = fetch\ndownload_allow = 127.0.0.1/32\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/i.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.183.0.10:22/tcp")) << up.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the web server's start

    const auto fetched =
        capture("timeout 30 sshpass -p admin ssh " + kSshOptions +
                "root@127.183.0.10 'cd /tmp && wget -q http://127.0.0.1:28431/x.sh "
                "&& cat /tmp/x.sh' 2>&1");
    EXPECT_THAT(fetched, HasSubstr("echo xmrig"));

    const auto typed = capture(
        "(sleep 1.5; echo 'uname -a'; sleep 0.5; echo 'cat /etc/hostname'; sleep 0.5; echo exit; "
        "sleep 0.5) | timeout 30 sshpass -p admin ssh -tt " +
        kSshOptions + "root@127.183.0.10 2>&1");
    EXPECT_THAT(typed, HasSubstr("root@"));
    EXPECT_THAT(typed, HasSubstr("GNU/Linux"));
    EXPECT_THAT(typed, HasSubstr("logout"));

    auto repo = store::open_sqlite(dir + "/i.db");
    wait_for_logs(*repo, "service:ssh event:session_recorded", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    web.stop();

    const auto downloads = all_of(stored_fields(*repo, "service:ssh event:download", 20));
    EXPECT_THAT(downloads, HasSubstr(R"("url":"http://127.0.0.1:28431/x.sh")"));
    EXPECT_THAT(downloads, HasSubstr(R"("status":"fetched")"));
    EXPECT_THAT(downloads, HasSubstr(sha256_hex(payload)));
    EXPECT_TRUE(std::filesystem::exists(dir + "/artifacts/" + sha256_hex(payload)));

    const auto recorded = stored_fields(*repo, "service:ssh event:session_recorded", 5);
    ASSERT_EQ(recorded.size(), 1u);
    const auto at = recorded[0].find(R"("cast":")");
    ASSERT_NE(at, std::string::npos);
    const auto cast = recorded[0].substr(at + 8, 64);
    const auto replay = run_decnet({"replay", "--speed", "0", "--state-dir", dir, cast});
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    EXPECT_THAT(replay.out, HasSubstr("uname -a"));
    EXPECT_THAT(replay.out, HasSubstr("GNU/Linux"));
    const auto commands = all_of(stored_fields(*repo, "service:ssh event:command", 50));
    EXPECT_THAT(commands, HasSubstr(R"("cmd":"cat /etc/hostname")"));
}

// The lists of a server's KEXINIT as `ssh -vv` prints them ("debug2: KEX algorithms: …" after
// "peer server KEXINIT proposal"), and HASSHServer of them.
struct ServerProposal {
    std::string kex, ciphers, macs, compression, host_keys;
    std::string hassh_server() const {
        return md5_hex(kex + ";" + ciphers + ";" + macs + ";" + compression);
    }
};

ServerProposal proposal_of(const std::string& target, const std::string& port) {
    const auto log = capture("timeout 20 ssh -vv " + kSshOptions +
                             "-o BatchMode=yes -o PreferredAuthentications=none -p " + port +
                             " nobody@" + target + " true 2>&1");
    const auto peer = log.find("peer server KEXINIT proposal");
    std::istringstream lines(log.substr(peer == std::string::npos ? log.size() : peer));
    ServerProposal p;
    std::string line;
    auto value = [&](const std::string& key) {
        return line.find(key) == std::string::npos ? std::string()
                                                   : line.substr(line.find(key) + key.size());
    };
    while (std::getline(lines, line)) {
        if (p.kex.empty()) p.kex = value("debug2: KEX algorithms: ");
        if (p.host_keys.empty()) p.host_keys = value("debug2: host key algorithms: ");
        if (p.ciphers.empty()) p.ciphers = value("debug2: ciphers stoc: ");
        if (p.macs.empty()) p.macs = value("debug2: MACs stoc: ");
        if (p.compression.empty()) p.compression = value("debug2: compression stoc: ");
    }
    return p;
}

TEST(CliSsh, LooksLikeDebiansOwnSshdToSshAuditNmapAndHassh) {
    const auto dir = make_temp_dir();
    // Debian's sshd with its own keys and defaults, on a loopback port.
    for (const char* type : {"rsa", "ecdsa", "ed25519"})
        capture(std::string("ssh-keygen -q -t ") + type + " -N '' -f " + dir + "/host_" + type);
    write_file(dir + "/sshd_config", "Port 28424\nListenAddress 127.0.0.1\nHostKey " + dir +
                                         "/host_rsa\nHostKey " + dir + "/host_ecdsa\nHostKey " +
                                         dir + "/host_ed25519\nPidFile " + dir +
                                         "/sshd.pid\nUsePAM no\n");
    std::filesystem::create_directories("/run/sshd");
    // Each background process gets its own directory for its output files.
    std::filesystem::create_directories(dir + "/sshd");
    std::filesystem::create_directories(dir + "/again");
    BackgroundProcess sshd({"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"},
                           dir + "/sshd");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto real_banner =
        capture("timeout 5 sh -c 'echo | nc -q1 127.0.0.1 28424' | head -1 | tr -d '\\r\\n'");
    ASSERT_THAT(real_banner, HasSubstr("SSH-2.0-OpenSSH_")) << sshd.err();

    // Two deckies; alpha claims to be exactly that sshd's release.
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.182.0.0/24\n\n[alpha]\nip = 127.182.0.10\n"
               "distro = debian\nservices = ssh\n\n[alpha.ssh]\nssh_version = " +
                   real_banner +
                   "\n\n[bravo]\nip = 127.182.0.11\n"
                   "distro = debian\nservices = ssh\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/h.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.182.0.10:22/tcp")) << up.err();

    const auto real = proposal_of("127.0.0.1", "28424");
    const auto decky = proposal_of("127.182.0.10", "22");
    ASSERT_FALSE(real.kex.empty());
    EXPECT_EQ(decky.kex, real.kex);
    EXPECT_EQ(decky.ciphers, real.ciphers);
    EXPECT_EQ(decky.macs, real.macs);
    EXPECT_EQ(decky.compression, real.compression);
    EXPECT_EQ(decky.host_keys, real.host_keys);
    EXPECT_EQ(decky.hassh_server(), real.hassh_server());
    std::cout << "[  HASSH   ] HASSHServer of Debian's sshd " << real.hassh_server()
              << ", of the decky " << decky.hassh_server() << "\n";

    // ssh-audit: the same software and the same findings (fingerprints aside).
    auto audit = [](const std::string& args) {
        auto text = capture("timeout 60 ssh-audit -n " + args + " 2>&1 | grep -v '^(fin)'");
        return text;
    };
    const auto real_audit = audit("-p 28424 127.0.0.1");
    const auto decky_audit = audit("127.182.0.10");
    EXPECT_THAT(decky_audit, HasSubstr("(gen) software: OpenSSH 9.2p1"));
    EXPECT_THAT(decky_audit, Not(HasSubstr("software: libssh")));
    EXPECT_EQ(decky_audit.substr(decky_audit.find("(gen)")),
              real_audit.substr(real_audit.find("(gen)")));

    // nmap -sV names the product and version.
    const auto nmap = capture("timeout 120 nmap -n -sV -Pn -p 22 127.182.0.10 2>&1");
    EXPECT_THAT(nmap, HasSubstr("OpenSSH 9.2p1 Debian"));

    // Garbage: a web request instead of a version line gets sshd's answer; a packet that
    // claims 2 GiB ends its connection; neither stops the next client.
    EXPECT_THAT(capture("printf 'GET / HTTP/1.1\\r\\n\\r\\n' | timeout 5 nc -q2 127.182.0.10 22"),
                HasSubstr("Invalid SSH identification string."));
    EXPECT_THAT(capture("(printf 'SSH-2.0-Go\\r\\n'; printf '\\177\\377\\377\\377xxxx'; sleep 1) "
                        "| timeout 5 nc -q2 127.182.0.10 22 | head -c 40"),
                HasSubstr("SSH-2.0-OpenSSH_9.2p1"));
    // 100 KB of random bytes (the server may reset the connection before nc reads the
    // banner: what matters is the next client).
    capture("head -c 100000 /dev/urandom | timeout 5 nc -q1 127.182.0.10 22 > /dev/null 2>&1");
    EXPECT_THAT(capture("timeout 5 nc -q1 127.182.0.10 22 < /dev/null | head -c 8"),
                HasSubstr("SSH-2.0-"));

    // Host keys: per decky, and the same after a restart.
    auto keyscan = [](const std::string& ip) {
        return capture("timeout 10 ssh-keyscan -t ed25519 " + ip + " 2>/dev/null | cut -d' ' -f3");
    };
    const auto alpha_key = keyscan("127.182.0.10");
    const auto bravo_key = keyscan("127.182.0.11");
    ASSERT_FALSE(alpha_key.empty());
    EXPECT_NE(alpha_key, bravo_key);
    EXPECT_EQ(up.stop(), 0) << up.err();
    BackgroundProcess again({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini",
                             "--db", dir + "/h.db", "--state-dir", dir},
                            dir + "/again");
    ASSERT_THAT(again.wait_for_output("decnet is up"), HasSubstr("127.182.0.10:22/tcp"));
    EXPECT_EQ(keyscan("127.182.0.10"), alpha_key);
    EXPECT_EQ(again.stop(), 0);
    sshd.stop();
}

}  // namespace
}  // namespace decnet::testing
