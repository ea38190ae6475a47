// Tracing end to end (issue #6): one real `redis-cli AUTH` against a decky of `decnet up`
// shows up as one connected trace — honeypot.session → honeypot.event children → an
// ingester.batch linking to the event → an sse.emit_logs frame linking to it — and the
// stored log row carries the event span's ids. A syslog line with a traceparent sent to
// `decnet collect` continues that trace. The OTLP/HTTP receiver is a small blocking
// server inside the test (127.0.0.1:18410 and :18411); subnet 127.99.41.0/24, API port 18400.
// The sniffer's and the prober's spans (tracing.md §3.6–§3.7): a curl TLS handshake to a
// decky of `up` (sniffer and prober on) and the probe back at the client's own TLS server,
// then `decnet probe` and `decnet sniffer` on their own: receivers on :18412 and :18413,
// subnet 127.217.2.0/24 (fleet) and 127.217.3.0/24 (commands), TLS servers on 28918–28920.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/database.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using namespace std::chrono_literals;

// One receiver port per test: ctest runs them in parallel.
constexpr int kUpReceiverPort = 18410;
constexpr int kCollectReceiverPort = 18411;
constexpr int kFleetIntelReceiverPort = 18412;
constexpr int kCommandsReceiverPort = 18413;
constexpr int kCorrelateReceiverPort = 18414;
constexpr const char* kBase = "http://127.0.0.1:18400/api/v1";
constexpr const char* kPassword = "trace-e2e-password-1";

// Accepts POST /v1/traces (OTLP/HTTP JSON), answers 200 and keeps each body. One
// connection at a time, every wait bounded by poll() so stop() returns promptly.
class OtlpReceiver {
  public:
    explicit OtlpReceiver(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
              ::listen(fd_, 16) == 0;
        if (ok_) thread_ = std::thread([this] { run(); });
    }
    ~OtlpReceiver() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }
    bool ok() const { return ok_; }

    // Every span received so far, flattened from resourceSpans/scopeSpans.
    std::vector<json> spans() const {
        std::lock_guard lock(mutex_);
        std::vector<json> out;
        for (const auto& body : bodies_) {
            const auto request = json::parse(body, nullptr, false);
            if (!request.is_object()) continue;
            for (const auto& resource : request.value("resourceSpans", json::array()))
                for (const auto& scope : resource.value("scopeSpans", json::array()))
                    for (const auto& span : scope.value("spans", json::array()))
                        out.push_back(span);
        }
        return out;
    }

  private:
    void run() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) continue;
            serve(client);
            ::close(client);
        }
    }

    // HTTP/1.1, one request per connection (what decnet's exporter sends).
    void serve(int client) {
        std::string data;
        char chunk[65536];
        std::size_t header_end = std::string::npos, length = 0;
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline && data.size() < (64u << 20)) {
            if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
            pollfd p{client, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const auto n = ::recv(client, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            data.append(chunk, static_cast<std::size_t>(n));
            if (header_end == std::string::npos &&
                (header_end = data.find("\r\n\r\n")) != std::string::npos) {
                std::smatch match;
                const std::string headers = data.substr(0, header_end);
                if (std::regex_search(headers, match,
                                      std::regex("content-length: *([0-9]+)", std::regex::icase)))
                    length = std::stoul(match[1]);
            }
        }
        if (header_end == std::string::npos) return;
        {
            std::lock_guard lock(mutex_);
            if (data.starts_with("POST /v1/traces"))
                bodies_.push_back(data.substr(header_end + 4, length));
        }
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}";
        (void)!::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
    }

    int fd_ = -1;
    bool ok_ = false;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> bodies_;
    std::thread thread_;
};

std::string attribute(const json& span, const std::string& key) {
    for (const auto& a : span.value("attributes", json::array()))
        if (a.value("key", "") == key) {
            const auto& v = a["value"];
            if (v.contains("stringValue")) return v["stringValue"].get<std::string>();
            if (v.contains("intValue")) return v["intValue"].dump();
        }
    return {};
}

bool links_to(const json& span, const std::string& trace_id, const std::string& span_id) {
    for (const auto& link : span.value("links", json::array()))
        if (link.value("traceId", "") == trace_id && link.value("spanId", "") == span_id)
            return true;
    return false;
}

std::vector<json> named(const std::vector<json>& spans, const std::string& name) {
    std::vector<json> out;
    for (const auto& span : spans)
        if (span.value("name", "") == name) out.push_back(span);
    return out;
}

// The span `name` whose attribute `key` is `value` (null when none arrived yet).
json find_span(const std::vector<json>& spans, const std::string& name, const std::string& key,
               const std::string& value) {
    for (const auto& span : named(spans, name))
        if (attribute(span, key) == value) return span;
    return json();
}

// An openssl s_server with a fresh self-signed certificate (the attacker's "C2" or a TLS
// port on a decky's address); waits until it accepts.
std::vector<std::string> tls_server_argv(const std::string& dir, const std::string& where) {
    capture("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
            "/c.pem -days 30 -subj /CN=c2.example 2>/dev/null");
    return {"/usr/bin/openssl", "s_server", "-accept",      where,   "-cert",
            dir + "/c.pem",     "-key",     dir + "/k.pem", "-quiet"};
}

std::string subdir(const std::string& dir, const std::string& name) {
    std::filesystem::create_directories(dir + "/" + name);
    return dir + "/" + name;
}

// The newest stored row of one event type (the store's search syntax), waited for.
std::optional<store::LogRecord> stored_row(store::Repository& repo, const std::string& event) {
    store::LogFilter filter;
    filter.search = "event:" + event;
    for (const auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms))
        for (const auto& row : repo.logs(filter, 5, 0))
            if (row.event_type == event) return row;
    return std::nullopt;
}

std::pair<int, json> call(const std::string& method, const std::string& path,
                          const std::string& token = "") {
    return api_call(kBase, method, path, token);
}

TEST(TracingE2e, OneRedisAuthIsOneConnectedTraceFromSessionToSseFrame) {
    OtlpReceiver receiver(kUpReceiverPort);
    ASSERT_TRUE(receiver.ok()) << "port " << kUpReceiverPort << " in use";
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {"/usr/bin/env",
         std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
         "DECNET_JWT_SECRET=",
         "DECNET_TRACING=true",
         "DECNET_SNIFFER=true",  // the redis SYN becomes a traced tcp_syn_fingerprint (root)
         "DECNET_OTEL_ENDPOINT=http://127.0.0.1:" + std::to_string(kUpReceiverPort),
         "OTEL_BSP_SCHEDULE_DELAY=200",
         DECNET_BINARY,
         "up",
         "-n",
         "1",
         "--services",
         "redis",
         "--subnet",
         "127.99.41.0/24",
         "--db",
         dir + "/up.db",
         "--state-dir",
         dir,
         "--api-port",
         "18400"},
        dir);
    const auto out = up.wait_for_output("decnet is up", 30s);
    ASSERT_THAT(out, HasSubstr("REST API: http://127.0.0.1:18400/api/v1")) << up.err();
    const auto token = api_login(kBase, kPassword);
    ASSERT_FALSE(token.empty());

    // An SSE client is listening when the attacker authenticates.
    const auto stream = capture(std::string("curl -sN --max-time 5 '") + kBase +
                                "/stream?token=" + token + "' > " + dir +
                                "/stream.out & sleep 1.5; "
                                "redis-cli -h 127.99.41.1 -p 6379 AUTH trace-user trace-pass "
                                ">/dev/null 2>&1; wait; cat " +
                                dir + "/stream.out");
    ASSERT_THAT(stream, HasSubstr("trace-pass"));

    // The stored row of the auth event.
    auto [status, logs] = call("GET", "/logs?search=trace-pass&limit=10", token);
    ASSERT_EQ(status, 200) << logs.dump();
    json row;
    for (const auto& r : logs.value("data", json::array()))
        if (r.value("event_type", "") == "auth") row = r;
    ASSERT_TRUE(row.is_object()) << logs.dump();
    ASSERT_TRUE(row["trace_id"].is_string()) << row.dump();
    const auto trace_id = row["trace_id"].get<std::string>();
    const auto event_span_id = row["span_id"].get<std::string>();

    // Wait (bounded) for the spans: batches are exported every 200 ms.
    std::vector<json> spans;
    json session, event, batch, emit;
    for (const auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
        spans = receiver.spans();
        session = event = batch = emit = json();
        for (const auto& s : named(spans, "honeypot.event"))
            if (s.value("spanId", "") == event_span_id) event = s;
        for (const auto& s : named(spans, "honeypot.session"))
            if (s.value("traceId", "") == trace_id) session = s;
        for (const auto& s : named(spans, "ingester.batch"))
            if (links_to(s, trace_id, event_span_id)) batch = s;
        for (const auto& s : named(spans, "sse.emit_logs"))
            if (links_to(s, trace_id, event_span_id)) emit = s;
        if (!session.is_null() && !event.is_null() && !batch.is_null() && !emit.is_null()) break;
    }
    ASSERT_FALSE(event.is_null()) << "no honeypot.event " << event_span_id << " in " << spans.size()
                                  << " spans";
    ASSERT_FALSE(session.is_null()) << "no honeypot.session in trace " << trace_id;
    ASSERT_FALSE(batch.is_null()) << "no ingester.batch links to the event";
    ASSERT_FALSE(emit.is_null()) << "no sse.emit_logs links to the event";

    // session → events: same trace, the session is the parent, a new root itself.
    EXPECT_EQ(event["traceId"], trace_id);
    EXPECT_EQ(event["parentSpanId"], session["spanId"]);
    EXPECT_FALSE(session.contains("parentSpanId") && session["parentSpanId"] != "");
    EXPECT_EQ(session["kind"], 2);  // server
    EXPECT_EQ(attribute(session, "service"), "redis");
    EXPECT_EQ(attribute(session, "attacker_ip"), "127.0.0.1");
    EXPECT_NE(attribute(session, "bytes_in"), "");
    EXPECT_EQ(attribute(session, "close_reason"), "peer_closed");
    EXPECT_EQ(attribute(event, "event_type"), "auth");
    // Every event of the session (connect, auth, …) is a child of the session.
    int children = 0;
    for (const auto& s : named(spans, "honeypot.event"))
        if (s.value("parentSpanId", "") == session.value("spanId", "")) ++children;
    EXPECT_GE(children, 2);
    // The batch and the SSE frame start traces of their own and link back.
    EXPECT_NE(batch["traceId"], trace_id);
    EXPECT_NE(attribute(batch, "batch_size"), "");
    EXPECT_NE(emit["traceId"], trace_id);
    EXPECT_NE(attribute(emit, "log_count"), "");
    // The DB write is a child of the batch.
    bool write_child = false;
    for (const auto& s : named(spans, "ingester.write"))
        write_child |= s.value("parentSpanId", "") == batch.value("spanId", "");
    EXPECT_TRUE(write_child);
    // The stolen credential: a bounty span linked to the event.
    bool bounty = false;
    for (const auto& s : named(spans, "ingester.extract_bounty"))
        bounty |= links_to(s, trace_id, event_span_id);
    EXPECT_TRUE(bounty);

    // The profiler's round that consumed the event (a new trace, linking to it), and the
    // attacker's profile written under it.
    json round, process_ip;
    for (const auto deadline = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
        spans = receiver.spans();
        for (const auto& s : named(spans, "profiler.incremental_update"))
            if (links_to(s, trace_id, event_span_id)) round = s;
        if (round.is_null()) continue;
        for (const auto& s : named(spans, "profiler.process_ip"))
            if (s.value("traceId", "") == round.value("traceId", "") &&
                attribute(s, "attacker_ip") == "127.0.0.1")
                process_ip = s;
        if (!process_ip.is_null()) break;
    }
    ASSERT_FALSE(round.is_null()) << "no profiler.incremental_update links to the event";
    EXPECT_NE(round["traceId"], trace_id);
    EXPECT_NE(attribute(round, "rows"), "");
    ASSERT_FALSE(process_ip.is_null()) << "no profiler.process_ip for 127.0.0.1";
    EXPECT_NE(attribute(process_ip, "event_count"), "");

    // The sniffer's fingerprint of the same client (capturing needs root): stored with the
    // trace id of its sniffer.tcp_syn_fingerprint span, which an ingester batch links to.
    if (geteuid() == 0) {
        auto [fp_status, fp_logs] = call("GET", "/logs?search=tcp_syn_fingerprint&limit=10", token);
        ASSERT_EQ(fp_status, 200) << fp_logs.dump();
        json fp_row;
        for (const auto& r : fp_logs.value("data", json::array()))
            if (r.value("event_type", "") == "tcp_syn_fingerprint") fp_row = r;
        ASSERT_TRUE(fp_row.is_object()) << fp_logs.dump() << up.err();
        ASSERT_TRUE(fp_row["trace_id"].is_string()) << fp_row.dump();
        const auto fp_trace = fp_row["trace_id"].get<std::string>();
        const auto fp_span_id = fp_row["span_id"].get<std::string>();
        json fp_span, fp_batch;
        for (const auto deadline = std::chrono::steady_clock::now() + 15s;
             std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
            spans = receiver.spans();
            for (const auto& s : named(spans, "sniffer.tcp_syn_fingerprint"))
                if (s.value("spanId", "") == fp_span_id) fp_span = s;
            for (const auto& s : named(spans, "ingester.batch"))
                if (links_to(s, fp_trace, fp_span_id)) fp_batch = s;
            if (!fp_span.is_null() && !fp_batch.is_null()) break;
        }
        ASSERT_FALSE(fp_span.is_null()) << "no sniffer.tcp_syn_fingerprint span " << fp_span_id;
        EXPECT_EQ(fp_span["traceId"], fp_trace);
        EXPECT_EQ(attribute(fp_span, "attacker_ip"), "127.0.0.1");
        EXPECT_FALSE(fp_batch.is_null()) << "no ingester.batch links to the fingerprint";
    }

    EXPECT_EQ(up.stop(), 0) << up.err();
    // The process's own log lines carried trace ids while a span was current is covered
    // by unit tests; here: tracing was announced.
    EXPECT_THAT(up.err() + up.out(), HasSubstr("tracing on"));
}

TEST(TracingE2e, CollectContinuesATraceparentFromTheLine) {
    OtlpReceiver receiver(kCollectReceiverPort);
    ASSERT_TRUE(receiver.ok()) << "port " << kCollectReceiverPort << " in use";
    const auto dir = make_temp_dir();
    BackgroundProcess collector(
        {"/usr/bin/env", "DECNET_TRACING=true",
         "DECNET_OTEL_ENDPOINT=http://127.0.0.1:" + std::to_string(kCollectReceiverPort),
         "OTEL_BSP_SCHEDULE_DELAY=200", DECNET_BINARY, "collect", "--listen", "udp://127.0.0.1:0",
         "--db", dir + "/c.db"},
        dir);
    const auto out = collector.wait_for_output("Collector listening on");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(out, match, std::regex(R"(udp://127\.0\.0\.1:(\d+))"))) << out;
    const std::string port = match[1];
    const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::string sender_span = "00f067aa0ba902b7";
    // What a forwarding sensor sends (append_rfc5424_traced).
    const std::string line =
        "<134>1 2026-11-27T10:00:00+00:00 decky-01 redis - auth "
        "[decnet@55555 src=\"10.7.7.7\" password=\"hunter2\" "
        "traceparent=\"00-" +
        trace_id + "-" + sender_span + "-01\"]";
    write_file(dir + "/line.txt", line + "\n");
    ASSERT_EQ(std::system(
                  ("bash -c 'cat " + dir + "/line.txt > /dev/udp/127.0.0.1/" + port + "'").c_str()),
              0);

    auto repo = store::open_sqlite(dir + "/c.db");
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         repo->count_logs({}) < 1 && std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(50ms);
    const auto rows = repo->logs({}, 5, 0);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(rows[0].trace_id.has_value());
    EXPECT_EQ(*rows[0].trace_id, trace_id);
    EXPECT_THAT(rows[0].fields, Not(HasSubstr("traceparent")));
    EXPECT_THAT(rows[0].raw_line, HasSubstr("traceparent"));

    // The row points to the collector's span, whose parent is the sender's span.
    json received;
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         received.is_null() && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(200ms))
        for (const auto& s : named(receiver.spans(), "collector.event"))
            if (s.value("spanId", "") == rows[0].span_id.value_or("")) received = s;
    std::string seen;
    for (const auto& s : receiver.spans()) seen += s.value("name", "") + "; ";
    ASSERT_FALSE(received.is_null()) << "spans received: " << seen;
    EXPECT_EQ(received["traceId"], trace_id);
    EXPECT_EQ(received["parentSpanId"], sender_span);
    EXPECT_EQ(attribute(received, "attacker_ip"), "10.7.7.7");
    EXPECT_EQ(collector.stop(), 0) << collector.err();
}

// In the fleet: a TLS ClientHello to a decky's address becomes a tls_client_hello whose
// stored row carries the trace of its sniffer.tls_client_hello span (with the ja4/ja3/sni
// attributes), and the prober's probe back at that client is one prober.probe_cycle trace —
// a child of the span of the event that named the attacker — holding the probe's spans,
// and its stored rows carry that trace.
TEST(TracingE2e, SnifferFingerprintAndProbeBackAreTracedAndStoredWithTheirTrace) {
    if (geteuid() != 0) GTEST_SKIP() << "the sniffer's capture needs root";
    OtlpReceiver receiver(kFleetIntelReceiverPort);
    ASSERT_TRUE(receiver.ok()) << "port " << kFleetIntelReceiverPort << " in use";
    const auto dir = make_temp_dir();
    // The attacker's own TLS server (probed back) and a TLS port on the decky's address.
    BackgroundProcess c2(tls_server_argv(subdir(dir, "c2"), "127.217.2.50:28918"),
                         subdir(dir, "c2"));
    BackgroundProcess https(tls_server_argv(subdir(dir, "https"), "127.217.2.10:28919"),
                            subdir(dir, "https"));
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.217.2.0/24\n\n[alpha]\nip = 127.217.2.10\nservices = "
               "http\n\n[prober]\nenabled = true\nallow = 127.217.2.50/32\nprobes = "
               "tls_cert\ntls_cert_ports = 28918\nrate = 100\n");
    BackgroundProcess up(
        {"/usr/bin/env", "DECNET_TRACING=true", "DECNET_SNIFFER=true",
         "DECNET_OTEL_ENDPOINT=http://127.0.0.1:" + std::to_string(kFleetIntelReceiverPort),
         "OTEL_BSP_SCHEDULE_DELAY=200", DECNET_BINARY, "up", "--no-api", "--config",
         dir + "/fleet.ini", "--db", dir + "/t.db", "--state-dir", subdir(dir, "state")},
        subdir(dir, "up"));
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("127.217.2.10:80/tcp"))
        << up.err();
    std::this_thread::sleep_for(500ms);  // the capture thread opens after "up"
    capture(
        "timeout 10 curl -sk --http1.1 --interface 127.217.2.50 https://127.217.2.10:28919/ "
        "-o /dev/null");
    auto repo = store::open_sqlite(dir + "/t.db");

    // The fingerprint: its row's span is the sniffer.tls_client_hello span.
    const auto hello = stored_row(*repo, "tls_client_hello");
    ASSERT_TRUE(hello) << up.err();
    ASSERT_TRUE(hello->trace_id && hello->span_id) << hello->fields;
    const auto fields = json::parse(hello->fields);
    json hello_span;
    std::vector<json> spans;
    for (const auto deadline = std::chrono::steady_clock::now() + 15s;
         hello_span.is_null() && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(200ms)) {
        spans = receiver.spans();
        for (const auto& s : named(spans, "sniffer.tls_client_hello"))
            if (s.value("spanId", "") == *hello->span_id) hello_span = s;
    }
    ASSERT_FALSE(hello_span.is_null()) << "no sniffer.tls_client_hello span " << *hello->span_id;
    EXPECT_EQ(hello_span["traceId"], *hello->trace_id);
    EXPECT_EQ(attribute(hello_span, "attacker_ip"), "127.217.2.50");
    EXPECT_EQ(attribute(hello_span, "dst_port"), "\"28919\"");  // OTLP JSON: int64 as a string
    EXPECT_EQ(attribute(hello_span, "ja4"), fields.value("ja4", "?"));
    EXPECT_EQ(attribute(hello_span, "ja3"), fields.value("ja3", "?"));
    EXPECT_THAT(attribute(hello_span, "ja4"), ::testing::StartsWith("t1"));
    // A trace of its own (not the capture loop's, open for the process's life), linked to it.
    EXPECT_FALSE(hello_span.contains("parentSpanId") && hello_span["parentSpanId"] != "");
    ASSERT_EQ(hello_span.value("links", json::array()).size(), 1u) << hello_span.dump();
    const auto loop_link = hello_span["links"][0];

    // The probe back: a tls_cert_fingerprint stored with the trace of its probe_cycle.
    const auto cert = stored_row(*repo, "tls_cert_fingerprint");
    ASSERT_TRUE(cert) << up.err();
    ASSERT_TRUE(cert->trace_id) << cert->fields;
    const auto sent = stored_row(*repo, "probe_sent");
    ASSERT_TRUE(sent && sent->trace_id);
    EXPECT_EQ(*sent->trace_id, *cert->trace_id);
    json cycle, probe_span, phase, parent;
    for (const auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
        spans = receiver.spans();
        cycle = find_span(spans, "prober.probe_cycle", "target_ip", "127.217.2.50");
        probe_span = find_span(spans, "prober.tls_certificate", "target_ip", "127.217.2.50");
        phase = named(spans, "prober.tls_cert_phase").empty()
                    ? json()
                    : named(spans, "prober.tls_cert_phase").front();
        parent = json();
        for (const auto& s : spans)
            if (!cycle.is_null() && s.value("spanId", "") == cycle.value("parentSpanId", "-"))
                parent = s;
        if (!cycle.is_null() && !probe_span.is_null() && !phase.is_null() && !parent.is_null())
            break;
    }
    ASSERT_FALSE(cycle.is_null()) << "no prober.probe_cycle for 127.217.2.50";
    EXPECT_EQ(cycle["traceId"], *cert->trace_id);
    EXPECT_EQ(attribute(cycle, "policy"), "allowed by allow list 127.217.2.50/32");
    ASSERT_FALSE(phase.is_null());
    EXPECT_EQ(phase["parentSpanId"], cycle["spanId"]);
    ASSERT_FALSE(probe_span.is_null());
    EXPECT_EQ(probe_span["parentSpanId"], phase["spanId"]);
    EXPECT_EQ(attribute(probe_span, "target_port"), "\"28918\"");
    // The event that named the attacker is a decky's or the sniffer's, in the same trace.
    ASSERT_FALSE(parent.is_null()) << "the probe cycle's parent span was not exported";
    EXPECT_EQ(parent["traceId"], cycle["traceId"]);
    EXPECT_EQ(attribute(parent, "attacker_ip").empty() ? "127.217.2.50"
                                                       : attribute(parent, "attacker_ip"),
              "127.217.2.50");

    EXPECT_EQ(up.stop(), 0) << up.err();
    json loop;
    for (const auto deadline = std::chrono::steady_clock::now() + 5s;
         loop.is_null() && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(100ms))
        if (const auto l = named(receiver.spans(), "sniffer.sniff_loop"); !l.empty())
            loop = l.front();
    ASSERT_FALSE(loop.is_null()) << "no sniffer.sniff_loop span after the instance stopped";
    EXPECT_EQ(loop_link["spanId"], loop["spanId"]);
    EXPECT_FALSE(named(receiver.spans(), "sniffer.worker").empty());
}

// `decnet probe` and `decnet sniffer` export their spans like the instance: the command's
// prober.worker holds the probe cycle; the standalone sniffer's fingerprint span.
TEST(TracingE2e, ProbeAndSnifferCommandsExportTheirSpans) {
    OtlpReceiver receiver(kCommandsReceiverPort);
    ASSERT_TRUE(receiver.ok()) << "port " << kCommandsReceiverPort << " in use";
    const auto dir = make_temp_dir();
    BackgroundProcess c2(tls_server_argv(subdir(dir, "c2"), "127.217.3.50:28920"),
                         subdir(dir, "c2"));
    std::this_thread::sleep_for(600ms);
    const std::string env = "DECNET_TRACING=true DECNET_OTEL_ENDPOINT=http://127.0.0.1:" +
                            std::to_string(kCommandsReceiverPort) + " OTEL_BSP_SCHEDULE_DELAY=200 ";
    const auto probe = capture(env + DECNET_BINARY " probe 127.217.3.50 --allow 127.217.3.50/32 " +
                               "--probe tls_cert --port 28920 --rate 100 2>&1");
    ASSERT_THAT(probe, HasSubstr("tls_cert_fingerprint"));
    // The command flushes its spans before it exits.
    auto spans = receiver.spans();
    const auto worker = named(spans, "prober.worker");
    ASSERT_EQ(worker.size(), 1u) << spans.size() << " spans";
    const auto cycle = find_span(spans, "prober.probe_cycle", "target_ip", "127.217.3.50");
    ASSERT_FALSE(cycle.is_null());
    EXPECT_EQ(cycle["parentSpanId"], worker.front()["spanId"]);
    EXPECT_FALSE(find_span(spans, "prober.tls_certificate", "target_ip", "127.217.3.50").is_null());

    if (geteuid() != 0) GTEST_SKIP() << "the sniffer's capture needs root";
    BackgroundProcess sniffer(
        {"/usr/bin/env", "DECNET_TRACING=true",
         "DECNET_OTEL_ENDPOINT=http://127.0.0.1:" + std::to_string(kCommandsReceiverPort),
         "OTEL_BSP_SCHEDULE_DELAY=200", DECNET_BINARY, "sniffer", "-i", "lo", "--decky",
         "c2=127.217.3.50", "--duration", "20"},
        subdir(dir, "sniffer"));
    std::this_thread::sleep_for(1500ms);  // the capture is open
    capture(
        "timeout 10 curl -sk --http1.1 --interface 127.217.3.60 https://127.217.3.50:28920/ "
        "-o /dev/null");
    json hello;
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         hello.is_null() && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(200ms))
        hello =
            find_span(receiver.spans(), "sniffer.tls_client_hello", "attacker_ip", "127.217.3.60");
    ASSERT_FALSE(hello.is_null()) << sniffer.err();
    EXPECT_THAT(attribute(hello, "ja4"), ::testing::StartsWith("t1"));
    sniffer.stop();
}

// `decnet correlate` exports tracing.md §3.8's correlation spans: reading the file with its
// summary, and the output it was asked for.
TEST(TracingE2e, CorrelateExportsItsSpans) {
    OtlpReceiver receiver(kCorrelateReceiverPort);
    ASSERT_TRUE(receiver.ok()) << "port " << kCorrelateReceiverPort << " in use";
    const auto dir = make_temp_dir();
    write_file(dir + "/events.log",
               "<134>1 2026-04-04T10:00:00+00:00 decky-01 ssh - login_attempt [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n"
               "<134>1 2026-04-04T10:05:00+00:00 decky-03 http - request [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n"
               "not a syslog line\n");
    const std::string env = "DECNET_TRACING=true DECNET_OTEL_ENDPOINT=http://127.0.0.1:" +
                            std::to_string(kCorrelateReceiverPort) +
                            " OTEL_BSP_SCHEDULE_DELAY=200 ";
    const auto report = capture(env + DECNET_BINARY " correlate -o json -f " + dir + "/events.log");
    ASSERT_THAT(report, HasSubstr("decky-01"));
    const auto spans = receiver.spans();  // the command flushed them before it exited
    const auto ingest = named(spans, "correlation.ingest_file");
    const auto summary = named(spans, "correlation.ingest_file.summary");
    ASSERT_EQ(ingest.size(), 1u) << spans.size() << " spans";
    ASSERT_EQ(summary.size(), 1u);
    EXPECT_EQ(summary.front()["parentSpanId"], ingest.front()["spanId"]);
    // int64 attributes arrive as JSON strings (the protobuf JSON mapping).
    EXPECT_EQ(attribute(summary.front(), "lines_parsed"), "\"3\"");
    EXPECT_EQ(attribute(summary.front(), "events_indexed"), "\"2\"");
    EXPECT_EQ(attribute(summary.front(), "unique_ips"), "\"1\"");
    EXPECT_EQ(named(spans, "correlation.report_json").size(), 1u);
}

}  // namespace
}  // namespace decnet::testing
