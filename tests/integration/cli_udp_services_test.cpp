// `decnet up` with the two UDP services on 127.133.0.0/24: real curl and tftp-hpa fetch bait
// and upload a file that is captured by SHA-256; real snmpget/snmpwalk read the system group with
// correct types; garbage datagrams get no answer and bounded parse_error/unknown_opcode events;
// `decnet status` lists the services with their UDP ports; the events land in SQLite.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"
#include "support/udp_probe.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;

constexpr const char* kIp = "127.133.0.1";

std::string joined(const std::vector<std::string>& rows) {
    std::string all;
    for (const auto& r : rows) all += r + "\n";
    return all;
}

TEST(CliUdp, TftpAndSnmpAnswerRealClientsAndLogTheirRequests) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "tftp,snmp",
                          "--subnet", "127.133.0.0/24", "--db", dir + "/u.db", "--state-dir", dir},
                         dir);
    const auto banner = up.wait_for_output("decnet is up");
    ASSERT_THAT(banner, HasSubstr("127.133.0.1:69/udp")) << up.err();
    ASSERT_THAT(banner, HasSubstr("127.133.0.1:161/udp"));

    // tftp: curl downloads a bait config and a missing file is refused; tftp-hpa uploads
    // 1300 bytes (three blocks) that are captured into the artifact store.
    const auto config = capture("curl -s -m 5 tftp://127.133.0.1/startup-config");
    EXPECT_THAT(config, HasSubstr("enable secret 5 $1$"));
    EXPECT_THAT(config, HasSubstr("snmp-server community public RO"));
    EXPECT_EQ(capture("curl -s -m 5 tftp://127.133.0.1/etc/shadow; echo rc=$?"), "rc=68\n");
    std::string script = "#!/bin/sh\n";
    while (script.size() < 1300) script += "echo pwned\n";
    script.resize(1300);
    write_file(dir + "/payload.sh", script);
    const auto sha = capture("sha256sum " + dir + "/payload.sh").substr(0, 64);
    EXPECT_THAT(
        capture("cd " + dir + " && timeout 10 tftp " + kIp + " -m octet -c put payload.sh 2>&1"),
        ::testing::Not(HasSubstr("Error")));
    EXPECT_THAT(capture("cd " + dir + " && timeout 10 tftp " + kIp +
                        " -m netascii -c get pxelinux.cfg/default pxe.cfg 2>&1; cat pxe.cfg"),
                HasSubstr("KERNEL vmlinuz"));

    // snmp: typed values and a walk that ends at the end of the MIB view.
    const auto get = capture(
        "snmpget -v2c -c public -On -t 2 -r 1 127.133.0.1 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.3.0 "
        "1.3.6.1.2.1.1.2.0 1.3.6.1.2.1.1.7.0 2>&1");
    EXPECT_THAT(get, HasSubstr(".1.3.6.1.2.1.1.1.0 = STRING: \"Linux "));
    EXPECT_THAT(get, HasSubstr(".1.3.6.1.2.1.1.3.0 = Timeticks: ("));
    EXPECT_THAT(get, HasSubstr(".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10"));
    EXPECT_THAT(get, HasSubstr(".1.3.6.1.2.1.1.7.0 = INTEGER: 72"));
    const auto walk = capture(
        "snmpwalk -v2c -c walkpass -On -t 2 -r 1 127.133.0.1 1.3.6.1.2.1.1 2>&1; echo rc=$?");
    EXPECT_THAT(walk, HasSubstr(".1.3.6.1.2.1.1.5.0 = STRING: "));
    EXPECT_THAT(walk, HasSubstr(".1.3.6.1.2.1.1.6.0 = STRING: \"Server Room\""));
    EXPECT_THAT(walk, HasSubstr("rc=0"));
    EXPECT_THAT(walk, ::testing::Not(HasSubstr("OID not increasing")));
    EXPECT_EQ(std::count(walk.begin(), walk.end(), '\n'), 9);  // 8 objects + rc
    EXPECT_THAT(capture("snmpwalk -v1 -c v1pass -On -t 2 -r 1 127.133.0.1 1.3.6.1.2.1.1 2>&1"),
                HasSubstr(".1.3.6.1.2.1.1.8.0 = Timeticks: (0)"));

    // GetBulk: a bulk walk sees the whole group; a large bulk request still gets a (cut)
    // answer instead of being dropped by the amplification bound.
    const auto bulk = capture(
        "snmpbulkwalk -v2c -c bulkpass -On -t 2 -r 1 127.133.0.1 1.3.6.1.2.1.1 2>&1; echo rc=$?");
    EXPECT_THAT(bulk, HasSubstr(".1.3.6.1.2.1.1.8.0 = Timeticks: (0)"));
    EXPECT_THAT(bulk, HasSubstr("rc=0"));
    const auto big = capture(
        "snmpbulkget -v2c -c bulkpass -On -Cr8 -t 2 -r 1 127.133.0.1 1.3.6.1.2.1.1 1.3.6.1.2.1.1 "
        "1.3.6.1.2.1.1 1.3.6.1.2.1.1 1.3.6.1.2.1.1 1.3.6.1.2.1.1 2>&1");
    EXPECT_THAT(big, HasSubstr(".1.3.6.1.2.1.1.1.0 = STRING: \"Linux "));
    EXPECT_THAT(big, ::testing::Not(HasSubstr("Timeout")));

    // Garbage: no reply on either port.
    EXPECT_EQ(testing::udp_exchange(kIp, 161, "\x30\x82\xff\xff garbage"s), "");
    EXPECT_EQ(testing::udp_exchange(kIp, 161, "GET / HTTP/1.0\r\n\r\n"), "");
    EXPECT_EQ(testing::udp_exchange(kIp, 69, "\x00\x07\xde\xad\xbe\xef"s), "");
    EXPECT_EQ(testing::udp_exchange(kIp, 69, "\x00\x01no-terminator"s), "");

    const auto status = run_decnet({"status", "--state-dir", dir});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_THAT(status.out, HasSubstr("tftp, snmp"));

    auto repo = store::open_sqlite(dir + "/u.db");
    wait_for_logs(*repo, "service:snmp event:parse_error", 2);
    wait_for_logs(*repo, "service:tftp event:parse_error", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto requests = joined(stored_fields(*repo, "service:tftp event:request"));
    EXPECT_THAT(
        requests,
        HasSubstr(R"("op":"RRQ","filename":"startup-config","mode":"octet","status":"sent")"));
    EXPECT_THAT(requests, HasSubstr(R"("filename":"etc/shadow")"));
    EXPECT_THAT(requests, HasSubstr(R"("status":"not_found")"));
    EXPECT_THAT(
        requests,
        HasSubstr(R"("op":"WRQ","filename":"payload.sh","mode":"octet","status":"accepted")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:tftp event:upload")),
                HasSubstr(R"("filename":"payload.sh","size":"1300","sha256":")" + sha +
                          R"(","truncated":"False")"));
    EXPECT_THAT(requests, HasSubstr(R"("src_ip":"127.0.0.1")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:tftp event:unknown_opcode")),
                HasSubstr(R"("opcode":"7")"));
    const auto gets = joined(stored_fields(*repo, "service:snmp event:get_request"));
    EXPECT_THAT(gets, HasSubstr(R"("version":"1","community":"public","pdu":"get")"));
    EXPECT_THAT(gets, HasSubstr(R"("community":"walkpass","pdu":"getnext")"));
    EXPECT_THAT(gets, HasSubstr(R"("version":"0","community":"v1pass")"));
    EXPECT_THAT(gets, HasSubstr(R"(1.3.6.1.2.1.1.1.0\",\"1.3.6.1.2.1.1.3.0)"));
    const auto errors = joined(stored_fields(*repo, "service:snmp event:parse_error"));
    EXPECT_THAT(errors, HasSubstr(R"("error":"length beyond data")"));
    EXPECT_THAT(errors, HasSubstr(R"("error":"expected SEQUENCE")"));
}

}  // namespace
}  // namespace decnet::testing
