// Engine spans with a real runtime (redis deckies on 127.99.42-43.0/24): deploy, a control
// request carrying a traceparent continues that trace through engine.control into the
// verb's span (status, mutate, teardown), and the mutation scheduler's work is its own
// trace only when something was due.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/control_commands.hpp"
#include "engine/fleet.hpp"
#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::engine {
namespace {

using telemetry::testing::attribute;
using telemetry::testing::find_span;

constexpr const char* kTraceId = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kParentId = "b7ad6b7169203331";

DeckyConfig redis_decky(const std::string& name, const std::string& ip) {
    DeckyConfig d;
    d.name = name;
    d.ip = ip;
    d.hostname = name;
    d.services = {"redis"};
    return d;
}

class EngineTracingTest : public telemetry::testing::TracingTest {
  protected:
    void SetUp() override {
        TracingTest::SetUp();
        char pattern[] = "/tmp/decnet-engine-trace-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        paths_.dir = dir_;
        paths_.state_file = dir_ + "/decnet-state.json";
        paths_.control_socket = dir_ + "/control.sock";
        runtime_.start();
    }
    void TearDown() override {
        runtime_.stop();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        TracingTest::TearDown();
    }
    std::string control(const nlohmann::json& request) {
        return handle_control_request(fleet(), request.dump(), [] {});
    }
    // ctest runs the tests of this file in parallel processes: one /24 each.
    Fleet& fleet(const std::string& net = "127.99.42") {
        if (!fleet_) {
            DeploymentConfig config;
            config.subnet = net + ".0/24";
            config.deckies = {redis_decky("t-a", net + ".1"), redis_decky("t-b", net + ".2")};
            fleet_ = std::make_unique<Fleet>(runtime_, bus_, config, paths_, 7);
        }
        return *fleet_;
    }

    EventBus bus_;
    honeypot::Runtime runtime_{bus_, {}, 1};
    std::string dir_;
    StatePaths paths_;
    std::unique_ptr<Fleet> fleet_;
};

TEST_F(EngineTracingTest, DeployControlVerbsAndMutationsAreTraced) {
    fleet().deploy({});
    const std::string traceparent = std::string("00-") + kTraceId + "-" + kParentId + "-01";
    EXPECT_NE(control({{"cmd", "status"}, {"traceparent", traceparent}}).find("\"ok\":true"),
              std::string::npos);
    control({{"cmd", "mutate"}, {"decky", "t-a"}, {"traceparent", traceparent}});
    control({{"cmd", "teardown"}, {"decky", "t-b"}, {"traceparent", traceparent}});
    control({{"cmd", "teardown"}, {"decky", "nope"}});

    const auto spans = exported();
    const auto* deploy = find_span(spans, "engine.deploy");
    ASSERT_NE(deploy, nullptr);
    EXPECT_EQ(attribute(*deploy, "decky_count")["intValue"], "2");
    EXPECT_EQ(attribute(*deploy, "listening")["intValue"], "2");

    // Each control verb of the client's trace: engine.control (child of the client's span)
    // with the verb's span under it.
    std::map<std::string, std::string> control_by_command;  // command → spanId
    for (const auto& span : spans) {
        if (span.at("name") != "engine.control") continue;
        const std::string command = attribute(span, "control.command")["stringValue"];
        if (span.at("traceId") == kTraceId) {
            EXPECT_EQ(span.at("parentSpanId"), kParentId);
            control_by_command[command] = span.at("spanId");
        } else {
            // The teardown of an unknown decky came without traceparent: own trace, error.
            EXPECT_EQ(command, "teardown");
            EXPECT_EQ(span.at("status").at("code"), 2);
        }
    }
    ASSERT_EQ(control_by_command.size(), 3u);
    for (const auto& [verb, command] :
         {std::pair{"engine.status", "status"}, std::pair{"mutator.mutate_decky", "mutate"},
          std::pair{"engine.teardown", "teardown"}}) {
        bool found = false;
        for (const auto& span : spans)
            if (span.at("name") == verb && span.at("traceId") == kTraceId) {
                EXPECT_EQ(span.at("parentSpanId"), control_by_command[command]) << verb;
                found = true;
            }
        EXPECT_TRUE(found) << verb;
    }
    const auto* mutation = find_span(spans, "mutator.mutate_decky");
    ASSERT_NE(mutation, nullptr);
    EXPECT_EQ(attribute(*mutation, "decky")["stringValue"], "t-a");
}

TEST_F(EngineTracingTest, SchedulerPollsWithNothingDueRecordNothing) {
    fleet("127.99.43").deploy({});
    exported();
    telemetry::testing::capture().bodies.clear();
    // Just deployed: nothing is due (D5), so a poll leaves no span.
    EXPECT_TRUE(fleet().mutate_due(epoch_seconds(), 60).empty());
    EXPECT_EQ(find_span(exported(), "mutator.mutate_due"), nullptr);
    // Far in the future everything is due: one root span with a mutation per decky.
    const auto results = fleet().mutate_due(epoch_seconds() + 1e9, 60);
    EXPECT_EQ(results.size(), 2u);
    const auto spans = exported();
    const auto* tick = find_span(spans, "mutator.mutate_due");
    ASSERT_NE(tick, nullptr);
    EXPECT_FALSE(tick->contains("parentSpanId"));
    EXPECT_EQ(attribute(*tick, "due")["intValue"], "2");
    int children = 0;
    for (const auto& span : spans)
        if (span.at("name") == "mutator.mutate_decky" &&
            span.value("parentSpanId", "") == tick->at("spanId"))
            ++children;
    EXPECT_EQ(children, 2);
}

}  // namespace
}  // namespace decnet::engine
