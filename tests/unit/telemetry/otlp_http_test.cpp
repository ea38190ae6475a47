// End to end over a real socket: an OTLP/HTTP receiver on 127.0.0.1 inside the test gets
// what the exporter POSTs — structure, ids, parents, attributes, links, resource — and
// shutdown flushes what the 5 s timer has not sent yet.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/span.hpp"
#include "telemetry/tracing.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::telemetry {
namespace {

struct Request {
    std::string request_line;
    std::string headers;  // raw, lower-cased
    std::string body;
};

// A minimal HTTP/1.1 server: one request per connection, answers with a fixed status.
class Receiver {
  public:
    explicit Receiver(int status = 200) : status_(status) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;  // any free port
        EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        EXPECT_EQ(::listen(listen_fd_, 16), 0);
        socklen_t length = sizeof address;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~Receiver() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<Request> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void serve() {
        while (!stop_) {
            pollfd pfd{listen_fd_, POLLIN, 0};
            if (::poll(&pfd, 1, 50) <= 0) continue;
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            handle(fd);
            ::close(fd);
        }
    }

    void handle(int fd) {
        std::string raw;
        char buffer[65536];
        std::size_t want = std::string::npos;
        while (raw.size() < want) {
            const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) return;
            raw.append(buffer, static_cast<std::size_t>(got));
            const auto end = raw.find("\r\n\r\n");
            if (end != std::string::npos && want == std::string::npos) {
                std::string head = raw.substr(0, end);
                for (auto& c : head)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                const auto at = head.find("content-length:");
                if (at == std::string::npos) return;
                want = end + 4 + std::stoul(head.substr(at + 15));
            }
        }
        Request request;
        const auto line_end = raw.find("\r\n");
        const auto head_end = raw.find("\r\n\r\n");
        request.request_line = raw.substr(0, line_end);
        request.headers = raw.substr(line_end + 2, head_end - line_end - 2);
        for (auto& c : request.headers)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.body = raw.substr(head_end + 4);
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(std::move(request));
        }
        const std::string response = "HTTP/1.1 " + std::to_string(status_) +
                                     " X\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
        ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    }

    int status_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Request> requests_;
    std::thread thread_;
};

TracingConfig http_config(const std::string& endpoint) {
    TracingConfig config;
    config.enabled = true;
    config.endpoint = endpoint;
    config.resource_attributes = {{"deployment.environment", "test"}};
    return config;  // default 5 s schedule: only shutdown can deliver within the test
}

TEST(OtlpHttp, ShutdownFlushesOneWellFormedRequest) {
    Receiver receiver;
    const auto before = tracing_counters();
    ASSERT_TRUE(start_tracing(http_config(receiver.endpoint())));
    SpanContext root_context, child_context, linked_context;
    {
        Span linked("collector.event", {.new_root = true});
        linked.set_attribute("decky", "decky-01");
        linked_context = linked.context();
    }
    {
        Span root("api.get_logs", SpanKind::server);
        root.set_attribute("http.route", "/api/v1/logs");
        root.set_attribute("http.response.status_code", 200);
        root_context = root.context();
        Span child("db.get_logs", SpanKind::client);
        child.add_link(linked_context, {{"log_id", 1}});
        child.set_attribute("rows", 50);
        child.set_attribute("cached", false);
        child_context = child.context();
    }
    EXPECT_TRUE(receiver.requests().empty());  // the timer is 5 s away
    shutdown_tracing();

    const auto requests = receiver.requests();
    ASSERT_EQ(requests.size(), 1u);
    const auto& request = requests[0];
    EXPECT_EQ(request.request_line, "POST /v1/traces HTTP/1.1");
    EXPECT_NE(request.headers.find("content-type: application/json"), std::string::npos);
    EXPECT_NE(request.headers.find("host: 127.0.0.1:"), std::string::npos);

    const auto body = nlohmann::json::parse(request.body);
    ASSERT_EQ(body.at("resourceSpans").size(), 1u);
    const auto& resource = body["resourceSpans"][0].at("resource");
    EXPECT_EQ(testing::attribute(resource, "service.name"),
              nlohmann::json({{"stringValue", "decnet"}}));
    const auto version = testing::attribute(resource, "service.version");
    ASSERT_TRUE(version.is_object());
    EXPECT_TRUE(std::regex_match(version.at("stringValue").get<std::string>(),
                                 std::regex(R"(\d+\.\d+\.\d+)")));
    EXPECT_EQ(testing::attribute(resource, "deployment.environment"),
              nlohmann::json({{"stringValue", "test"}}));
    EXPECT_TRUE(testing::attribute(resource, "process.pid").contains("intValue"));

    // Scopes by component: decnet.api, decnet.collector, decnet.db.
    std::vector<std::string> scopes;
    std::vector<nlohmann::json> spans;
    for (const auto& scope : body["resourceSpans"][0].at("scopeSpans")) {
        scopes.push_back(scope.at("scope").at("name"));
        EXPECT_FALSE(scope.at("scope").at("version").get<std::string>().empty());
        for (const auto& span : scope.at("spans")) spans.push_back(span);
    }
    EXPECT_EQ(scopes, (std::vector<std::string>{"decnet.api", "decnet.collector", "decnet.db"}));
    ASSERT_EQ(spans.size(), 3u);

    const std::regex trace_hex("[0-9a-f]{32}"), span_hex("[0-9a-f]{16}"), digits("[0-9]+");
    for (const auto& span : spans) {
        EXPECT_TRUE(std::regex_match(span.at("traceId").get<std::string>(), trace_hex));
        EXPECT_TRUE(std::regex_match(span.at("spanId").get<std::string>(), span_hex));
        EXPECT_TRUE(std::regex_match(span.at("startTimeUnixNano").get<std::string>(), digits));
        EXPECT_TRUE(std::regex_match(span.at("endTimeUnixNano").get<std::string>(), digits));
        EXPECT_TRUE(span.at("kind").is_number_integer());
    }
    const auto* root = testing::find_span(spans, "api.get_logs");
    const auto* child = testing::find_span(spans, "db.get_logs");
    ASSERT_TRUE(root && child);
    EXPECT_EQ(root->at("traceId"), root_context.trace_id_hex());
    EXPECT_EQ(root->at("spanId"), root_context.span_id_hex());
    EXPECT_EQ(child->at("traceId"), root_context.trace_id_hex());
    EXPECT_EQ(child->at("spanId"), child_context.span_id_hex());
    EXPECT_EQ(child->at("parentSpanId"), root_context.span_id_hex());
    EXPECT_EQ(testing::attribute(*root, "http.response.status_code"),
              nlohmann::json({{"intValue", "200"}}));
    EXPECT_EQ(testing::attribute(*child, "cached"), nlohmann::json({{"boolValue", false}}));
    ASSERT_EQ(child->at("links").size(), 1u);
    EXPECT_EQ(child->at("links")[0].at("traceId"), linked_context.trace_id_hex());
    EXPECT_EQ(child->at("links")[0].at("spanId"), linked_context.span_id_hex());

    const auto after = tracing_counters();
    EXPECT_EQ(after.spans_exported - before.spans_exported, 3u);
    EXPECT_EQ(after.spans_export_failed, before.spans_export_failed);
}

TEST(OtlpHttp, FullBatchesGoWithoutWaitingForTheTimer) {
    Receiver receiver;
    auto config = http_config(receiver.endpoint());
    config.max_export_batch_size = 4;
    ASSERT_TRUE(start_tracing(config));
    for (int i = 0; i < 8; ++i) Span span("db.add_log");
    for (int i = 0; i < 100 && receiver.requests().size() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(receiver.requests().size(), 2u);
    shutdown_tracing();
}

TEST(OtlpHttp, FlushSendsWithoutStopping) {
    Receiver receiver;
    ASSERT_TRUE(start_tracing(http_config(receiver.endpoint())));
    { Span span("api.get_health"); }
    EXPECT_TRUE(flush_tracing(std::chrono::seconds(10)));
    EXPECT_EQ(receiver.requests().size(), 1u);
    EXPECT_TRUE(tracing_enabled());
    shutdown_tracing();
}

TEST(OtlpHttp, RefusedBatchesAreCountedAsFailed) {
    Receiver receiver(503);
    const auto before = tracing_counters();
    ASSERT_TRUE(start_tracing(http_config(receiver.endpoint())));
    { Span span("api.get_health"); }
    shutdown_tracing();
    EXPECT_EQ(receiver.requests().size(), 1u);
    const auto after = tracing_counters();
    EXPECT_EQ(after.spans_export_failed - before.spans_export_failed, 1u);
    EXPECT_EQ(after.spans_exported, before.spans_exported);
}

TEST(OtlpHttp, UnreachableCollectorNeverBlocksSpans) {
    std::uint16_t port = 0;
    {
        Receiver closed;  // take a free port, then close it
        port = static_cast<std::uint16_t>(std::stoi(closed.endpoint().substr(17)));
    }
    const auto before = tracing_counters();
    ASSERT_TRUE(start_tracing(http_config("http://127.0.0.1:" + std::to_string(port))));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5000; ++i) Span span("db.add_log");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    shutdown_tracing();
    const auto after = tracing_counters();
    // Every span is accounted for: sent and refused, or dropped at a full queue.
    EXPECT_EQ((after.spans_export_failed - before.spans_export_failed) +
                  (after.spans_dropped - before.spans_dropped),
              5000u);
    EXPECT_EQ(after.spans_exported, before.spans_exported);
}

TEST(OtlpHttp, HttpsEndpointKeepsTracingOff) {
    auto config = http_config("https://collector.example:4318");
    EXPECT_FALSE(start_tracing(config));
    EXPECT_FALSE(tracing_enabled());
    config.endpoint = "ftp://nowhere";
    EXPECT_FALSE(start_tracing(config));
}

TEST(OtlpHttp, EndpointPathIsKeptWhenItNamesTheSignal) {
    Receiver receiver;
    ASSERT_TRUE(start_tracing(http_config(receiver.endpoint() + "/otlp/v1/traces")));
    { Span span("api.get_health"); }
    shutdown_tracing();
    ASSERT_EQ(receiver.requests().size(), 1u);
    EXPECT_EQ(receiver.requests()[0].request_line, "POST /otlp/v1/traces HTTP/1.1");
}

}  // namespace
}  // namespace decnet::telemetry
