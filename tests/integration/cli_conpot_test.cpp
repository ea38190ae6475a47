// `decnet up` with conpot deckies on 127.206.0.0/24, read by the real ICS clients: mbpoll
// reads registers and its write shows in the next read; pymodbus reads the device
// identification; nmap's modbus-discover, s7-info and bacnet-info report the persona's
// vendor, model and serial; nmap -sV names each product; snmpget and curl see the same PLC;
// the requests land in SQLite as events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

std::string joined(const std::vector<std::string>& rows) {
    std::string all;
    for (const auto& r : rows) all += r + "\n";
    return all;
}

// plc1: an S7-1200 with its own SNMP agent and web front (conpot's 161 and 80);
// plc2: an S7-300 beside the snmp service (which answers 161 with the PLC's identity).
constexpr const char* kIni =
    "[general]\nnet = 127.206.0.0/24\n\n"
    "[plc1]\nip = 127.206.0.11\nservices = conpot\n\n"
    "[plc1.conpot]\nmodel = s7-1200\nserial = S C-H4U212345678\n"
    "plant = Reservoir Booster Station\n\n"
    "[plc2]\nip = 127.206.0.12\nservices = conpot, snmp\n\n"
    "[plc2.conpot]\nmodel = s7-300\nserial = S C-C2UR28922012\n";

TEST(CliConpot, IcsClientsSeeOnePersonaPlc) {
    const auto dir = make_temp_dir();
    write_file(dir + "/plc.ini", kIni);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/plc.ini", "--db",
                          dir + "/c.db", "--state-dir", dir},
                         dir);
    const auto banner = up.wait_for_output("decnet is up");
    ASSERT_THAT(banner, HasSubstr("127.206.0.11:502/tcp")) << up.err();
    ASSERT_THAT(banner, HasSubstr("127.206.0.11:102/tcp"));
    ASSERT_THAT(banner, HasSubstr("127.206.0.11:47808/udp"));
    ASSERT_THAT(banner, HasSubstr("127.206.0.12:161/udp"));

    // mbpoll: ten holding registers, a write, and the written value in the next read.
    const auto read = capture("timeout 10 mbpoll -a 1 -r 1 -c 10 -1 127.206.0.11 2>&1");
    EXPECT_THAT(read, HasSubstr("[10]:")) << read;
    EXPECT_THAT(capture("timeout 10 mbpoll -a 1 -r 20 127.206.0.11 4242 2>&1"),
                HasSubstr("Written 1 references"));
    EXPECT_THAT(capture("timeout 10 mbpoll -a 1 -r 20 -c 1 -1 127.206.0.11 2>&1"),
                HasSubstr("[20]: \t4242"));
    EXPECT_THAT(capture("timeout 10 mbpoll -a 1 -r 199 -c 5 -1 127.206.0.11 2>&1"),
                HasSubstr("Illegal data address"));

    // pymodbus reads the device identification.
    const auto ident = capture(
        "timeout 20 /usr/bin/python3 -c \"from pymodbus.client import ModbusTcpClient\n"
        "from pymodbus.mei_message import ReadDeviceInformationRequest\n"
        "c = ModbusTcpClient('127.206.0.11', port=502); c.connect()\n"
        "r = c.execute(ReadDeviceInformationRequest(read_code=2, object_id=0, slave=1))\n"
        "print({k: v.decode() for k, v in r.information.items()}); c.close()\" 2>&1");
    EXPECT_THAT(ident, HasSubstr("'Siemens'")) << ident;
    EXPECT_THAT(ident, HasSubstr("6ES7 214-1AG40-0XB0"));
    EXPECT_THAT(ident, HasSubstr("SIMATIC S7-1200"));

    // nmap's ICS scripts.
    const auto tcp = capture(
        "timeout 120 nmap -n -Pn -sT -p 502,102 --script modbus-discover,s7-info 127.206.0.11 "
        "2>&1");
    EXPECT_THAT(tcp, HasSubstr("Device identification: Siemens 6ES7 214-1AG40-0XB0 V4.2.3")) << tcp;
    EXPECT_THAT(tcp, HasSubstr("Module: 6ES7 214-1AG40-0XB0"));
    EXPECT_THAT(tcp, HasSubstr("Version: 4.2.3"));
    EXPECT_THAT(tcp, HasSubstr("Module Type: CPU 1214C DC/DC/DC"));
    EXPECT_THAT(tcp, HasSubstr("Serial Number: S C-H4U212345678"));
    EXPECT_THAT(tcp, HasSubstr("Plant Identification: Reservoir Booster Station"));
    const auto udp =
        capture("timeout 120 nmap -n -Pn -sU -p 47808 --script bacnet-info 127.206.0.11 2>&1");
    EXPECT_THAT(udp, HasSubstr("Vendor ID: Siemens Schweiz AG")) << udp;
    EXPECT_THAT(udp, HasSubstr("Vendor Name: Siemens"));
    EXPECT_THAT(udp, HasSubstr("Model Name: CPU 1214C DC/DC/DC"));
    EXPECT_THAT(udp, HasSubstr("Firmware: V4.2.3"));
    EXPECT_THAT(udp, HasSubstr("Location: Reservoir Booster Station"));

    // nmap -sV names the products.
    const auto sv = capture("timeout 200 nmap -n -Pn -sV -p 80,102,502 127.206.0.11 2>&1");
    EXPECT_THAT(sv, HasSubstr("Siemens Simatic S7-1200 PLC httpd")) << sv;
    EXPECT_THAT(sv, HasSubstr("Siemens S7 PLC"));
    EXPECT_THAT(sv, HasSubstr("Modbus TCP"));
    const auto sv300 = capture("timeout 120 nmap -n -Pn -sV -p 80 127.206.0.12 2>&1");
    EXPECT_THAT(sv300, HasSubstr("Siemens Simatic S7-300 PLC httpd")) << sv300;

    // SNMP and the web front describe the same controller.
    const auto snmp1 =
        capture("snmpget -v2c -c public -On -t 2 -r 1 127.206.0.11 1.3.6.1.2.1.1.1.0 2>&1");
    EXPECT_THAT(snmp1, HasSubstr("Siemens, SIMATIC S7, CPU 1214C DC/DC/DC, 6ES7 214-1AG40-0XB0"));
    EXPECT_THAT(snmp1, HasSubstr("S C-H4U212345678"));
    const auto snmp2 =
        capture("snmpget -v2c -c private -On -t 2 -r 1 127.206.0.12 1.3.6.1.2.1.1.1.0 2>&1");
    EXPECT_THAT(snmp2, HasSubstr("CPU 315-2 PN/DP"));
    const auto page = capture("curl -s --max-time 5 http://127.206.0.11/Default.mwsl");
    EXPECT_THAT(page, HasSubstr("<title>SIMATIC S7-1200 Web Server</title>"));
    EXPECT_THAT(page, HasSubstr("S C-H4U212345678"));

    auto repo = store::open_sqlite(dir + "/c.db");
    wait_for_logs(*repo, "service:conpot event:s7_connect", 1);
    wait_for_logs(*repo, "service:conpot event:bacnet_request", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto writes = joined(stored_fields(*repo, "service:conpot event:modbus_write"));
    EXPECT_THAT(writes, HasSubstr(R"("unit":"1","function":"6","name":"write_single_register",)"
                                  R"("address":"19","count":"1","values":"[\"4242\"]")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:conpot event:s7_request")),
                HasSubstr(R"("function":"read_szl","szl_id":"0x001c")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:conpot event:bacnet_request")),
                HasSubstr(R"("property":"vendor-name")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:conpot event:request")),
                HasSubstr(R"("path":"/Default.mwsl")"));
}

}  // namespace
}  // namespace decnet::testing
