// intel_bench (issue #19's performance targets), one run on one machine:
//  1. events/s through the ingester (bus → SQLite, ATT&CK tagging on, as `decnet up` runs it)
//     and then through the attacker profiler (ProfileWorker over those stored rows), with the
//     ratio profiler / ingester (target ≥ 1: profiles keep up with what is stored);
//  2. GET /api/v1/attackers latency with 100,000 attackers in the store (built through the
//     store API), over a keep-alive connection to an in-process API server: p50/p99 of the
//     default page and of the other list views, every request a response-cache miss
//     (target: p99 < 20 ms).
// Usage: intel_bench [events=200000] [attackers=100000] [requests=400]
// Last line: intel_profiler_ingester_ratio <R> attackers_p99_ms <N>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../support/traffic.hpp"
#include "api/api_service.hpp"
#include "events/event_bus.hpp"
#include "intel/attack/attack_tags.hpp"
#include "intel/profiler/profile_worker.hpp"
#include "store/ingest/ingester.hpp"
#include "store/repository.hpp"

namespace {

using namespace decnet;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

constexpr const char* kPassword = "bench-password-123";

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

double ingest(store::Repository& repository, std::size_t count) {
    EventBus bus;
    auto subscription = bus.subscribe("ingester", count + 1);
    store::Ingester ingester(repository, intel::attack::tagging_ingester_options());
    bench::Traffic traffic(false);
    const auto start = clock_type::now();
    std::thread writer([&] { ingester.run(*subscription); });
    for (std::size_t i = 0; i < count; ++i) bus.publish(traffic.next(i));
    bus.close();
    writer.join();
    const double seconds = seconds_since(start);
    if (ingester.stats().stored != count) {
        std::fprintf(stderr, "intel_bench: stored %llu of %zu events\n",
                     static_cast<unsigned long long>(ingester.stats().stored), count);
        std::exit(1);
    }
    std::printf("  ingester   %9zu events  %7.3f s  %10.0f events/s\n", count, seconds,
                count / seconds);
    return count / seconds;
}

double profile(store::Repository& repository, std::size_t count) {
    intel::ProfileWorker worker(repository);
    const auto through = repository.max_log_id();
    const auto start = clock_type::now();
    while (worker.stats().cursor < through)
        if (worker.catch_up(through) == 0) break;
    const double seconds = seconds_since(start);
    const auto stats = worker.stats();
    if (stats.rows != count) {
        std::fprintf(stderr, "intel_bench: profiled %llu of %zu rows\n",
                     static_cast<unsigned long long>(stats.rows), count);
        std::exit(1);
    }
    std::printf(
        "  profiler   %9zu events  %7.3f s  %10.0f events/s  (%llu profile writes, "
        "%llu profiles cached)\n",
        count, seconds, count / seconds, static_cast<unsigned long long>(stats.profiles_written),
        static_cast<unsigned long long>(stats.cached));
    return count / seconds;
}

std::string stamp(int second) {
    char text[40];
    std::snprintf(text, sizeof text, "2026-11-%02d %02d:%02d:%02d.000000", 1 + second / 86400 % 28,
                  second / 3600 % 24, second / 60 % 60, second % 60);
    return text;
}

// Attackers shaped like the profiler's rows, with behaviour rows, written one upsert each.
void seed_attackers(store::Repository& repository, int count) {
    const auto start = clock_type::now();
    for (int i = 0; i < count; ++i) {
        store::AttackerRecord a;
        char uuid[40];
        std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", i);
        a.uuid = uuid;
        a.ip = "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." +
               std::to_string(i & 255);
        a.first_seen = stamp(i * 17 % 2000000);
        a.last_seen = stamp(i * 17 % 2000000 + i % 3600);
        a.event_count = 1 + i % 500;
        const bool traversal = i % 50 == 0;
        a.decky_count = traversal ? 3 : 1;
        a.service_count = 1 + i % 3;
        a.services = i % 3 == 0   ? R"(["ssh"])"
                     : i % 3 == 1 ? R"(["ssh","http"])"
                                  : R"(["redis","telnet","ssh"])";
        a.deckies = traversal ? R"(["decky-1","decky-2","decky-3"])" : R"(["decky-1"])";
        if (traversal) a.traversal_path = "decky-1 -> decky-2 -> decky-3";
        a.is_traversal = traversal;
        a.bounty_count = i % 7;
        a.credential_count = i % 5;
        a.commands = R"([{"service":"ssh","decky":"decky-1","command":"uname -a","timestamp":")" +
                     a.last_seen + "\"}]";
        a.updated_at = a.last_seen;
        a.attack_techniques = R"({"T1110":3,"T1059":1})";
        store::AttackerBehaviorRecord b;
        b.attacker_uuid = a.uuid;
        b.os_guess = "linux";
        b.behavior_class = i % 2 ? "brute_force" : "interactive";
        b.tool_guesses = R"(["hydra"])";
        b.timing_stats = R"({"event_count":5,"mean_iat_s":1.5})";
        b.updated_at = a.updated_at;
        repository.upsert_attacker(a, b);
    }
    std::printf("  seeded %d attackers through the store API in %.1f s\n", count,
                seconds_since(start));
}

// One keep-alive HTTP/1.1 connection to the API.
class Client {
  public:
    Client(const std::string& host, int port) : stream_(io_) {
        stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host),
                                                static_cast<unsigned short>(port)));
    }
    http::response<http::string_body> send(http::verb verb, const std::string& target,
                                           const std::string& body = {}) {
        http::request<http::string_body> request{verb, target, 11};
        request.set(http::field::host, "127.0.0.1");
        if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
        if (!body.empty()) {
            request.set(http::field::content_type, "application/json");
            request.body() = body;
        }
        request.prepare_payload();
        http::write(stream_, request);
        http::response<http::string_body> response;
        http::read(stream_, buffer_, response);
        return response;
    }
    void login() {
        const nlohmann::json credentials = {{"username", "admin"}, {"password", kPassword}};
        auto answer = nlohmann::json::parse(
            send(http::verb::post, "/api/v1/auth/login", credentials.dump()).body());
        token_ = answer.at("access_token").get<std::string>();
        if (answer.value("must_change_password", false)) {
            send(http::verb::post, "/api/v1/auth/change-password",
                 nlohmann::json{{"old_password", kPassword}, {"new_password", kPassword}}.dump());
            answer = nlohmann::json::parse(
                send(http::verb::post, "/api/v1/auth/login", credentials.dump()).body());
            token_ = answer.at("access_token").get<std::string>();
        }
    }

  private:
    asio::io_context io_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string token_;
};

struct Latency {
    double p50 = 0, p99 = 0, max = 0;
};

// `requests` GETs of `target` with a distinct cache-busting parameter each (the response
// cache would otherwise answer all but the first).
Latency measure(Client& client, const std::string& target, int requests) {
    std::vector<double> ms;
    const char* join = target.find('?') == std::string::npos ? "?" : "&";
    static int serial = 0;
    for (int i = 0; i < requests; ++i) {
        const auto start = clock_type::now();
        const auto response =
            client.send(http::verb::get, target + join + "bench=" + std::to_string(++serial));
        ms.push_back(seconds_since(start) * 1000);
        if (response.result_int() != 200) {
            std::fprintf(stderr, "intel_bench: %s → %u %s\n", target.c_str(), response.result_int(),
                         response.body().substr(0, 200).c_str());
            std::exit(1);
        }
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))];
    };
    return {at(0.5), at(0.99), ms.back()};
}

double attackers_p99(store::Repository& repository, const std::filesystem::path& dir,
                     int requests) {
    auto config = api::api_config_from_environment(dir.string());
    config.settings.host = "127.0.0.1";
    config.settings.port =
        std::getenv("BENCH_INTEL_PORT") ? std::atoi(std::getenv("BENCH_INTEL_PORT")) : 18791;
    config.admin_password = kPassword;
    api::ApiService service(repository, config);
    service.start();
    Client client("127.0.0.1", config.settings.port);
    client.login();
    struct View {
        const char* name;
        std::string target;
        bool headline;  // counted in the headline p99 (the dashboard's list views)
    };
    const std::vector<View> views = {
        {"default page (recent, 50)", "/api/v1/attackers", true},
        {"sort_by=active", "/api/v1/attackers?sort_by=active", true},
        {"sort_by=traversals", "/api/v1/attackers?sort_by=traversals", true},
        {"page 100 (offset 4950)", "/api/v1/attackers?offset=4950", true},
        {"search=10.1.", "/api/v1/attackers?search=10.1.", false},
        {"service=redis", "/api/v1/attackers?service=redis", false},
        {"deep page (offset 90000)", "/api/v1/attackers?offset=90000", false},
    };
    double headline = 0;
    for (const auto& view : views) {
        measure(client, view.target, 3);  // warm the page cache
        const auto latency = measure(client, view.target, requests);
        std::printf("  GET %-40s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%s\n", view.name,
                    latency.p50, latency.p99, latency.max,
                    view.headline ? "" : "  (not in headline)");
        if (view.headline) headline = std::max(headline, latency.p99);
    }
    service.stop();
    return headline;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
    const int attackers = argc > 2 ? std::atoi(argv[2]) : 100000;
    const int requests = argc > 3 ? std::atoi(argv[3]) : 400;
    const auto dir = std::filesystem::temp_directory_path() / "decnet-intel-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::printf("intel_bench: SQLite (WAL) in %s\n", dir.c_str());

    double ratio = 0;
    if (events > 0) {  // 0: only the API part
        auto repository = store::open_sqlite((dir / "events.db").string());
        const double ingested = ingest(*repository, events);
        const double profiled = profile(*repository, events);
        ratio = profiled / ingested;
        std::printf("  profiler / ingester: %.2f (target >= 1)\n", ratio);
    }
    double p99 = 0;
    {
        auto repository = store::open_sqlite((dir / "attackers.db").string());
        seed_attackers(*repository, attackers);
        p99 = attackers_p99(*repository, dir, requests);
        std::printf("  GET /api/v1/attackers p99 with %d attackers: %.2f ms (target < 20 ms)\n",
                    attackers, p99);
    }
    std::filesystem::remove_all(dir);
    std::printf("intel_profiler_ingester_ratio %.2f attackers_p99_ms %.2f\n", ratio, p99);
    return 0;
}
