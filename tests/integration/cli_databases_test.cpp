// `decnet up` with the database emulators against the real clients: the mariadb client
// refused with error 1045 and its password captured as a crackable hash, with and without
// TLS; with an accepting persona it lists the bait; psql over TLS refused (SCRAM and md5
// personas) with the hash captured, or let into \l; nmap -sV names the persona's product and
// version; pymongo reads an open mongod's bait and is refused by an auth-required one, whose
// captured SCRAM proof is checked against the password; tsql (FreeTDS) refused by the mssql
// emulator with 18456 and its password captured in clear, let in to run batches, over
// login-only and full TLS inside TDS. Subnets 127.191.0.0/24 to 127.194.0.0/24, 127.212.0.0/16
// and 127.213.0.0/16 belong to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kMysqlFleet =
    "[general]\nnet = 127.191.0.0/24\n\n"
    "[alpha]\nip = 127.191.0.10\ndistro = debian\nservices = mysql\n\n"
    "[bravo]\nip = 127.191.0.11\ndistro = ubuntu22\nservices = mysql\n\n"
    "[bravo.mysql]\naccept = list\nlogins = root:Summer2024!\n";

TEST(CliDatabases, MariadbClientIsRefusedCapturedAndLetIntoTheBait) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kMysqlFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/m.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.191.0.11:3306/tcp")) << up.err();

    // Refused like a real server: MariaDB on Debian, plain and over TLS.
    EXPECT_EQ(capture("timeout 20 mariadb --skip-ssl -h 127.191.0.10 -u root -pX -e 'select 1' "
                      "2>&1"),
              "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1' (using password: "
              "YES)\n");
    EXPECT_THAT(capture("timeout 20 mariadb --ssl -h 127.191.0.10 -u admin -phunter2 -e 'select "
                        "1' 2>&1"),
                HasSubstr("ERROR 1045 (28000): Access denied for user 'admin'@'127.0.0.1'"));
    // MySQL 8 on Ubuntu: a wrong password, then the persona's own.
    EXPECT_THAT(capture("timeout 20 mariadb -h 127.191.0.11 -u root -pwrong -e 'select 1' 2>&1"),
                HasSubstr("ERROR 1045 (28000)"));
    const auto bait = capture(
        "timeout 20 mariadb -h 127.191.0.11 -u root '-pSummer2024!' -e 'SHOW DATABASES; "
        "SELECT * FROM shop.users LIMIT 3; SELECT @@version, @@hostname; DROP DATABASE shop' "
        "2>&1");
    EXPECT_THAT(bait, HasSubstr("information_schema\n"));
    EXPECT_THAT(bait, HasSubstr("\nshop\n"));
    EXPECT_THAT(bait, HasSubstr("id\tusername\temail\tpassword_hash\trole\tcreated_at\n"));
    EXPECT_THAT(bait, ContainsRegex("\n3\t[^\t]+\t[^\t]+@[^\t]+\t\\$2y\\$10\\$"));
    EXPECT_THAT(bait, HasSubstr("8.0.40-0ubuntu0.22.04.1\t"));
    EXPECT_THAT(bait, Not(HasSubstr("ERROR")));

    // nmap names each product and version.
    const auto scan = capture("timeout 60 nmap -n -sV -Pn -p 3306 127.191.0.10 127.191.0.11 2>&1");
    EXPECT_THAT(scan, ContainsRegex("3306/tcp +open +mysql +MySQL 5\\.5\\.5-10\\.11\\.19-MariaDB"))
        << scan;
    EXPECT_THAT(scan,
                ContainsRegex("3306/tcp +open +mysql +MySQL 8\\.0\\.40-0ubuntu0\\.22\\.04\\.1"))
        << scan;

    auto repo = store::open_sqlite(dir + "/m.db");
    wait_for_logs(*repo, "service:mysql event:destructive", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto auths = stored_fields(*repo, "service:mysql event:auth", 50);
    std::string all;
    for (const auto& a : auths) all += a + "\n";
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("username":"root","password":"\$mysqlna\$[0-9a-f]{40}\*[0-9a-f]{40}","credential_type":"mysqlna".*"tls":"False","status":"failed")"));
    // caching_sha2_password over TLS (the client's default): the password in clear.
    EXPECT_THAT(all,
                HasSubstr(R"("username":"root","password":"wrong","credential_type":"cleartext")"));
    // The persona's password matches the scramble: the fast path, the hash kept.
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("password":"\$mysql-sha2\$[0-9a-f]{40}\*[0-9a-f]{64}","credential_type":"mysql_caching_sha2".*"status":"success")"));
    EXPECT_THAT(all, HasSubstr(R"("status":"success")"));
    EXPECT_THAT(stored_fields(*repo, "service:mysql event:destructive", 5).at(0),
                HasSubstr(R"("query":"DROP DATABASE shop")"));
}

constexpr const char* kPostgresFleet =
    "[general]\nnet = 127.192.0.0/24\n\n"
    "[alpha]\nip = 127.192.0.10\ndistro = debian\nservices = postgres\n\n"
    "[bravo]\nip = 127.192.0.11\ndistro = ubuntu22\nservices = postgres\n\n"
    "[bravo.postgres]\naccept = list\nlogins = postgres:Summer2024!\n\n"
    "[charlie]\nip = 127.192.0.12\ndistro = debian\nservices = postgres\n\n"
    "[charlie.postgres]\nauth = md5\n";

TEST(CliDatabases, PsqlIsRefusedCapturedAndLetIntoTheCatalog) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kPostgresFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/p.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.192.0.12:5432/tcp")) << up.err();
    const auto psql = [](const std::string& host, const std::string& password,
                         const std::string& commands) {
        return capture("PGPASSWORD='" + password +
                       "' PGCONNECT_TIMEOUT=10 timeout 20 psql "
                       "\"host=" +
                       host + " sslmode=require user=postgres\" " + commands + " 2>&1");
    };
    // SCRAM-SHA-256 (PostgreSQL 15 on Debian), then md5: refused as the server refuses.
    const std::string refused = "FATAL:  password authentication failed for user \"postgres\"";
    EXPECT_THAT(psql("127.192.0.10", "hunter2", "-c 'select 1'"), HasSubstr(refused));
    EXPECT_THAT(psql("127.192.0.12", "hunter2", "-c 'select 1'"), HasSubstr(refused));
    // The persona's password: \l lists the bait databases, a table reads back.
    const auto listed = psql("127.192.0.11", "Summer2024!",
                             "-c '\\l' -c 'SELECT * FROM users LIMIT 2' -c "
                             "'SELECT version()'");
    EXPECT_THAT(listed, HasSubstr("List of databases"));
    EXPECT_THAT(listed, ContainsRegex(" template1 +\\| postgres +\\| UTF8"));
    EXPECT_THAT(listed, HasSubstr("(5 rows)"));
    EXPECT_THAT(listed, HasSubstr("PostgreSQL 14.15 (Ubuntu 14.15-0ubuntu0.22.04.1)"));
    EXPECT_THAT(listed, Not(HasSubstr("FATAL")));

    const auto scan = capture("timeout 60 nmap -n -sV -Pn -p 5432 127.192.0.10 127.192.0.11 2>&1");
    EXPECT_THAT(scan, ContainsRegex("5432/tcp +open +postgresql +PostgreSQL DB 15")) << scan;
    EXPECT_THAT(scan, ContainsRegex("5432/tcp +open +postgresql +PostgreSQL DB")) << scan;

    auto repo = store::open_sqlite(dir + "/p.db");
    wait_for_logs(*repo, "service:postgres event:auth", 3);
    EXPECT_EQ(up.stop(), 0) << up.err();
    std::string all;
    for (const auto& a : stored_fields(*repo, "service:postgres event:auth", 50)) all += a + "\n";
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("password":"\$scram-sha-256\$4096\$[^"]+","credential_type":"scram-sha-256".*"tls":"True","status":"failed")"));
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("password":"\$postgres\$postgres\*[0-9a-f]{8}\*[0-9a-f]{32}","credential_type":"postgres_md5")"));
    EXPECT_THAT(all, HasSubstr(R"("status":"success")"));
    std::string startups;
    for (const auto& a : stored_fields(*repo, "service:postgres event:startup_message", 50))
        startups += a;
    EXPECT_THAT(
        startups,
        HasSubstr(
            R"("username":"postgres","database":"postgres","application_name":"psql","tls":"True")"));
}

// Deckies get the distros in catalogue order (debian, ubuntu22, ubuntu20): charlie's mongod is
// the 4.4 mongodb.org ships for Ubuntu 20.04.
constexpr const char* kMongoFleet =
    "[general]\nnet = 127.213.0.0/24\n\n"
    "[alpha]\nip = 127.213.0.10\nservices = mongodb\n\n"
    "[alpha.mongodb]\nversion = 6.0.19\n\n"
    "[bravo]\nip = 127.213.0.11\nservices = mongodb\n\n"
    "[bravo.mongodb]\nauth = yes\n\n"
    "[charlie]\nip = 127.213.0.12\nservices = mongodb\n";

// pymongo against the open 6.0 decky (the ransom bot's session) and the auth-required one
// (SCRAM-SHA-256, then SCRAM-SHA-1, refused). Debian's python3 (python3-pymongo), not a pyenv shim.
constexpr const char* kPymongoScript = R"(import sys
import pymongo
from pymongo.errors import OperationFailure
kw = dict(port=27017, serverSelectionTimeoutMS=8000, connectTimeoutMS=5000)
c = pymongo.MongoClient('127.213.0.10', **kw)
print('version', c.admin.command('buildInfo')['version'])
print('databases', ','.join(c.list_database_names()))
u = c.shop.users.find_one({'role': 'customer'}, {'_id': 0, 'username': 1, 'password_hash': 1})
print('user', u['username'], u['password_hash'][:7])
print('count', c.shop.users.count_documents({}))
c.drop_database('shop')
c['READ_ME_TO_RECOVER_YOUR_DATA'].README.insert_one(
    {'content': 'All your data is backed up. You must pay 0.0059 BTC to bc1qexample'})
c.close()
u = pymongo.MongoClient('127.213.0.11', **kw)
try:
    u.list_database_names()
except OperationFailure as e:
    print('unauthenticated', e.code, e.details.get('errmsg'))
u.close()
for mechanism in ('SCRAM-SHA-256', 'SCRAM-SHA-1'):
    a = pymongo.MongoClient('127.213.0.11', username='admin', password='Winter2025!',
                            authMechanism=mechanism, **kw)
    try:
        a.admin.command('listDatabases')
        print('let in?!')
    except OperationFailure as e:
        print('refused', mechanism, e.code, e.details.get('errmsg'))
    a.close()
)";

// Cracks a captured conversation with the candidate: right when the proof matches.
constexpr const char* kVerifyScript = R"(import base64, hashlib, hmac, sys
hashes, user, password = sys.argv[1].split(), sys.argv[2], sys.argv[3]
for line in hashes:
    tag, iterations, salt, message, proof = line.split('$')[1:]
    name = 'sha1' if tag.endswith('sha-1') else 'sha256'
    secret = password
    if name == 'sha1':
        secret = hashlib.md5((user + ':mongo:' + password).encode()).hexdigest()
    salted = hashlib.pbkdf2_hmac(name, secret.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b'Client Key', name).digest()
    stored_key = hashlib.new(name, client_key).digest()
    signature = hmac.new(stored_key, base64.b64decode(message), name).digest()
    computed = bytes(a ^ b for a, b in zip(client_key, signature))
    print(tag, 'cracked' if computed == base64.b64decode(proof) else 'wrong')
)";

TEST(CliDatabases, PymongoReadsTheOpenBaitAndIsRefusedWithItsProofCaptured) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kMongoFleet);
    write_file(dir + "/client.py", kPymongoScript);
    write_file(dir + "/verify.py", kVerifyScript);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/g.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.213.0.12:27017/tcp"))
        << up.err();
    const auto out = capture("timeout 25 /usr/bin/python3 " + dir + "/client.py 2>&1");
    EXPECT_THAT(out, HasSubstr("version 6.0.19\n")) << out;
    // The system databases and the bait (`<app>_prod` and `shop`), sorted by name.
    EXPECT_THAT(out, ContainsRegex("databases admin,([a-z]+_prod,)?config,([a-z]+_prod,)?local,"
                                   "([a-z]+_prod,)?shop"))
        << out;
    EXPECT_THAT(out, ContainsRegex("user [a-z._]+ \\$2y\\$10\\$")) << out;
    EXPECT_THAT(out, ContainsRegex("count [0-9]+\n")) << out;
    EXPECT_THAT(out, HasSubstr("unauthenticated 13 command listDatabases requires authentication"))
        << out;
    EXPECT_THAT(out, HasSubstr("refused SCRAM-SHA-256 18 Authentication failed.\n")) << out;
    EXPECT_THAT(out, HasSubstr("refused SCRAM-SHA-1 18 Authentication failed.\n")) << out;
    EXPECT_THAT(out, Not(HasSubstr("Traceback"))) << out;

    auto repo = store::open_sqlite(dir + "/g.db");
    wait_for_logs(*repo, "service:mongodb event:auth", 2);
    wait_for_logs(*repo, "service:mongodb event:ransom_note", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    std::string hashes;
    for (const auto& a : stored_fields(*repo, "service:mongodb event:auth", 10)) {
        EXPECT_THAT(a, HasSubstr(R"("username":"admin")"));
        EXPECT_THAT(a, HasSubstr(R"("status":"failed")"));
        const auto at = a.find(R"("password":")");
        ASSERT_NE(at, std::string::npos) << a;
        hashes += a.substr(at + 12, a.find('"', at + 12) - at - 12) + " ";
    }
    EXPECT_THAT(hashes, ContainsRegex("\\$mongodb-scram-sha-256\\$15000\\$"));
    EXPECT_THAT(hashes, ContainsRegex("\\$mongodb-scram-sha-1\\$10000\\$"));
    // The proof cracks with the password (and not with another).
    const auto cracked =
        capture("/usr/bin/python3 " + dir + "/verify.py '" + hashes + "' admin 'Winter2025!'");
    EXPECT_THAT(cracked, HasSubstr("mongodb-scram-sha-256 cracked\n"));
    EXPECT_THAT(cracked, HasSubstr("mongodb-scram-sha-1 cracked\n"));
    EXPECT_THAT(
        capture("/usr/bin/python3 " + dir + "/verify.py '" + hashes + "' admin 'Winter2024!'"),
        Not(HasSubstr("cracked")));
    EXPECT_THAT(stored_fields(*repo, "service:mongodb event:ransom_note", 5).at(0),
                HasSubstr("You must pay 0.0059 BTC"));
    EXPECT_THAT(stored_fields(*repo, "service:mongodb event:destructive", 5).at(0),
                HasSubstr(R"("command":"dropDatabase")"));
    EXPECT_THAT(stored_fields(*repo, "service:mongodb event:handshake", 5).at(0),
                HasSubstr(R"("driver":"PyMongo)"));
}

TEST(CliDatabases, NmapNamesMongodbAndTheVersionItCanRead) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kMongoFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/n.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.213.0.12:27017/tcp"))
        << up.err();
    // nmap's probe is OP_QUERY serverStatus: 4.4 answers it with its version. 5.1 and later
    // refuse OP_QUERY commands other than the handshake (code 352); nmap's HTTP probe then gets
    // mongod's "It looks like you are trying to access MongoDB over HTTP" page, as from the real
    // server.
    const auto scan = capture("timeout 40 nmap -n -sV -Pn -p 27017 127.213.0.12 127.213.0.10 2>&1");
    EXPECT_THAT(scan, ContainsRegex("27017/tcp +open +mongodb +MongoDB 4\\.4\\.29")) << scan;
    EXPECT_THAT(scan, ContainsRegex("27017/tcp +open +mongodb +MongoDB 2\\.5\\.1 or later"))
        << scan;
    EXPECT_EQ(up.stop(), 0) << up.err();
}

constexpr const char* kMssqlFleet =
    "[general]\nnet = 127.212.0.0/24\n\n"
    "[alpha]\nip = 127.212.0.10\nnmap_os = windows\nservices = mssql\n\n"
    "[bravo]\nip = 127.212.0.11\nnmap_os = windows\nservices = mssql\n\n"
    "[bravo.mssql]\nversion = 2017\naccept = list\nlogins = sa:Summer2024!\n\n"
    "[charlie]\nip = 127.212.0.12\nservices = mssql\n\n"
    "[charlie.mssql]\nencryption = required\naccept = any\n";

TEST(CliDatabases, TsqlIsRefusedWith18456CapturedAndLetIntoBatches) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kMssqlFleet);
    // FreeTDS asking for full encryption (TDS 7.4), for the persona that requires it.
    write_file(dir + "/freetds.conf",
               "[global]\n\ttds version = 7.4\n[charlie]\n\thost = 127.212.0.12\n\tport = "
               "1433\n\tencryption = require\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/s.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.212.0.12:1433/tcp")) << up.err();
    // nmap -sV waits on its NULL probe first: it runs beside the clients below.
    capture("(timeout 60 nmap -n -sV -Pn -p 1433 127.212.0.10 127.212.0.11 > " + dir +
            "/scan.txt 2>&1 &)");
    const auto tsql = [&dir](const std::string& target, const std::string& user,
                             const std::string& password, const std::string& sql) {
        return capture("printf '" + sql + "\\ngo\\nexit\\n' | FREETDSCONF=" + dir +
                       "/freetds.conf timeout 20 tsql " + target + " -U " + user + " -P '" +
                       password + "' 2>&1");
    };
    // Refused as SQL Server refuses (FreeTDS's default: the login encrypted, TLS inside TDS).
    const auto refused = tsql("-H 127.212.0.10 -p 1433", "sa", "secret", "SELECT 1");
    EXPECT_THAT(refused, HasSubstr("Msg 18456 (severity 14, state 1)")) << refused;
    EXPECT_THAT(refused, HasSubstr("Login failed for user 'sa'.")) << refused;
    // The persona's own password: SQL Server 2017's banner and the bait.
    const auto version = tsql("-H 127.212.0.11 -p 1433", "sa", "Summer2024!",
                              "SELECT @@VERSION\\ngo\\nSELECT name FROM sys.databases\\ngo\\n"
                              "EXEC xp_cmdshell \\047whoami\\047");
    EXPECT_THAT(version, HasSubstr("Microsoft SQL Server 2017 (RTM) - 14.0.1000.169 (X64)"))
        << version;
    EXPECT_THAT(version, HasSubstr("on Windows Server 2016 Standard 10.0 <X64>")) << version;
    EXPECT_THAT(version, HasSubstr("msdb")) << version;
    EXPECT_THAT(version, HasSubstr("Msg 15281")) << version;
    // Full encryption on a Linux decky (the third of a fleet runs Ubuntu 20.04) that requires it.
    const auto linux = tsql("-S charlie", "app", "anything", "SELECT @@VERSION, DB_NAME()");
    EXPECT_THAT(linux, HasSubstr("Developer Edition (64-bit) on Linux (Ubuntu 20.04.6 LTS)"))
        << linux;
    EXPECT_THAT(linux, Not(HasSubstr("Msg "))) << linux;

    // impacket (TDS 7.1): an integrated login's NTLM response captured, a SQL login let in.
    write_file(dir + "/tds.py",
               "import sys\nfrom impacket import tds\n"
               "ms = tds.MSSQL(sys.argv[1], 1433)\nms.connect()\n"
               "ok = ms.login(None, sys.argv[2], sys.argv[3], 'CORP', None, sys.argv[4] == 'w')\n"
               "print('ok' if ok else 'refused')\n"
               "if ok:\n    ms.sql_query('SELECT SYSTEM_USER AS who, DB_NAME() AS db')\n"
               "    print(ms.rows)\n");
    EXPECT_EQ(
        capture("timeout 20 /usr/bin/python3 " + dir + "/tds.py 127.212.0.10 alice Passw0rd w"),
        "refused\n");
    EXPECT_THAT(capture("timeout 20 /usr/bin/python3 " + dir +
                        "/tds.py 127.212.0.11 sa Summer2024! s 2>&1"),
                HasSubstr("ok\n[{'who': 'sa', 'db': 'master'}]"));

    // nmap's ms-sql-s probe reads the PRELOGIN version.
    const auto scan = capture("timeout 40 sh -c 'until grep -q \"Nmap done\" " + dir +
                              "/scan.txt; do sleep 0.2; done'; cat " + dir + "/scan.txt");
    EXPECT_THAT(scan, ContainsRegex("1433/tcp +open +ms-sql-s +Microsoft SQL Server 2019 "
                                    "15\\.00\\.2000"))
        << scan;
    EXPECT_THAT(scan, ContainsRegex("1433/tcp +open +ms-sql-s +Microsoft SQL Server 2017 "
                                    "14\\.00\\.1000"))
        << scan;

    auto repo = store::open_sqlite(dir + "/s.db");
    wait_for_logs(*repo, "service:mssql event:exploit", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    std::string all;
    for (const auto& a : stored_fields(*repo, "service:mssql event:auth", 50)) all += a + "\n";
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("username":"sa","password":"secret","credential_type":"cleartext".*"tls":"True","status":"failed","tls_version":"TLSv1.2")"))
        << all;
    EXPECT_THAT(all, HasSubstr(R"("username":"app","password":"anything")")) << all;
    EXPECT_THAT(
        all,
        ContainsRegex(
            R"("username":"alice","password":"alice::CORP:[0-9a-f]{16}:[0-9a-f]{32}:[0-9a-f]+","credential_type":"netntlmv2","hashcat_mode":"5600")"))
        << all;
    EXPECT_THAT(stored_fields(*repo, "service:mssql event:exploit", 5).at(0),
                HasSubstr("xp_cmdshell"));
}

}  // namespace
}  // namespace decnet::testing
