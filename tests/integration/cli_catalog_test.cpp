// `decnet services | archetypes | distros`, --help, --version and usage errors.
#include <gmock/gmock.h>

#include <gtest/gtest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

// Data rows of a rendered table: lines after the dashed rule, up to a blank line.
std::size_t table_rows(const std::string& text) {
    std::istringstream in(text);
    std::size_t rows = 0;
    bool in_body = false;
    for (std::string line; std::getline(in, line);) {
        if (!in_body) {
            in_body = line.rfind("----", 0) == 0;
            continue;
        }
        if (line.empty()) break;
        ++rows;
    }
    return rows;
}

TEST(CliCatalog, ServicesListsTwentySeven) {
    const auto r = run_decnet({"services"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(table_rows(r.out), 27u);
    EXPECT_THAT(r.out, HasSubstr("smtp_relay"));
    EXPECT_THAT(r.out, HasSubstr("5060/udp, 5060/tcp"));
    EXPECT_THAT(r.out, HasSubstr("sniffer — "));  // the fleet-wide sensor, listed apart
    expect_golden("services.txt", r.out);
}

TEST(CliCatalog, ServicesJson) {
    const auto r = run_decnet({"services", "--json"});
    ASSERT_EQ(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 28u);
    int per_decky = 0;
    std::set<std::string> emulated;
    for (const auto& s : j) {
        per_decky += s["scope"] == "decky";
        if (s["emulated"].get<bool>()) emulated.insert(s["name"].get<std::string>());
    }
    EXPECT_EQ(per_decky, 27);
    // What `up` can serve today; the rest is listed as planned.
    EXPECT_EQ(emulated, (std::set<std::string>{"conpot", "docker_api", "elasticsearch", "ftp", "http", "imap", "k8s", "ldap", "llmnr", "mongodb", "mqtt", "mssql", "mysql", "pop3", "postgres", "rdp", "redis", "sip", "smb", "smtp", "smtp_relay", "snmp", "ssh", "telnet", "tftp", "vnc"}));
}

// The dashboard's deploy form offers exactly the emulated services (it has no catalogue
// endpoint to ask).
TEST(CliCatalog, DashboardDeployFormOffersEveryEmulatedService) {
    const auto r = run_decnet({"services", "--json"});
    ASSERT_EQ(r.exit_code, 0);
    std::ifstream in(std::string(DECNET_SOURCE_DIR) + "/web/src/pages/Fleet.tsx");
    ASSERT_TRUE(in);
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto start = page.find("const SERVICES = [");
    ASSERT_NE(start, std::string::npos);
    const std::string list = page.substr(start, page.find("];", start) - start);
    for (const auto& s : nlohmann::json::parse(r.out))
        EXPECT_EQ(list.find("\"" + s["name"].get<std::string>() + "\"") != std::string::npos,
                  s["emulated"].get<bool>())
            << s["name"];
}

TEST(CliCatalog, ArchetypesListsFifteen) {
    const auto r = run_decnet({"archetypes"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(table_rows(r.out), 15u);
    EXPECT_THAT(r.out, HasSubstr("deaddeck"));
    EXPECT_THAT(r.out, HasSubstr("docker_api, ssh, k8s"));
    expect_golden("archetypes.txt", r.out);
}

TEST(CliCatalog, DistrosListsNineSorted) {
    const auto r = run_decnet({"distros"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(table_rows(r.out), 9u);
    EXPECT_THAT(r.out, HasSubstr("Debian 12 (Bookworm)"));
    expect_golden("distros.txt", r.out);
    const auto j = nlohmann::json::parse(run_decnet({"distros", "--json"}).out);
    EXPECT_EQ(j[0]["slug"], "alpine");
    EXPECT_EQ(j[8]["slug"], "ubuntu22");
}

TEST(CliSurface, NoArgumentsPrintsHelpAndExits2) {
    const auto r = run_decnet({});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.out, HasSubstr("deploy"));
    EXPECT_THAT(r.out, HasSubstr("archetypes"));
}

TEST(CliSurface, UnknownCommandAndOption) {
    auto r = run_decnet({"frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("No such command 'frobnicate'"));
    r = run_decnet({"deploy", "--deckies", "1", "--services", "ssh", "--no-such-flag"});
    EXPECT_EQ(r.exit_code, 2);
    r = run_decnet({"deploy", "--deckies", "abc"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliSurface, VersionAndHelpOnEveryVerb) {
    const auto v = run_decnet({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_THAT(v.out, ::testing::StartsWith("decnet "));
    for (const char* verb : {"services", "archetypes", "distros", "deploy", "up", "status",
                             "teardown", "mutate", "api", "collect", "ingest", "replay", "redeploy",
                             "probe", "correlate", "web", "profiler", "export", "sniffer", "db-reset"}) {
        const auto r = run_decnet({verb, "--help"});
        EXPECT_EQ(r.exit_code, 0) << verb;
        EXPECT_THAT(r.out, HasSubstr(verb)) << verb;
    }
}

TEST(CliSurface, PendingVerbsSayNotAvailableWithExit3) {
    const std::vector<std::vector<std::string>> calls = {{"redeploy"}, {"db-reset"}};
    for (const auto& call : calls) {
        const auto r = run_decnet(call);
        EXPECT_EQ(r.exit_code, 3) << call[0];
        EXPECT_THAT(r.err, HasSubstr("not available yet")) << call[0];
        EXPECT_EQ(r.out, "") << call[0];
    }
}

// `web` is retired: the API serves the dashboard on its own origin (docs/API.md).
TEST(CliSurface, WebIsRetiredAndPointsAtTheApi) {
    for (const std::vector<std::string>& call :
         {std::vector<std::string>{"web"}, {"web", "--web-port", "8080", "--api-port", "8000"}}) {
        const auto r = run_decnet(call);
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_THAT(r.err, HasSubstr("decnet web: retired"));
        EXPECT_THAT(r.err, HasSubstr("http://127.0.0.1:8000/"));
        EXPECT_EQ(r.out, "");
    }
}

TEST(CliSurface, TeardownNeedsAFlag) {
    const auto r = run_decnet({"teardown"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Specify --all or --id <name>."));
}

}  // namespace
}  // namespace decnet::testing
