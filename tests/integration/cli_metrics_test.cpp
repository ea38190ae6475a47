// GET /metrics on `decnet up`'s API: after a redis-cli session against a decky the scrape
// shows the bus, runtime, ingester and HTTP series with sensible values, the whole text
// passes the real `promtool check metrics`, and a non-loopback or token-less scrape is
// refused. Loopback subnet 127.99.30.0/24, API port 18160. The prober's counters: subnet
// 127.217.1.0/24, API port 18917, the attacker's TLS server on 127.217.1.50:28917.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kMetrics = "http://127.0.0.1:18160/metrics";

// The value of the first sample line that starts with `series` (name plus labels).
double sample(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::atof(text.c_str() + at + 1 + series.size() + 1);
}

std::string scrape(const std::string& extra = "") {
    return capture("curl -s --max-time 20 " + extra + " " + kMetrics);
}

TEST(CliMetrics, UpServesPrometheusMetricsThatPromtoolAccepts) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({"/usr/bin/env",
                          "DECNET_ADMIN_PASSWORD=metrics-password-1",
                          "DECNET_SNIFFER=true",
                          "DECNET_JWT_SECRET=",
                          "DECNET_METRICS_PUBLIC=",
                          "DECNET_METRICS_TOKEN=",
                          "DECNET_SQLITE_MEMSTATUS=true",
                          DECNET_BINARY,
                          "up",
                          "-n",
                          "1",
                          "--services",
                          "redis",
                          "--subnet",
                          "127.99.30.0/24",
                          "--db",
                          dir + "/up.db",
                          "--state-dir",
                          dir,
                          "--api-port",
                          "18160",
                          "--log-file",
                          dir + "/events.log"},
                         dir);
    const auto out = up.wait_for_output("decnet is up", std::chrono::seconds(30));
    ASSERT_THAT(out, HasSubstr("REST API: http://127.0.0.1:18160/api/v1")) << up.err();

    EXPECT_THAT(capture("redis-cli -h 127.99.30.1 -p 6379 AUTH hunter2 2>&1"), HasSubstr("OK"));
    // One API request so the HTTP series exist (without a token: 401, counted by route).
    capture("curl -s --max-time 20 http://127.0.0.1:18160/api/v1/health >/dev/null");

    // The ingester commits within its 50 ms batch window; allow for a loaded machine.
    std::string text;
    for (int i = 0; i < 100; ++i) {
        text = scrape();
        if (sample(text, "decnet_ingest_rows_total{outcome=\"stored\"}") >= 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_THAT(text, HasSubstr("# TYPE decnet_bus_events_published_total counter\n"));
    EXPECT_GE(sample(text, "decnet_bus_events_published_total"), 2) << text;
    EXPECT_GE(sample(text, "decnet_sessions_total"), 1) << text;
    // The store's page caches (DECNET_SQLITE_MEMSTATUS=true; what a soak subtracts from
    // the RSS).
    EXPECT_GT(sample(text, "decnet_sqlite_memory_bytes"), 100000) << text;
#ifdef __SANITIZE_ADDRESS__  // ASan's allocator, not glibc's, answers mallinfo2: no gauge
    EXPECT_THAT(text, Not(HasSubstr("decnet_heap_in_use_bytes "))) << text;
#else
    EXPECT_GT(sample(text, "decnet_heap_in_use_bytes"), sample(text, "decnet_sqlite_memory_bytes"))
        << text;
#endif
    EXPECT_EQ(sample(text, "decnet_connections_rejected_total{limit=\"decky\"}"), 0) << text;
    EXPECT_EQ(sample(text, "decnet_sessions_evicted_total"), 0) << text;
    EXPECT_GE(sample(text, "decnet_ingest_rows_total{outcome=\"stored\"}"), 2) << text;
    EXPECT_EQ(sample(text, "decnet_ingest_rows_total{outcome=\"lost\"}"), 0) << text;
    EXPECT_GE(sample(text, "decnet_events_ingested_total{service=\"redis\",event_type=\"auth\"}"),
              1)
        << text;
    EXPECT_THAT(text, HasSubstr("decnet_decky_sessions_active{decky=\""));
    EXPECT_THAT(text, HasSubstr("decnet_decky_listeners{decky=\""));
    EXPECT_THAT(text,
                ::testing::ContainsRegex(
                    "decnet_service_sessions_active\\{decky=\"[^\"]+\",service=\"redis\"\\} 0\n"));
    EXPECT_THAT(text, HasSubstr("decnet_bus_subscriber_dropped_total{subscriber=\""));
    EXPECT_THAT(text, HasSubstr("decnet_ingest_batch_duration_seconds_bucket{le=\"+Inf\"}"));
    EXPECT_GE(sample(text,
                     "decnet_http_requests_total{method=\"GET\",route=\"/api/v1/health\","
                     "status=\"401\"}"),
              1)
        << text;
    EXPECT_THAT(text, HasSubstr("decnet_http_request_duration_seconds_count{method=\"GET\","
                                "route=\"/api/v1/health\"}"));
    EXPECT_THAT(text, HasSubstr("decnet_spans_dropped_total 0\n"));
    EXPECT_GE(sample(text, "decnet_sink_events_total{sink=\"log-file\",outcome=\"written\"}"), 1)
        << text;
    EXPECT_EQ(sample(text, "decnet_sink_events_total{sink=\"log-file\",outcome=\"dropped\"}"), 0)
        << text;
    EXPECT_THAT(text, HasSubstr("# TYPE decnet_sink_spool_bytes gauge\n"));
    if (geteuid() == 0) {  // the sniffer's capture needs root; without it the instance runs on
        // Its counters are published every few idle ticks of the capture loop: poll (bounded).
        for (int i = 0; i < 50 && sample(text, "decnet_sniffer_events_total") < 1; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            text = scrape();
        }
        EXPECT_GE(sample(text, "decnet_sniffer_packets_total"), 1) << text;
        EXPECT_GE(sample(text, "decnet_sniffer_events_total"), 1) << text;  // the redis SYN
        EXPECT_EQ(sample(text, "decnet_sniffer_kernel_dropped_total"), 0) << text;
        EXPECT_THAT(text, HasSubstr("# TYPE decnet_sniffer_flows_active gauge\n"));
    }
    EXPECT_THAT(capture("curl -s -o /dev/null -w '%{content_type}' " + std::string(kMetrics)),
                HasSubstr("text/plain; version=0.0.4"));
    EXPECT_THAT(capture("curl -s -o /dev/null -w '%{http_code}' -X POST " + std::string(kMetrics)),
                HasSubstr("405"));

    // Another loopback source (as a decky's address would be) is not the host's 127.0.0.1.
    EXPECT_THAT(capture("curl -s -o /dev/null -w '%{http_code}' --interface 127.99.30.77 " +
                        std::string(kMetrics)),
                HasSubstr("403"));

    if (capture("command -v promtool").empty()) {
        up.stop();
        GTEST_SKIP() << "promtool not installed (Debian package prometheus; "
                        "scripts/install-deps.sh installs it)";
    }
    const auto file = dir + "/metrics.txt";
    std::ofstream(file) << text;
    const auto check = capture("promtool check metrics < " + file + " 2>&1; echo rc=$?");
    EXPECT_THAT(check, HasSubstr("rc=0")) << check << "\n" << text;
    EXPECT_EQ(up.stop(), 0) << up.err();
}

// The fleet prober's series: an allowed attacker's TLS server is probed once per probe
// kind (tls_cert finds its certificate), its second visit is inside the TTL (skipped), a
// loopback address the policy does not allow is denied; nothing is planned (not a dry run).
TEST(CliMetrics, ProberCountsProbesPerKindAndWhatItsGovernanceHeldBack) {
    const auto dir = make_temp_dir();
    capture("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
            "/c.pem -days 30 -subj /CN=c2.example 2>/dev/null");
    BackgroundProcess c2({"/usr/bin/openssl", "s_server", "-accept", "127.217.1.50:28917", "-cert",
                          dir + "/c.pem", "-key", dir + "/k.pem", "-quiet"},
                         dir);
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.217.1.0/24\n\n[alpha]\nip = 127.217.1.10\nservices = "
               "http\n\n[prober]\nenabled = true\nallow = 127.217.1.50/32\nprobes = tls_cert, "
               "tcpfp\ntls_cert_ports = 28917\ntcpfp_ports = 28917\nrate = 100\n");
    BackgroundProcess up(
        {"/usr/bin/env", "DECNET_ADMIN_PASSWORD=metrics-password-1", "DECNET_JWT_SECRET=",
         "DECNET_METRICS_PUBLIC=", "DECNET_METRICS_TOKEN=", DECNET_BINARY, "up", "--config",
         dir + "/fleet.ini", "--db", dir + "/p.db", "--state-dir", dir, "--api-port", "18917"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", std::chrono::seconds(30)),
                HasSubstr("127.217.1.10:80/tcp"))
        << up.err();
    const std::string metrics = "curl -s --max-time 20 http://127.0.0.1:18917/metrics";
    const auto poll = [&](const std::string& series, double at_least) {
        std::string text;
        for (int i = 0; i < 100; ++i) {
            text = capture(metrics);
            if (sample(text, series) >= at_least) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return text;
    };
    capture("curl -s -m 5 --interface 127.217.1.50 http://127.217.1.10/ >/dev/null");
    capture("curl -s -m 5 --interface 127.217.1.60 http://127.217.1.10/ >/dev/null");
    auto text = poll("decnet_prober_targets_total", 1);
    text = poll("decnet_prober_fingerprints_total{probe=\"tls_cert\"}", 1);
    EXPECT_EQ(sample(text, "decnet_prober_probes_sent_total{probe=\"tls_cert\"}"), 1) << text;
    EXPECT_EQ(sample(text, "decnet_prober_probes_sent_total{probe=\"tcpfp\"}"), 1) << text;
    EXPECT_EQ(sample(text, "decnet_prober_probes_sent_total{probe=\"jarm\"}"), 0) << text;
    EXPECT_EQ(sample(text, "decnet_prober_probes_planned_total{probe=\"tls_cert\"}"), 0) << text;
    EXPECT_EQ(sample(text, "decnet_prober_fingerprints_total{probe=\"tls_cert\"}"), 1) << text;
    EXPECT_EQ(sample(text, "decnet_prober_errors_total{probe=\"tls_cert\"}"), 0) << text;
    // Without DECNET_SQLITE_MEMSTATUS SQLite keeps no allocation statistics: no series.
    EXPECT_THAT(text, Not(HasSubstr("decnet_sqlite_memory_bytes"))) << text;
    EXPECT_GE(sample(text, "decnet_prober_denied_total"), 1) << text;  // 127.217.1.60
    EXPECT_GE(sample(text, "decnet_prober_attackers_seen_total"), 2) << text;
    EXPECT_EQ(sample(text, "decnet_prober_queue_dropped_total"), 0) << text;
    EXPECT_THAT(text, HasSubstr("# TYPE decnet_prober_queue_depth gauge\n"));

    // Back inside the TTL: queued again, both probes skipped, nothing sent.
    capture("curl -s -m 5 --interface 127.217.1.50 http://127.217.1.10/ >/dev/null");
    text = poll("decnet_prober_skipped_total{reason=\"ttl\"}", 2);
    EXPECT_EQ(sample(text, "decnet_prober_skipped_total{reason=\"ttl\"}"), 2) << text;
    EXPECT_EQ(sample(text, "decnet_prober_skipped_total{reason=\"budget\"}"), 0) << text;
    EXPECT_EQ(sample(text, "decnet_prober_probes_sent_total{probe=\"tls_cert\"}"), 1) << text;
    if (!capture("command -v promtool").empty()) {
        const auto file = dir + "/metrics.txt";
        std::ofstream(file) << text;
        const auto check = capture("promtool check metrics < " + file + " 2>&1; echo rc=$?");
        EXPECT_THAT(check, HasSubstr("rc=0")) << check << "\n" << text;
    }
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
