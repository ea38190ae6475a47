// The API server's HTTP/1.1 transport over a raw socket, with exact bytes: keep-alive,
// pipelining, HTTP/1.0 and Connection: close, the header/body limits (431/413), malformed
// heads (400), Expect: 100-continue, chunked request bodies, the idle timeout (also for a
// head that stalls half-way), a large answer to a slow reader, and a graceful stop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "api/auth/auth_service.hpp"
#include "api/server/api_server.hpp"
#include "api_test_support.hpp"

namespace decnet::api {
namespace {

using namespace std::chrono_literals;

// Reserved for these tests (ctest may run test processes in parallel).
constexpr unsigned short kFirstPort = 18460;
constexpr unsigned short kLastPort = 18479;
constexpr std::size_t kBigBody = 4 * 1024 * 1024;

// A blocking client socket with a receive timeout.
class Client {
  public:
    explicit Client(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            ADD_FAILURE() << "connect failed";
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const std::string& bytes) {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }
    // One response: head, then Content-Length bytes (or until close without one).
    // Empty when the connection ended (or nothing came within `wait`) first.
    std::string response(std::chrono::milliseconds wait = 5s) {
        for (;;) {
            const auto head_end = pending_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                const auto length = content_length(pending_.substr(0, head_end));
                const auto total = head_end + 4 + length;
                if (pending_.size() >= total) {
                    auto out = pending_.substr(0, total);
                    pending_.erase(0, total);
                    return out;
                }
            }
            if (!receive(wait)) return {};
        }
    }
    // True when the server closed the connection within `wait` (nothing else arriving).
    bool closed_within(std::chrono::milliseconds wait) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buffer[4096];
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return true;
            pending_.append(buffer, static_cast<std::size_t>(n));
        }
        return false;
    }
    const std::string& pending() const { return pending_; }

  private:
    static std::size_t content_length(const std::string& head) {
        const auto at = head.find("Content-Length: ");
        return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    }
    bool receive(std::chrono::milliseconds wait) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
        char buffer[65536];
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        pending_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    int fd_;
    std::string pending_;
};

// This process's resident memory, from /proc.
std::size_t resident_kb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
    return 0;
}

std::string body_of(const std::string& response) {
    return response.substr(response.find("\r\n\r\n") + 4);
}

class HttpTransportTest : public ::testing::Test {
  protected:
    HttpTransportTest() : auth_(*store_.repo, testing::cheap_settings()) {}
    ~HttpTransportTest() override {
        if (server_) server_->stop();
    }

    void start(ServerOptions options = {}) {
        std::vector<Route> routes;
        routes.push_back({"GET",
                          "/api/v1/echo",
                          Access::kPublic,
                          false,
                          [](const Request& request, const Principal&) {
                              return Response::json("\"" + request.query_param("n").value_or("") +
                                                    "\"");
                          },
                          {}});
        routes.push_back({"GET",
                          "/api/v1/big",
                          Access::kPublic,
                          false,
                          [](const Request&, const Principal&) {
                              Response response;
                              response.content_type = "text/plain";
                              response.body.assign(kBigBody, 'x');
                              return response;
                          },
                          {}});
        routes.push_back({"GET",
                          "/api/v1/slow",
                          Access::kPublic,
                          false,
                          [](const Request&, const Principal&) {
                              std::this_thread::sleep_for(600ms);
                              return Response::message("done");
                          },
                          {}});
        routes.push_back({"POST",
                          "/api/v1/size",
                          Access::kPublic,
                          false,
                          [](const Request& request, const Principal&) {
                              return Response::json(std::to_string(request.body.size()));
                          },
                          {}});
        options.threads = 2;
        for (unsigned short port = kFirstPort; !server_ && port <= kLastPort; ++port) {
            options.port = port;
            try {
                server_ = std::make_unique<ApiServer>(routes, auth_, CorsPolicy{{}}, options);
            } catch (const std::runtime_error&) {
                // taken: try the next one
            }
        }
        if (!server_) throw std::runtime_error("no free port in 18460-18479");
        server_->start();
    }
    unsigned short port() const { return server_->port(); }

    testing::TempStore store_;
    auth::AuthService auth_;
    std::unique_ptr<ApiServer> server_;
};

TEST_F(HttpTransportTest, KeepAliveServesManyRequestsOnOneConnection) {
    start();
    Client client(port());
    for (int i = 0; i < 20; ++i) {
        client.send("GET /api/v1/echo?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto answer = client.response();
        ASSERT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
        EXPECT_NE(answer.find("Content-Type: application/json\r\n"), std::string::npos);
        EXPECT_EQ(answer.find("Connection: close"), std::string::npos);
        EXPECT_EQ(body_of(answer), "\"" + std::to_string(i) + "\"");
    }
    EXPECT_FALSE(client.closed_within(200ms));
}

TEST_F(HttpTransportTest, PipelinedRequestsAreAnsweredInOrder) {
    start();
    Client client(port());
    std::string burst;
    for (int i = 0; i < 50; ++i)
        burst += "GET /api/v1/echo?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send(burst);
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(body_of(client.response()), "\"" + std::to_string(i) + "\"");
}

TEST_F(HttpTransportTest, Http10AndConnectionCloseEndTheConnectionAfterTheAnswer) {
    start();
    {
        Client client(port());
        client.send("GET /api/v1/echo?n=a HTTP/1.0\r\n\r\n");
        const auto answer = client.response();
        EXPECT_TRUE(answer.starts_with("HTTP/1.0 200 OK\r\n")) << answer;
        EXPECT_EQ(body_of(answer), "\"a\"");
        EXPECT_TRUE(client.closed_within(2s));
    }
    {
        Client client(port());
        client.send("GET /api/v1/echo?n=b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const auto answer = client.response();
        EXPECT_NE(answer.find("Connection: keep-alive\r\n"), std::string::npos) << answer;
        client.send("GET /api/v1/echo?n=c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        EXPECT_EQ(body_of(client.response()), "\"c\"");
    }
    {
        Client client(port());
        client.send("GET /api/v1/echo?n=d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const auto answer = client.response();
        EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
        EXPECT_TRUE(client.closed_within(2s));
    }
}

TEST_F(HttpTransportTest, LimitsAndMalformedHeadsGetAnAnswerThenTheConnectionEnds) {
    ServerOptions options;
    options.header_limit = 1024;
    options.body_limit = 1000;
    start(options);
    {
        Client client(port());
        client.send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Junk: " + std::string(2000, 'a') +
                    "\r\n\r\n");
        EXPECT_TRUE(client.response().starts_with("HTTP/1.1 431 ")) << client.pending();
        EXPECT_TRUE(client.closed_within(2s));
    }
    {
        Client client(port());
        client.send("POST /api/v1/size HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
                    std::string(5000, 'b'));
        EXPECT_TRUE(client.response().starts_with("HTTP/1.1 413 ")) << client.pending();
        EXPECT_TRUE(client.closed_within(2s));
    }
    for (const std::string& garbage :
         std::vector<std::string>{"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                                  "GET /api/v1/echo HTTP/1.1\r\nBad Header\r\n\r\n",
                                  "POST /api/v1/size HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                                  std::string("GET /\0 HTTP/1.1\r\n\r\n", 20)}) {
        Client client(port());
        client.send(garbage);
        EXPECT_TRUE(client.response().starts_with("HTTP/1.1 400 ")) << client.pending();
        EXPECT_TRUE(client.closed_within(2s));
    }
    // The server is still fine.
    Client client(port());
    client.send("GET /api/v1/echo?n=ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(client.response()), "\"ok\"");
}

TEST_F(HttpTransportTest, BodiesByLengthChunkedAndAfterExpectContinue) {
    start();
    Client client(port());
    client.send("POST /api/v1/size HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n" +
                std::string(300, 'c'));
    EXPECT_EQ(body_of(client.response()), "300");
    client.send(
        "POST /api/v1/size HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    EXPECT_EQ(body_of(client.response()), "11");
    client.send(
        "POST /api/v1/size HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n"
        "Expect: 100-continue\r\n\r\n");
    EXPECT_EQ(client.response(), "HTTP/1.1 100 Continue\r\n\r\n");
    client.send(std::string(2000, 'd'));
    EXPECT_EQ(body_of(client.response()), "2000");
    // A body arriving in small pieces.
    client.send("POST /api/v1/size HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n");
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(20ms);
        client.send(std::string(10, 'e'));
    }
    EXPECT_EQ(body_of(client.response()), "30");
}

TEST_F(HttpTransportTest, IdleAndStalledConnectionsAreClosedAtTheIdleTimeout) {
    ServerOptions options;
    options.idle_timeout = 1s;
    start(options);
    Client idle(port());
    Client stalled(port());
    stalled.send("GET /api/v1/echo HTTP/1.1\r\nHo");
    Client used(port());
    used.send("GET /api/v1/echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(used.response()), "\"1\"");
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closed_within(4s));
    EXPECT_TRUE(stalled.closed_within(4s));
    EXPECT_TRUE(used.closed_within(4s));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(HttpTransportTest, IdleConnectionsCostLittleMemory) {
    // Connections that send nothing (a flood of them is cheap for an attacker) must cost
    // the server a few KiB apiece (session, parser, socket state), not more.
    constexpr int kConnections = 2000;
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_max < 2 * kConnections + 200) GTEST_SKIP() << "descriptor limit too low";
    files.rlim_cur = std::max<rlim_t>(files.rlim_cur, 2 * kConnections + 200);
    setrlimit(RLIMIT_NOFILE, &files);
    start();
    {
        Client warm(port());  // the first connection's one-time allocations
        warm.send("GET /api/v1/echo HTTP/1.1\r\nHost: x\r\n\r\n");
        ASSERT_FALSE(warm.response().empty());
    }
    const auto before = resident_kb();
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < kConnections; ++i) idle.push_back(std::make_unique<Client>(port()));
    Client last(port());
    last.send("GET /api/v1/echo?n=last HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(last.response()), "\"last\"");  // every connection was accepted by now
    const double per_connection_kb =
        static_cast<double>(resident_kb() - before) / static_cast<double>(kConnections);
    EXPECT_LT(per_connection_kb, 8.0);
}

TEST_F(HttpTransportTest, ALargeAnswerReachesASlowReaderWhole) {
    start();
    Client client(port());
    client.send("GET /api/v1/big HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(300ms);  // the socket buffers fill; the rest waits
    const auto answer = client.response(10s);
    ASSERT_EQ(body_of(answer).size(), kBigBody);
    EXPECT_EQ(body_of(answer).find_first_not_of('x'), std::string::npos);
    client.send("GET /api/v1/echo?n=after HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(client.response()), "\"after\"");
}

TEST_F(HttpTransportTest, StopClosesIdleConnectionsAndLetsARunningRequestAnswer) {
    start();
    Client idle(port());
    idle.send("GET /api/v1/echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(idle.response().empty());
    Client busy(port());
    busy.send("GET /api/v1/slow HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);
    std::thread stopper([&] { server_->stop(); });
    const auto answer = busy.response();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
    EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(idle.closed_within(2s));
    EXPECT_TRUE(busy.closed_within(2s));
    stopper.join();
}

}  // namespace
}  // namespace decnet::api
