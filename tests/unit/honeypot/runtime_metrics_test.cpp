// decnet_service_sessions_active{decky,service}: a redis session held open counts 1 on
// its decky and service, and 0 again once it closed. Uses 127.99.44.0/24.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "support/tcp_probe.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::connect_to;

// The value of one series in the registry's exposition, or -1 when absent.
double series(const std::string& name_and_labels) {
    const auto text = telemetry::metrics::registry().render();
    const auto at = text.find(name_and_labels + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + name_and_labels.size() + 1));
}

// Polls (bounded) until the series has the value: the session ends on an I/O thread.
bool eventually(const std::string& name_and_labels, double value) {
    for (int i = 0; i < 100; ++i) {
        if (series(name_and_labels) == value) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

TEST(RuntimeMetrics, ActiveSessionsPerDeckyAndService) {
    EventBus bus;
    Runtime runtime(bus, {}, 1);
    runtime.start();
    DeckyConfig decky;
    decky.name = "m-a";
    decky.ip = "127.99.44.1";
    decky.hostname = "m-a";
    decky.services = {"redis"};
    runtime.add_decky(decky);
    const std::string key = R"(decnet_service_sessions_active{decky="m-a",service="redis"})";
    EXPECT_EQ(series(key), 0);

    const int fd = connect_to("127.99.44.1", 6379);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(eventually(key, 1)) << telemetry::metrics::registry().render();
    ::close(fd);
    EXPECT_TRUE(eventually(key, 0)) << telemetry::metrics::registry().render();
    runtime.stop();
}

}  // namespace
}  // namespace decnet::honeypot
