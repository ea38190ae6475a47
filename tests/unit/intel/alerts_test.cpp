// Webhook alerts: [alerts] settings (defaults, filters, errors with their line), the
// signature (RFC 4231's HMAC-SHA256 vector; the MAC over "<timestamp>.<body>"), and the
// dispatcher against a loopback receiver in this test (127.216.0.1): a 500, 500, 200
// receiver gets the alert on the third try, signed; a dead one loses alerts to the bounded
// queue, counted, while offer() returns at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "events/event.hpp"
#include "intel/alerts/alert_dispatcher.hpp"
#include "intel/alerts/alert_settings.hpp"
#include "intel/alerts/webhook_signature.hpp"
#include "store/repository.hpp"

namespace decnet::intel::alerts {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

DeploymentConfig with_alerts(std::map<std::string, PersonaConfig> targets) {
    DeploymentConfig config;
    for (const auto& [name, keys] : targets) {
        config.alerts_origins[name][""] = SourceLine{"fleet.ini", 10};
        int line = 11;
        for (const auto& entry : keys)
            config.alerts_origins[name][entry.first] = {"fleet.ini", line++};
    }
    config.alerts = std::move(targets);
    return config;
}

TEST(AlertSettings, DefaultsFiltersAndRedaction) {
    const auto settings = alert_settings_from_config(
        with_alerts({{"default", {{"url", "https://hooks.example.com/services/T0/B0/XYZ?x=1"}}},
                     {"ops",
                      {{"url", "http://127.216.0.1:8080"},
                       {"secret", " s3cret "},
                       {"events", "login_attempt, command\n download"},
                       {"services", "ssh telnet"},
                       {"min_severity", "WARNING"},
                       {"retries", "2"},
                       {"timeout", "1.5"},
                       {"backoff", "0.05"},
                       {"max_queue", "3"}}},
                     {"off", {{"url", "http://127.216.0.1:1/"}, {"enabled", "no"}}}}));
    ASSERT_EQ(settings.targets.size(), 2u);
    const auto& hooks = settings.targets[0];
    EXPECT_EQ(hooks.name, "default");
    EXPECT_TRUE(hooks.url.tls);
    EXPECT_EQ(hooks.url.port, 443);
    EXPECT_EQ(hooks.url.target, "/services/T0/B0/XYZ?x=1");
    EXPECT_EQ(hooks.url.redacted(), "https://hooks.example.com/…");
    EXPECT_EQ(hooks.max_attempts, 5);
    EXPECT_TRUE(hooks.matches("http", "request", Severity::debug));
    const auto& ops = settings.targets[1];
    EXPECT_EQ(ops.url.host, "127.216.0.1");
    EXPECT_EQ(ops.url.port, 8080);
    EXPECT_EQ(ops.url.target, "/");
    EXPECT_EQ(ops.secret, "s3cret");
    EXPECT_EQ(ops.events, (std::vector<std::string>{"login_attempt", "command", "download"}));
    EXPECT_EQ(ops.max_attempts, 3);
    EXPECT_EQ(ops.timeout, 1500ms);
    EXPECT_EQ(ops.backoff, 50ms);
    EXPECT_EQ(ops.max_queue, 3u);
    EXPECT_TRUE(ops.matches("ssh", "login_attempt", Severity::warning));
    EXPECT_TRUE(ops.matches("telnet", "command", Severity::critical));
    EXPECT_FALSE(ops.matches("ssh", "login_attempt", Severity::info));  // not severe enough
    EXPECT_FALSE(ops.matches("ssh", "connect", Severity::warning));     // event not listed
    EXPECT_FALSE(ops.matches("redis", "command", Severity::warning));   // service not listed
    const auto json = alert_settings_json(settings);
    EXPECT_THAT(json, HasSubstr(R"("name":"ops","url":"http://127.216.0.1:8080/","signed":true)"));
    EXPECT_THAT(json, Not(HasSubstr("s3cret")));
    EXPECT_THAT(json, Not(HasSubstr("XYZ")));
}

std::string error_of(std::map<std::string, PersonaConfig> targets) {
    try {
        alert_settings_from_config(with_alerts(std::move(targets)));
    } catch (const ConfigError& e) {
        return std::string(e.what()) + " @" + std::to_string(e.line());
    }
    return "no error";
}

TEST(AlertSettings, BadValuesFailWithTheirLine) {
    EXPECT_THAT(error_of({{"ops", {{"secret", "x"}}}}),
                HasSubstr("[alerts.ops]: url= is required"));
    EXPECT_THAT(error_of({{"ops", {{"url", "ftp://x/"}}}}),
                HasSubstr("[alerts.ops] url=: the URL must start with http:// or https:// @11"));
    EXPECT_THAT(error_of({{"ops", {{"url", "http://u:p@x/"}}}}), HasSubstr("credentials"));
    EXPECT_THAT(error_of({{"ops", {{"url", "http://x/a\r\nHost: y"}}}}), HasSubstr("control"));
    EXPECT_THAT(error_of({{"ops", {{"url", "http://x:0/"}}}}), HasSubstr("bad port '0'"));
    EXPECT_THAT(error_of({{"default", {{"url", "http://x/"}, {"min_severity", "loud"}}}}),
                HasSubstr("[alerts] min_severity=: expected a syslog severity"));
    EXPECT_THAT(error_of({{"ops", {{"url", "http://x/"}, {"retries", "-1"}}}}),
                HasSubstr("retries=: expected a number from 0 to 100, got '-1'"));
    EXPECT_THAT(error_of({{"ops", {{"url", "http://x/"}, {"colour", "red"}}}}),
                HasSubstr("[alerts.ops] colour=: unknown key"));
    EXPECT_THAT(error_of({{"a b", {{"url", "http://x/"}}}}), HasSubstr("name is 1-64"));
}

TEST(AlertSettings, SeverityOfStoredLines) {
    EXPECT_EQ(severity_of_raw_line("<12>1 2026-01-01T00:00:00Z d ssh - auth - x"),
              Severity::warning);  // facility 1 (user) × 8 + 4
    EXPECT_EQ(severity_of_raw_line("<134>1 …"), Severity::info);
    EXPECT_EQ(severity_of_raw_line("<2>1 …"), Severity::critical);
    EXPECT_EQ(severity_of_raw_line("<999>1 …"), Severity::info);  // not a PRI
    EXPECT_EQ(severity_of_raw_line("garbage"), Severity::info);
    EXPECT_EQ(severity_of_raw_line(""), Severity::info);
    EXPECT_EQ(severity_of_raw_line("<"), Severity::info);
}

TEST(WebhookSignature, HmacSha256AndTheSignedText) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(webhook_signature("k", "1700000000", "{}"),
              "sha256=" + hmac_sha256_hex("k", "1700000000.{}"));
}

// A one-request-per-connection HTTP receiver on 127.216.0.1 answering with `statuses` in
// turn (the last one repeated), keeping every request it read.
class Receiver {
  public:
    explicit Receiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        ::inet_pton(AF_INET, "127.216.0.1", &addr.sin_addr);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ::listen(fd_, 16);
        socklen_t size = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~Receiver() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.216.0.1:" + std::to_string(port_) + "/hook"; }
    std::vector<std::string> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void serve() {
        // Bounded: 200 connections, or until the test ends.
        for (int served = 0; !stop_ && served < 200;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) continue;
            std::string request;
            char buffer[4096];
            for (int reads = 0; reads < 100; ++reads) {
                pollfd c{client, POLLIN, 0};
                if (::poll(&c, 1, 2000) <= 0) break;
                const auto n = ::read(client, buffer, sizeof buffer);
                if (n <= 0) break;
                request.append(buffer, static_cast<std::size_t>(n));
                const auto head_end = request.find("\r\n\r\n");
                if (head_end == std::string::npos) continue;
                const auto length_at = request.find("Content-Length: ");
                const auto length =
                    length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
                if (request.size() >= head_end + 4 + length) break;
            }
            const int status = statuses_[std::min<std::size_t>(served, statuses_.size() - 1)];
            const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                       " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)!::write(client, answer.data(), answer.size());
            ::close(client);
            {
                const std::lock_guard lock(mutex_);
                requests_.push_back(request);
            }
            ++served;
        }
    }

    std::vector<int> statuses_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

std::string header(const std::string& request, const std::string& name) {
    const auto at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 4;
    return request.substr(start, request.find("\r\n", start) - start);
}

store::LogRecord row(std::int64_t id, std::string event_type) {
    store::LogRecord r;
    r.id = id;
    r.timestamp = "2026-12-05 06:00:00.000000";
    r.decky = "alpha";
    r.service = "ssh";
    r.event_type = std::move(event_type);
    r.attacker_ip = "127.216.0.9";
    r.raw_line = "<12>1 2026-12-05T06:00:00+00:00 alpha ssh - auth - x";
    r.fields = R"({"username":"root"})";
    return r;
}

AlertDispatcher::Render render() {
    return [](const store::LogRecord& r) {
        return R"({"id":)" + std::to_string(r.id) + R"(,"event_type":")" + r.event_type + "\"}";
    };
}

template <typename Done>
bool eventually(Done done) {
    for (int i = 0; i < 200; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(25ms);
    }
    return false;
}

TEST(AlertDispatcher, RetriesWithBackoffUntilTheReceiverAccepts) {
    Receiver receiver({500, 500, 200});
    WebhookTarget target;
    target.name = "ops";
    target.url = *parse_webhook_url(receiver.url(), nullptr);
    target.secret = "hunter2";
    target.events = {"auth"};
    target.backoff = 20ms;
    target.timeout = 2000ms;
    AlertDispatcher dispatcher(AlertSettings{{target}}, render());
    dispatcher.offer({row(7, "connect"), row(8, "auth")});  // only auth is wanted
    ASSERT_TRUE(eventually([&] { return dispatcher.stats()[0].delivered == 1; }));
    const auto stats = dispatcher.stats()[0];
    EXPECT_EQ(stats.queued, 1u);
    EXPECT_EQ(stats.retries, 2u);
    EXPECT_EQ(stats.failed, 0u);
    const auto requests = receiver.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(header(requests[0], "X-Decnet-Attempt"), "1");
    EXPECT_EQ(header(requests[2], "X-Decnet-Attempt"), "3");
    const auto& last = requests[2];
    EXPECT_THAT(last, HasSubstr("POST /hook HTTP/1.1\r\n"));
    EXPECT_EQ(header(last, "X-Decnet-Event"), "auth");
    EXPECT_EQ(header(last, "X-Decnet-Event-Id"), "8");
    EXPECT_EQ(header(last, "X-Decnet-Severity"), "warning");
    EXPECT_EQ(header(last, "Content-Type"), "application/json");
    const auto body = last.substr(last.find("\r\n\r\n") + 4);
    EXPECT_EQ(body, R"({"id":8,"event_type":"auth"})");
    // Verified with OpenSSL directly, as a receiver would.
    const auto signed_text = header(last, "X-Decnet-Timestamp") + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), "hunter2", 7, reinterpret_cast<const unsigned char*>(signed_text.data()),
         signed_text.size(), mac, &size);
    EXPECT_EQ(header(last, "X-Decnet-Signature"),
              "sha256=" + to_hex(std::span<const std::uint8_t>(mac, size)));
}

TEST(AlertDispatcher, ClientErrorsAreNotRetried) {
    Receiver receiver({404});
    WebhookTarget target;
    target.name = "ops";
    target.url = *parse_webhook_url(receiver.url(), nullptr);
    target.backoff = 20ms;
    AlertDispatcher dispatcher(AlertSettings{{target}}, render());
    dispatcher.offer({row(1, "auth")});
    ASSERT_TRUE(eventually([&] { return dispatcher.stats()[0].failed == 1; }));
    EXPECT_EQ(dispatcher.stats()[0].retries, 0u);
    EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(AlertDispatcher, ADeadReceiverDropsTheOldestAndNeverBlocksTheOffer) {
    // A port nobody listens on: connections are refused at once.
    int port = 0;
    {
        Receiver gone({200});
        port = std::stoi(gone.url().substr(std::string("http://127.216.0.1:").size()));
    }
    WebhookTarget target;
    target.name = "down";
    target.url = *parse_webhook_url("http://127.216.0.1:" + std::to_string(port) + "/", nullptr);
    target.max_queue = 2;
    target.backoff = 10000ms;  // the first alert waits for its retry while the rest queue up
    AlertDispatcher dispatcher(AlertSettings{{target}}, render());
    std::vector<store::LogRecord> rows;
    for (int i = 1; i <= 50; ++i) rows.push_back(row(i, "auth"));
    const auto start = std::chrono::steady_clock::now();
    for (int batch = 0; batch < 20; ++batch) dispatcher.offer(rows);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
    ASSERT_TRUE(eventually([&] { return dispatcher.stats()[0].retries >= 1; }));
    auto stats = dispatcher.stats()[0];
    EXPECT_EQ(stats.queued, 1000u);
    EXPECT_LE(stats.depth, 2u);
    EXPECT_GE(stats.dropped, 997u);
    const auto stopping = std::chrono::steady_clock::now();
    dispatcher.stop(300ms);
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 2s);
    stats = dispatcher.stats()[0];
    EXPECT_EQ(stats.delivered, 0u);
    EXPECT_EQ(stats.depth, 0u);
    EXPECT_EQ(stats.delivered + stats.failed + stats.dropped, stats.queued);
}

TEST(AlertDispatcher, NoTargetsNoThread) {
    AlertDispatcher dispatcher(AlertSettings{}, render());
    dispatcher.offer({row(1, "auth")});
    EXPECT_TRUE(dispatcher.stats().empty());
}

}  // namespace
}  // namespace decnet::intel::alerts
