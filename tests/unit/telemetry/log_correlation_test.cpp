// Log lines written inside a span carry its ids; outside a span they are unchanged.
#include "telemetry/log_correlation.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "telemetry/span.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::telemetry {
namespace {

class LogCorrelation : public testing::TracingTest {
  protected:
    void SetUp() override {
        TracingTest::SetUp();
        previous_ = spdlog::default_logger();
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
        install_log_correlation("%v%*");
    }
    void TearDown() override {
        spdlog::set_default_logger(previous_);
        install_log_correlation("%+");
        TracingTest::TearDown();
    }
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LogCorrelation, LinesInsideASpanCarryItsIds) {
    spdlog::info("before");
    std::string expected;
    {
        Span span("ingester.flush_batch");
        expected = " trace_id=" + span.context().trace_id_hex() +
                   " span_id=" + span.context().span_id_hex();
        spdlog::info("inside");
        EXPECT_EQ(current_trace_log_suffix(), expected);
    }
    spdlog::info("after");
    EXPECT_EQ(out_.str(), "before\ninside" + expected + "\nafter\n");
    EXPECT_EQ(current_trace_log_suffix(), "");
}

TEST_F(LogCorrelation, DefaultPatternKeepsSpdlogsLayout) {
    install_log_correlation();
    {
        Span span("api.login");
        spdlog::warn("hello");
    }
    const auto line = out_.str();
    EXPECT_NE(line.find("[warning] hello trace_id="), std::string::npos) << line;
    EXPECT_NE(line.find(" span_id="), std::string::npos);
}

}  // namespace
}  // namespace decnet::telemetry
