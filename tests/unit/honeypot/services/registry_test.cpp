// The service-module registry: every module matches its catalogue entry, its events are
// declared and documented, and personas are checked at deploy time with their INI line.
#include "honeypot/services/registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/ini_loader.hpp"
#include "core/service_catalog.hpp"
#include "events/event.hpp"

namespace decnet::honeypot {
namespace {

using ::testing::HasSubstr;

TEST(ServiceRegistry, EveryModuleIsACatalogueServiceWithAHandlerPerTransport) {
    std::set<std::string_view> seen;
    for (const auto* module : service_modules()) {
        EXPECT_TRUE(seen.insert(module->slug).second) << module->slug << " registered twice";
        const auto* info = find_service(module->slug);
        ASSERT_NE(info, nullptr) << module->slug;
        for (const auto& port : info->ports) {
            const bool handled = port.transport == Transport::tcp ? module->serve != nullptr
                                                                  : module->datagram != nullptr;
            EXPECT_TRUE(handled) << module->slug << " " << port.port;
        }
        EXPECT_FALSE(module->events.empty()) << module->slug;
        // Keys a module reads must be catalogue keys (their defaults and docs live there).
        EXPECT_EQ(has_emulator(module->slug), true);
    }
    EXPECT_FALSE(has_emulator("https"));
    EXPECT_EQ(find_module("nope"), nullptr);
}

TEST(ServiceRegistry, UndeclaredEventTypesAndFieldsAreReported) {
    const auto& redis = redis_module();
    Event ok;
    ok.event_type = "auth";
    ok.add("src_ip", "203.0.113.7")
        .add("src_port", 1)
        .add("username", "default")
        .add("password", "x");
    EXPECT_EQ(undeclared(redis, ok), "");
    Event runtime;
    runtime.event_type = "session_error";
    runtime.add("src_ip", "203.0.113.7").add("src_port", 1).add("error", "boom");
    EXPECT_EQ(undeclared(redis, runtime), "");
    Event type;
    type.event_type = "login";
    EXPECT_THAT(undeclared(redis, type), HasSubstr("undeclared event type 'login'"));
    Event field = ok;
    field.add("passwd", "x");
    EXPECT_THAT(undeclared(redis, field), HasSubstr("undeclared field 'passwd'"));
}

// docs/EVENTS.md has one row per module event: | service | `type` | `fields` | meaning |.
TEST(ServiceRegistry, EventsMdListsEveryDeclaredEvent) {
    std::ifstream in(std::string(DECNET_SOURCE_DIR) + "/docs/EVENTS.md");
    ASSERT_TRUE(in) << "docs/EVENTS.md";
    std::stringstream text;
    text << in.rdbuf();
    std::string expected;
    for (const auto* module : service_modules())
        for (const auto& e : module->events) {
            const std::string row = "| " + std::string(module->slug) + " | `" +
                                    std::string(e.type) + "` | `" + std::string(e.fields) + "` | " +
                                    std::string(e.meaning) + " |";
            if (text.str().find(row) == std::string::npos) expected += row + "\n";
        }
    for (const auto& e : runtime_events()) {
        const std::string row = "| (any) | `" + std::string(e.type) + "` | `" +
                                std::string(e.fields) + "` | " + std::string(e.meaning) + " |";
        if (text.str().find(row) == std::string::npos) expected += row + "\n";
    }
    EXPECT_EQ(expected, "") << "docs/EVENTS.md lacks these rows (or they changed):\n" << expected;
}

DeckyConfig decky_from_ini(const std::string& ini) {
    const auto config = load_ini_string(ini);
    DeckyConfig decky;
    decky.name = config.deckies.at(0).name;
    decky.hostname = "web-prod-03";
    decky.services = *config.deckies.at(0).services;
    decky.service_config = config.deckies.at(0).service_config;
    decky.persona_origins = config.deckies.at(0).persona_origins;
    return decky;
}

TEST(PersonaCheck, AValidPersonaPassesAndDefaultsUseTheHostname) {
    const auto decky = decky_from_ini(
        "[decky-01]\nservices = http, redis\n[decky-01.http]\nserver_header = nginx/1.22.1\n"
        "response_code = 200\nfake_app = nginx_default\nextra_headers = {\"X-A\": \"1\"}\n");
    EXPECT_NO_THROW(check_personas(decky));
}

TEST(PersonaCheck, AnUnknownKeyFailsWithItsLine) {
    const auto decky =
        decky_from_ini("[decky-01]\nservices = http\n\n[decky-01.http]\nserver_heade = nginx\n");
    try {
        check_personas(decky);
        FAIL() << "accepted a typo";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 5);
        EXPECT_THAT(e.what(), HasSubstr("decky-01: http: persona key 'server_heade': unknown key"));
        EXPECT_THAT(e.what(), HasSubstr("known: server_header"));
    }
}

TEST(PersonaCheck, BadValuesFailWithTheKeyAndWhatWasExpected) {
    const auto cases = std::vector<std::pair<std::string, std::string>>{
        {"response_code = 2OO", "persona key 'response_code': must be an integer from 100 to 599"},
        {"fake_app = wordpres", "persona key 'fake_app': must be one of"},
        {"extra_headers = {not json", "persona key 'extra_headers': must be a JSON object"},
        {"files = /nonexistent/dir", "persona key 'files': '/nonexistent/dir' is not a"},
    };
    for (const auto& [line, message] : cases) {
        const auto decky =
            decky_from_ini("[decky-01]\nservices = http\n[decky-01.http]\n" + line + "\n");
        try {
            check_personas(decky);
            ADD_FAILURE() << "accepted " << line;
        } catch (const ConfigError& e) {
            EXPECT_THAT(e.what(), HasSubstr(message)) << line;
            EXPECT_EQ(e.line(), 4) << line;
        }
    }
    const auto snmp =
        decky_from_ini("[decky-01]\nservices = snmp\n[decky-01.snmp]\narchetype = bakery\n");
    EXPECT_THROW(check_personas(snmp), ConfigError);
}

TEST(PersonaCheck, DefaultSectionKeysAreNotTypos) {
    const auto decky = decky_from_ini(
        "[DEFAULT]\nowner = ops\n[decky-01]\nservices = redis\n[decky-01.redis]\nversion = "
        "6.0.16\n");
    EXPECT_NO_THROW(check_personas(decky));
}

}  // namespace
}  // namespace decnet::honeypot
