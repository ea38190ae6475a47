// The INI loader (engine.md §3.2–§3.4, §8 checks 27–40, 43–45): sections to decky specs,
// amount expansion, persona subsections, custom services and every error message.
#include "core/ini_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "core/ini_parser.hpp"

namespace decnet {
namespace {

using Names = std::vector<std::string>;

IniConfig load(std::string_view text) {
    return load_ini_string(text);
}

Names names_of(const IniConfig& config) {
    Names names;
    for (const DeckySpec& decky : config.deckies) names.push_back(decky.name);
    return names;
}

// The ConfigError `text` raises when loaded from a string.
ConfigError load_error(std::string_view text) {
    try {
        load_ini_string(text);
    } catch (const ConfigError& error) {
        return error;
    }
    ADD_FAILURE() << "expected a ConfigError for:\n" << text;
    return ConfigError("none");
}

std::string message_of(std::string_view text) {
    return load_error(text).what();
}

// A file under the test's temp dir, removed with the fixture.
class IniFile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("decnet_ini_test_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(std::string_view text) {
        const auto path = (dir_ / "decnet.ini").string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    std::filesystem::path dir_;
};

// Check 27.
TEST(IniLoader, SingleDeckyWithIpAndServices) {
    const auto config = load("[decky-01]\nip=192.168.1.101\nservices = ssh, http\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    const DeckySpec& decky = config.deckies[0];
    EXPECT_EQ(decky.name, "decky-01");
    EXPECT_EQ(decky.ip, "192.168.1.101");
    EXPECT_EQ(decky.services, (Names{"ssh", "http"}));
    EXPECT_TRUE(decky.service_config.empty());
    EXPECT_FALSE(decky.archetype);
    EXPECT_FALSE(decky.nmap_os);
    EXPECT_FALSE(decky.mutate_interval);
    EXPECT_EQ(decky.line, 1);
    EXPECT_TRUE(config.custom_services.empty());
    EXPECT_EQ(config.source, "");
}

// Check 28.
TEST(IniLoader, AmountExpandsWithZeroPaddedNames) {
    const auto config = load("[corp-ws]\narchetype=windows-workstation\namount=5\n");
    EXPECT_EQ(names_of(config),
              (Names{"corp-ws-01", "corp-ws-02", "corp-ws-03", "corp-ws-04", "corp-ws-05"}));
    for (const DeckySpec& decky : config.deckies) {
        EXPECT_FALSE(decky.ip);
        EXPECT_EQ(decky.archetype, "windows-workstation");
        EXPECT_FALSE(decky.services);
        EXPECT_EQ(decky.line, 1);
    }
}

// Check 29.
TEST(IniLoader, ExpansionKeepsFileOrder) {
    const auto config = load("[workers]\namount=3\n[printers]\namount=2\n");
    EXPECT_EQ(names_of(config),
              (Names{"workers-01", "workers-02", "workers-03", "printers-01", "printers-02"}));
}

TEST(IniLoader, AmountOneKeepsTheSectionName) {
    EXPECT_EQ(names_of(load("[solo]\namount=1\nip=10.0.0.9\n")), (Names{"solo"}));
    EXPECT_EQ(load("[solo]\namount=1\nip=10.0.0.9\n").deckies[0].ip, "10.0.0.9");
}

// Check 30.
TEST(IniLoader, AmountUpToOneHundred) {
    const auto config = load("[s]\namount=100\n");
    ASSERT_EQ(config.deckies.size(), 100u);
    EXPECT_EQ(config.deckies[8].name, "s-09");
    EXPECT_EQ(config.deckies[9].name, "s-10");
    EXPECT_EQ(config.deckies[98].name, "s-99");
    EXPECT_EQ(config.deckies.back().name, "s-100");
    EXPECT_EQ(message_of("[s]\namount=101\n"), "[s] amount=101 exceeds maximum allowed (100).");
}

TEST(IniLoader, AmountIsAPythonInt) {
    EXPECT_EQ(load("[s]\namount=+3\n").deckies.size(), 3u);
    EXPECT_EQ(load("[s]\namount=003\n").deckies.size(), 3u);
    EXPECT_EQ(load("[s]\namount=1_0\n").deckies.size(), 10u);
    EXPECT_EQ(message_of("[s]\namount=+0101\n"), "[s] amount=101 exceeds maximum allowed (100).");
    EXPECT_EQ(message_of("[s]\namount=99999999999999999999999\n"),
              "[s] amount=99999999999999999999999 exceeds maximum allowed (100).");
}

// Check 31.
TEST(IniLoader, AmountMustBeAPositiveInteger) {
    for (const std::string raw :
         {"0", "-3", "2.5", "potato", "", "1__0", "_1", "1_", "+", "0x10", "-0", "1 0"}) {
        EXPECT_EQ(message_of("[s]\namount=" + raw + "\n"),
                  "[s] amount= must be a positive integer, got '" + raw + "'")
            << raw;
    }
}

TEST(IniLoader, AmountErrorCarriesTheLineOfTheKey) {
    const auto error = load_error("[s]\nservices=ssh\n\namount=0\n");
    EXPECT_EQ(error.line(), 4);
}

// decnet's addition: an operator names the decky's host.
TEST(IniLoader, HostnameIsAnRfc1123NameOfOneDecky) {
    EXPECT_EQ(load("[fs01]\nhostname = FS01\n").deckies.at(0).hostname, "FS01");
    EXPECT_EQ(load("[w]\nhostname=web-01.corp.local\n").deckies.at(0).hostname,
              "web-01.corp.local");
    EXPECT_FALSE(load("[w]\nhostname=\n").deckies.at(0).hostname);
    EXPECT_FALSE(load("[DEFAULT]\nhostname=x\n[w]\n").deckies.at(0).hostname);  // own key only
    for (const char* bad : {"-web", "web-", "a..b", "web_01", "we b", "caf\xc3\xa9", ".x"})
        EXPECT_THAT(message_of("[w]\nhostname=" + std::string(bad) + "\n"),
                    ::testing::HasSubstr("[w] hostname= must be an RFC 1123 host name"))
            << bad;
    EXPECT_THAT(message_of("[w]\nhostname=" + std::string(64, 'a') + "\n"),
                ::testing::HasSubstr("RFC 1123"));
    EXPECT_EQ(message_of("[g]\nhostname=web\namount=2\n"),
              "[g] Cannot combine hostname= with amount=2. Remove hostname= or use amount=1.");
}

// Check 32.
TEST(IniLoader, IpCannotBeCombinedWithAmount) {
    const auto error = load_error("[bad-group]\nip=10.0.0.50\namount=3\n");
    EXPECT_STREQ(error.what(),
                 "[bad-group] Cannot combine ip= with amount=3. Remove ip= or use amount=1.");
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(message_of("[g]\nip=10.0.0.50\namount=+02\n"),
              "[g] Cannot combine ip= with amount=2. Remove ip= or use amount=1.");
    EXPECT_EQ(load("[g]\nip=\namount=2\n").deckies.size(), 2u);  // empty ip = not given
}

// Check 33.
TEST(IniLoader, MutateInterval) {
    EXPECT_EQ(message_of("[a]\nmutate_interval=abc\n"),
              "[a] mutate_interval= must be an integer, got 'abc'");
    EXPECT_EQ(load("[a]\nmutate-interval=15\n").deckies[0].mutate_interval, 15);
    EXPECT_EQ(load("[a]\nmutate_interval=7\n").deckies[0].mutate_interval, 7);
    EXPECT_EQ(load("[a]\nmutate_interval=\nmutate-interval=9\n").deckies[0].mutate_interval, 9);
    EXPECT_EQ(load("[a]\nmutate_interval=4\nmutate-interval=9\n").deckies[0].mutate_interval, 4);
    EXPECT_EQ(message_of("[a]\nmutate_interval=0\n"),
              "[a] mutate_interval= must be at least 1, got '0'");
    EXPECT_EQ(message_of("[a]\nmutate_interval=-5\n"),
              "[a] mutate_interval= must be at least 1, got '-5'");
    EXPECT_EQ(message_of("[a]\nmutate_interval=99999999999\n"),
              "[a] mutate_interval= must be at most 2147483647, got '99999999999'");
    const auto config = load("[g]\nmutate_interval=5\namount=3\n");
    for (const DeckySpec& decky : config.deckies) EXPECT_EQ(decky.mutate_interval, 5);
}

TEST(IniLoader, MutateIntervalErrorCarriesTheLineOfTheKey) {
    const auto error = load_error("[a]\nservices=ssh\nmutate-interval=1.5\n");
    EXPECT_STREQ(error.what(), "[a] mutate_interval= must be an integer, got '1.5'");
    EXPECT_EQ(error.line(), 3);
}

// Check 34.
TEST(IniLoader, PersonaSubsectionReachesExpandedDeckies) {
    const auto config = load(
        "[linux-hosts]\namount=3\nservices=ssh\n"
        "[linux-hosts.ssh]\nkernel_version=5.15.0-76-generic\nPassword = hunter2\n");
    ASSERT_EQ(config.deckies.size(), 3u);
    for (const DeckySpec& decky : config.deckies) {
        ASSERT_EQ(decky.service_config.count("ssh"), 1u) << decky.name;
        const PersonaConfig& ssh = decky.service_config.at("ssh");
        EXPECT_EQ(ssh.at("kernel_version"), "5.15.0-76-generic");
        EXPECT_EQ(ssh.at("password"), "hunter2");
    }
}

TEST(IniLoader, PersonaExactNameWinsOverPrefix) {
    const auto config = load("[web]\n[web-01]\n[web-02]\n[web.http]\nserver_header=nginx\n");
    ASSERT_EQ(config.deckies.size(), 3u);
    EXPECT_EQ(config.deckies[0].service_config.at("http").at("server_header"), "nginx");
    EXPECT_TRUE(config.deckies[1].service_config.empty());
    EXPECT_TRUE(config.deckies[2].service_config.empty());
}

TEST(IniLoader, PersonaPrefixAlsoMatchesUnrelatedDeckies) {
    const auto config = load("[g]\namount=2\n[g-foo]\n[gx]\n[g.ssh]\nk=v\n");
    EXPECT_EQ(names_of(config), (Names{"g-01", "g-02", "g-foo", "gx"}));
    EXPECT_EQ(config.deckies[0].service_config.count("ssh"), 1u);
    EXPECT_EQ(config.deckies[1].service_config.count("ssh"), 1u);
    EXPECT_EQ(config.deckies[2].service_config.count("ssh"), 1u);
    EXPECT_TRUE(config.deckies[3].service_config.empty());
}

TEST(IniLoader, PersonaAttachedEvenWithoutTheServiceAndBeforeTheDecky) {
    const auto config = load("[a.redis]\nversion=6.0\n[a]\nservices=ssh\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].service_config.at("redis").at("version"), "6.0");
}

TEST(IniLoader, LaterPersonaReplacesEarlier) {
    const auto config = load("[a]\n[a-x.ssh]\nk=1\n[a.ssh]\nold=1\n[a.ssh]\nnew=2\n");
    // String loader merges duplicate sections: both keys land in one [a.ssh].
    EXPECT_EQ(config.deckies[0].service_config.at("ssh").size(), 2u);
    const auto replaced = load("[g]\namount=2\n[g.ssh]\nk=group\n[g-01.ssh]\nk=own\n");
    EXPECT_EQ(replaced.deckies[0].service_config.at("ssh"), (PersonaConfig{{"k", "own"}}));
    EXPECT_EQ(replaced.deckies[1].service_config.at("ssh"), (PersonaConfig{{"k", "group"}}));
}

TEST(IniLoader, PersonaIncludesDefaultKeys) {
    const auto config = load("[DEFAULT]\nshared=d\nk=default\n[a]\n[a.http]\nk=own\n");
    const PersonaConfig& http = config.deckies[0].service_config.at("http");
    EXPECT_EQ(http, (PersonaConfig{{"k", "own"}, {"shared", "d"}}));
}

TEST(IniLoader, SnifferIsARegisteredServiceForSubsections) {
    const auto config = load("[a]\n[a.sniffer]\nk=v\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].service_config.count("sniffer"), 1u);
}

// Check 35.
TEST(IniLoader, PersonaWithoutDeckyIsIgnored) {
    const auto config = load("[a]\n[ghost.ssh]\nk=v\n");
    EXPECT_EQ(names_of(config), (Names{"a"}));
    EXPECT_TRUE(config.deckies[0].service_config.empty());
}

// Check 36 (and custom services, which are not registered yet, are not personas).
TEST(IniLoader, DottedNameWithUnknownServiceIsADecky) {
    const auto config = load("[decky.webmail]\nservices=ssh\n[d1.myapp]\n[d1.SSH]\n");
    EXPECT_EQ(names_of(config), (Names{"decky.webmail", "d1.myapp", "d1.SSH"}));
    EXPECT_EQ(config.deckies[0].services, (Names{"ssh"}));
}

// Check 37.
TEST(IniLoader, CustomServices) {
    const auto config = load(
        "[custom-myservice]\nbinary=my-image:latest\nexec=/usr/bin/myapp -p 8080\nports=8080\n"
        "[custom-other]\nports=99, abc, 100, , 0, 65535, 65536, 00080, -1, 99999999999\n"
        "[custom-bare]\n");
    EXPECT_TRUE(config.deckies.empty());
    ASSERT_EQ(config.custom_services.size(), 3u);
    const CustomService& mine = config.custom_services[0];
    EXPECT_EQ(mine.name, "myservice");
    EXPECT_EQ(mine.image, "my-image:latest");
    EXPECT_EQ(mine.exec, "/usr/bin/myapp -p 8080");
    EXPECT_EQ(mine.ports, (std::vector<std::uint16_t>{8080}));
    EXPECT_EQ(config.custom_services[1].ports, (std::vector<std::uint16_t>{99, 100, 65535, 80}));
    EXPECT_EQ(config.custom_services[2].name, "bare");
    EXPECT_EQ(config.custom_services[2].image, "");
    EXPECT_EQ(config.custom_services[2].exec, "");
    EXPECT_TRUE(config.custom_services[2].ports.empty());
}

// Check 38.
TEST(IniLoader, NmapOs) {
    EXPECT_EQ(load("[a]\nnmap_os = windows\n").deckies[0].nmap_os, "windows");
    EXPECT_EQ(load("[a]\nnmap-os = bsd\n").deckies[0].nmap_os, "bsd");
    EXPECT_EQ(load("[a]\nnmap_os =\nnmap-os = bsd\n").deckies[0].nmap_os, "bsd");
    EXPECT_EQ(load("[a]\nnmap_os = cisco\nnmap-os = bsd\n").deckies[0].nmap_os, "cisco");
    EXPECT_FALSE(load("[a]\n").deckies[0].nmap_os);
    for (const DeckySpec& decky : load("[g]\nnmap_os=windows\namount=3\n").deckies)
        EXPECT_EQ(decky.nmap_os, "windows");
}

// Check 39.
TEST(IniLoader, UpperCaseKeysAndCapitalisedGeneral) {
    const auto config = load("[a]\nSERVICES=ssh\n[General]\nnet=10.0.0.0/24\n");
    EXPECT_EQ(config.deckies[0].services, (Names{"ssh"}));
    EXPECT_EQ(names_of(config), (Names{"a", "General"}));
    EXPECT_FALSE(config.general.net);
}

TEST(IniLoader, GeneralSection) {
    const auto config = load(
        "[general]\nnet = 192.168.1.0/24\ngw = 192.168.1.1\ninterface = eth0\n"
        "log_target = 1.2.3.4:514\nmutate_interval = 5\n");
    EXPECT_TRUE(config.deckies.empty());
    EXPECT_EQ(config.general.net, "192.168.1.0/24");
    EXPECT_EQ(config.general.gw, "192.168.1.1");
    EXPECT_EQ(config.general.interface, "eth0");
}

TEST(IniLoader, GeneralIsOptional) {
    const auto config = load("[a]\n");
    EXPECT_FALSE(config.general.net);
    EXPECT_FALSE(config.general.gw);
    EXPECT_FALSE(config.general.interface);
}

TEST(IniLoader, DefaultInheritedByDeckiesAndGeneral) {
    const auto config = load(
        "[DEFAULT]\nservices = ssh, ftp\nnmap_os = bsd\ninterface = eth9\n"
        "[general]\nnet = 10.0.0.0/24\n[a]\n[b]\nservices = http\n");
    EXPECT_EQ(names_of(config), (Names{"a", "b"}));
    EXPECT_EQ(config.deckies[0].services, (Names{"ssh", "ftp"}));
    EXPECT_EQ(config.deckies[0].nmap_os, "bsd");
    EXPECT_EQ(config.deckies[1].services, (Names{"http"}));
    EXPECT_EQ(config.general.interface, "eth9");
}

TEST(IniLoader, DefaultAmountAppliesToEveryDecky) {
    EXPECT_EQ(names_of(load("[DEFAULT]\namount=2\n[a]\n[b]\namount=1\n")),
              (Names{"a-01", "a-02", "b"}));
}

TEST(IniLoader, ErrorFromDefaultPointsAtTheDefaultLine) {
    const auto error = load_error("[DEFAULT]\namount=zero\n[a]\n");
    EXPECT_STREQ(error.what(), "[a] amount= must be a positive integer, got 'zero'");
    EXPECT_EQ(error.line(), 2);
}

// Check 40, file side: strict.
TEST_F(IniFile, DuplicateSectionIsAnErrorInAFile) {
    const auto path = write("[a]\nservices=ssh\n[a]\nservices=http\n");
    try {
        load_ini_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "section 'a' already exists");
        EXPECT_EQ(error.file(), path);
        EXPECT_EQ(error.line(), 3);
        EXPECT_EQ(error.located(), path + ":3: section 'a' already exists");
    }
}

TEST_F(IniFile, DuplicateKeyIsAnErrorInAFile) {
    const auto path = write("[a]\nservices=ssh\nServices=http\n");
    try {
        load_ini_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "option 'services' in section 'a' already exists");
        EXPECT_EQ(error.line(), 3);
    }
}

// Check 40, string side: last wins.
TEST(IniLoader, DuplicateSectionMergesInAString) {
    const auto config = load("[a]\nservices=ssh\n[a]\nservices=http\n");
    EXPECT_EQ(names_of(config), (Names{"a"}));
    EXPECT_EQ(config.deckies[0].services, (Names{"http"}));
}

// Items for checks 41/42 (validated by the fleet builder) are kept verbatim.
TEST(IniLoader, ServicesItemsTrimmedEmptyKeptNoInlineComments) {
    // Items are kept verbatim, so the catalogue check names them.
    EXPECT_EQ(message_of("[a]\nservices=ssh # comment\n")
                  .rfind("Unknown service(s) in [a]: ['ssh # comment']. Available: [", 0),
              0u);
    EXPECT_EQ(message_of("[a]\nservices=ssh,\n").rfind("Unknown service(s) in [a]: ['']", 0), 0u);
    EXPECT_EQ(load("[a]\nservices= ssh ,\thttp\t\n").deckies[0].services, (Names{"ssh", "http"}));
    EXPECT_FALSE(load("[a]\nservices=\n").deckies[0].services);
    EXPECT_EQ(load("[a]\nservices = ssh,\n    http\n").deckies[0].services, (Names{"ssh", "http"}));
}

TEST(IniLoader, EmptyValuesMeanNotGiven) {
    const auto config = load("[a]\nip=\narchetype=\nnmap_os=\nmutate_interval=\n");
    const DeckySpec& decky = config.deckies[0];
    EXPECT_FALSE(decky.ip);
    EXPECT_FALSE(decky.archetype);
    EXPECT_FALSE(decky.nmap_os);
    EXPECT_FALSE(decky.mutate_interval);
}

// Check 43.
TEST(IniLoader, DeckyNamesAreValidated) {
    const auto spaced = load_error("[a]\n[my decky]\nservices=ssh\n");
    EXPECT_NE(std::string(spaced.what()).find("String should match pattern"), std::string::npos);
    EXPECT_EQ(spaced.line(), 2);

    const std::string long_name(129, 'x');
    EXPECT_NE(message_of("[" + long_name + "]\n").find("String should have at most 128 characters"),
              std::string::npos);
    EXPECT_EQ(load("[" + std::string(128, 'x') + "]\n").deckies.size(), 1u);
    // Validation applies to expanded names: 127 + "-01" is too long.
    EXPECT_NE(message_of("[" + std::string(127, 'x') + "]\namount=2\n").find("at most 128"),
              std::string::npos);
    EXPECT_NE(message_of("[bad name]\namount=2\n").find("'bad name-01'"), std::string::npos);
}

// Check 44.
TEST(IniLoader, ValidatedStringLoadsFiveDeckies) {
    const std::string text = "[group]\namount=5\nservices=ssh\n";
    EXPECT_EQ(validate_ini_text(text), "");
    EXPECT_EQ(load(text).deckies.size(), 5u);
}

// Check 45.
TEST(IniLoader, TabsAroundEquals) {
    const auto config = load("[general]\ninterface\t=\teth0\n[a]\nservices\t=\tssh\n");
    EXPECT_EQ(config.general.interface, "eth0");
    EXPECT_EQ(config.deckies[0].services, (Names{"ssh"}));
}

TEST(IniLoader, CrLfString) {
    const auto config = load("[general]\r\nnet = 10.0.0.0/24\r\n[a]\r\nservices = ssh\r\n");
    EXPECT_EQ(config.general.net, "10.0.0.0/24");
    EXPECT_EQ(config.deckies[0].services, (Names{"ssh"}));
}

TEST(IniLoader, NoSectionHeaderInAString) {
    EXPECT_EQ(message_of("key=value\n"), "File contains no section headers");
}

TEST(IniLoader, ZeroDeckiesIsNotAnError) {
    EXPECT_TRUE(load("").deckies.empty());
    EXPECT_TRUE(load("[general]\nnet=10.0.0.0/24\n").deckies.empty());
}

TEST(IniLoader, InterpretCarriesTheSourceName) {
    const auto doc = parse_ini("[s]\n\namount=0\n", IniDuplicates::merge);
    try {
        interpret_ini(doc, "deploy.ini");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.located(), "deploy.ini:3: [s] amount= must be a positive integer, got '0'");
    }
    EXPECT_EQ(interpret_ini(IniDocument{}, "x.ini").source, "x.ini");
}

TEST(IniLoader, ExpansionIsBounded) {
    // 512 KB of [DEFAULT] keys copied into thousands of deckies would be gigabytes.
    std::string text = "[DEFAULT]\n";
    for (int i = 0; text.size() < 400 * 1024; ++i) text += "k" + std::to_string(i) + "=v\n";
    for (int i = 0; i < 2000; ++i) text += "[d" + std::to_string(i) + "]\namount=100\n";
    text += "[d.ssh]\n";
    for (int i = 0; i < 2000; ++i) text += "[d" + std::to_string(i) + ".ssh]\n";
    const auto error = load_error(text);
    EXPECT_NE(std::string(error.what()).find("too much configuration"), std::string::npos);
}

TEST(IniLoader, ManyDeckiesAndSubsectionsStayFast) {
    std::string text;
    for (int i = 0; i < 3000; ++i) {
        const std::string name = "d" + std::to_string(i);
        text += "[" + name + "]\namount=10\n[" + name + ".ssh]\nk=" + name + "\n";
    }
    const auto config = load(text);
    ASSERT_EQ(config.deckies.size(), 30000u);
    EXPECT_EQ(config.deckies[10].name, "d1-01");
    EXPECT_EQ(config.deckies[10].service_config.at("ssh").at("k"), "d1");
}

// Sections are checked in file order, each as far as it can be without the network, so
// the first problem reported is the first in the file (a bad service before a bad amount).
TEST(IniLoader, ProblemsAreReportedInFileOrder) {
    auto error = load_error("[a]\nservices=ssh\n[b]\nservices=ssh, bogus\n[c]\namount=potato\n");
    EXPECT_EQ(
        std::string(error.what()).rfind("Unknown service(s) in [b]: ['bogus']. Available: [", 0),
        0u);
    EXPECT_EQ(error.line(), 3);
    error = load_error("[a]\namount=potato\n[b]\nservices=bogus\n");
    EXPECT_EQ(std::string(error.what()), "[a] amount= must be a positive integer, got 'potato'");
    error = load_error("[a]\narchetype=nope\n[b]\nmutate_interval=0\n");
    EXPECT_EQ(std::string(error.what()).rfind("Unknown archetype 'nope'. Available: ", 0), 0u);
    EXPECT_EQ(error.line(), 1);
    error = load_error("[a]\nservices=ssh\n\n[b]\nip=abc\n");
    EXPECT_EQ(std::string(error.what()), "[b] ip=: Expected 4 octets in 'abc'");
    EXPECT_EQ(error.line(), 4);
    // Within a section: the reference's order (archetype, ip, services).
    EXPECT_EQ(message_of("[a]\nservices=bogus\nip=abc\n"), "[a] ip=: Expected 4 octets in 'abc'");
}

TEST(IniLoader, ExpandedSectionIsNamedByItsFirstDecky) {
    const auto error = load_error("[g]\namount=3\nservices=nope\n");
    EXPECT_EQ(std::string(error.what()).rfind("Unknown service(s) in [g-01]: ['nope']", 0), 0u);
    EXPECT_EQ(error.line(), 1);
}

TEST(IniLoader, CustomServiceDeclaredLaterIsKnown) {
    const auto config = load("[a]\nservices=myapp, ssh\n[custom-myapp]\nbinary=img\n");
    EXPECT_EQ(config.deckies[0].services, (Names{"myapp", "ssh"}));
}

TEST(IniLoader, GeneralNetAndGwAreCheckedWhereTheyAre) {
    auto error = load_error("[a]\nservices=ssh\n[general]\nnet = 10.0.0.0/33\n[b]\nservices=x\n");
    EXPECT_EQ(std::string(error.what()), "[general] net=: Invalid netmask in '10.0.0.0/33'");
    EXPECT_EQ(error.line(), 4);
    error = load_error("[general]\nnet=10.0.0.0/24\ngw=10.0.0\n");
    EXPECT_EQ(std::string(error.what()), "[general] gw=: Expected 4 octets in '10.0.0'");
    EXPECT_EQ(error.line(), 3);
    const auto config = load("[general]\n\nnet=10.0.0.0/24\ngw=10.0.0.1\n");
    EXPECT_EQ(config.general.net_line, 3);
}

// What planning gets: the sections before the first problem, [general] and every custom
// service wherever they are, and the problem itself.
TEST(IniLoader, ReadingKeepsWhatComesBeforeTheFirstProblem) {
    const auto document = parse_ini(
        "[a]\nservices=ssh\n[a.ssh]\nk=v\n[g]\namount=2\nservices=bogus\n[c]\nservices=ssh\n"
        "[general]\nnet=10.0.0.0/24\n[custom-x]\nbinary=img\n",
        IniDuplicates::reject, "f.ini");
    const IniReading reading = read_ini(document, "f.ini");
    ASSERT_TRUE(reading.error);
    EXPECT_EQ(reading.error->located().rfind("f.ini:5: Unknown service(s) in [g-01]", 0), 0u);
    EXPECT_EQ(names_of(reading.config), (Names{"a"}));              // not g-01, g-02 or c
    EXPECT_TRUE(reading.config.deckies[0].service_config.empty());  // personas: not attached
    EXPECT_EQ(reading.config.general.net, "10.0.0.0/24");
    ASSERT_EQ(reading.config.custom_services.size(), 1u);

    // Without a trustworthy [general], no decky address could be checked: none are kept.
    const auto bad_net = read_ini(
        parse_ini("[a]\nservices=ssh\n[general]\nnet=ten\n", IniDuplicates::reject), "f.ini");
    ASSERT_TRUE(bad_net.error);
    EXPECT_EQ(bad_net.error->line(), 4);
    EXPECT_TRUE(bad_net.config.deckies.empty());

    const auto fine = read_ini(parse_ini("[a]\nservices=ssh\n", IniDuplicates::reject), "f.ini");
    EXPECT_FALSE(fine.error);
    EXPECT_EQ(names_of(fine.config), (Names{"a"}));
}

TEST_F(IniFile, LoadsAFileAndRecordsTheSource) {
    const auto path = write("[general]\nnet=10.0.0.0/24\n\n[a]\nservices=ssh\n");
    const auto config = load_ini_file(path);
    EXPECT_EQ(config.source, path);
    EXPECT_EQ(config.general.net, "10.0.0.0/24");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].line, 4);
}

TEST_F(IniFile, LoaderErrorsCarryFileAndLine) {
    const auto path = write("[a]\nservices=ssh\n[b]\nmutate_interval=soon\n");
    try {
        load_ini_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.located(),
                  path + ":4: [b] mutate_interval= must be an integer, got 'soon'");
    }
}

TEST_F(IniFile, EmptyFileHasNoDeckies) {
    EXPECT_TRUE(load_ini_file(write("")).deckies.empty());
}

TEST_F(IniFile, MissingFile) {
    try {
        load_ini_file("/nonexistent/config.ini");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "Config file not found: /nonexistent/config.ini");
        EXPECT_EQ(error.located(), "Config file not found: /nonexistent/config.ini");
    }
}

TEST_F(IniFile, DirectoryIsNotAConfigFile) {
    try {
        load_ini_file(dir_.string());
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()), "Config file not found: " + dir_.string());
    }
}

TEST_F(IniFile, OversizedFileIsRejected) {
    std::string text = "[a]\n";
    text.resize(kMaxIniBytes + 10, '#');
    const auto path = write(text);
    try {
        load_ini_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "INI content is too large (max 512KB)");
        EXPECT_EQ(error.file(), path);
    }
}

}  // namespace
}  // namespace decnet

namespace decnet {
namespace {

// fs_dir= names an existing directory (made absolute), only in a file the CLI was given.
TEST_F(IniFile, FsDirIsAnExistingDirectoryFromAFile) {
    std::filesystem::create_directories(dir_ / "files");
    const auto ok = load_ini_file(write("[a]\nfs_dir = " + (dir_ / "files").string() + "\n"));
    EXPECT_EQ(ok.deckies[0].fs_dir, (dir_ / "files").string());
    EXPECT_FALSE(load_ini_file(write("[a]\nservices=ssh\n")).deckies[0].fs_dir);
    const auto path = write("[a]\nservices=ssh\nfs-dir = /nonexistent/decnet\n");
    try {
        load_ini_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.located(),
                  path + ":3: [a] fs_dir= is not a directory: '/nonexistent/decnet'");
    }
    EXPECT_EQ(message_of("[a]\nfs_dir = /tmp\n"),
              "[a] fs_dir= is only accepted in an INI file given to the CLI");
}

}  // namespace
}  // namespace decnet

namespace decnet {
namespace {

// [prober] is the prober's section (docs/PROBER.md), not a decky; its own keys are kept as
// written, with their lines, for the prober to check at start.
TEST(IniLoaderProber, SectionIsKeptNotADecky) {
    const auto config = load_ini_string(
        "[DEFAULT]\nservices = ssh\n\n[prober]\nenabled = true\nallow = 198.51.100.0/24\n\n"
        "[alpha]\nip = 127.0.0.10\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].name, "alpha");
    EXPECT_EQ(config.prober, (PersonaConfig{{"enabled", "true"}, {"allow", "198.51.100.0/24"}}));
    EXPECT_EQ(config.prober_origins.at("allow").line, 6);
}

// [geoip] names the profiler's .mmdb files (docs/PROFILES.md), not a decky.
TEST(IniLoaderGeoip, SectionIsKeptNotADecky) {
    const auto config = load_ini_string(
        "[DEFAULT]\nservices = ssh\n\n[geoip]\ncountry_db = /srv/c.mmdb\nasn_db = /srv/a.mmdb\n\n"
        "[alpha]\nip = 127.0.0.10\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].name, "alpha");
    EXPECT_EQ(config.geoip,
              (PersonaConfig{{"country_db", "/srv/c.mmdb"}, {"asn_db", "/srv/a.mmdb"}}));
    EXPECT_EQ(config.geoip_origins.at("asn_db").line, 6);
}

// [alerts] and [alerts.<name>] are webhook targets (docs/ALERTS.md), never deckies or
// personas (`ssh` is a service, yet [alerts.ssh] is a target named ssh).
TEST(IniLoaderAlerts, SectionsAreTargetsNotDeckies) {
    const auto config = load_ini_string(
        "[DEFAULT]\nservices = ssh\n\n[alerts]\nurl = http://127.0.0.1:9/\n\n"
        "[alerts.ssh]\nurl = https://hooks.example/x\nsecret = k\n\n[alpha]\nip = 127.0.0.10\n");
    ASSERT_EQ(config.deckies.size(), 1u);
    EXPECT_EQ(config.deckies[0].name, "alpha");
    EXPECT_TRUE(config.deckies[0].service_config.empty());
    ASSERT_EQ(config.alerts.size(), 2u);
    EXPECT_EQ(config.alerts.at("default"), (PersonaConfig{{"url", "http://127.0.0.1:9/"}}));
    EXPECT_EQ(config.alerts.at("ssh"),
              (PersonaConfig{{"url", "https://hooks.example/x"}, {"secret", "k"}}));
    EXPECT_EQ(config.alerts_origins.at("ssh").at("").line, 7);
    EXPECT_EQ(config.alerts_origins.at("ssh").at("secret").line, 9);
}

}  // namespace
}  // namespace decnet
