// UdpListener's guards with a test handler on an unprivileged port (127.99.50.1): replies
// come back from the service port, oversize datagrams and over-budget replies are
// dropped and counted, one source's flood is cut to its token bucket, close() frees the
// port.
#include "honeypot/udp_listener.hpp"
#include "support/udp_probe.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "support/udp_probe.hpp"

namespace decnet::honeypot {
namespace {

constexpr const char* kIp = "127.99.50.1";

std::atomic<int> handled{0};

// Echoes the datagram, or 11 copies of it when it starts with "big".
void echo(DatagramExchange& x) {
    ++handled;
    std::string reply(x.payload());
    if (reply.starts_with("big"))
        for (int i = 0; i < 10; ++i) reply += x.payload();
    x.reply(reply);
}

// A UDP client connected to ip:port with a short receive timeout.
struct Client {
    int fd;
    // `from`: the source address to send from (the default is 127.0.0.1).
    Client(const std::string& ip, std::uint16_t port, const char* from = nullptr)
        : fd(::socket(AF_INET, SOCK_DGRAM, 0)) {
        if (from) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            inet_pton(AF_INET, from, &local.sin_addr);
            ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
        }
        timeval tv{0, 300'000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        const auto address = testing::ipv4_address(ip, port);
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    }
    ~Client() { ::close(fd); }
    void send(const std::string& d) const { ::send(fd, d.data(), d.size(), 0); }
    std::string receive() const {
        char buffer[2048];
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }
};

std::uint64_t dropped(std::string_view reason) {
    return udp_datagrams_dropped(reason);
}

struct UdpListenerGuards : ::testing::Test {
    boost::asio::io_context io{1};
    std::shared_ptr<UdpListener> listener;
    std::thread thread;

    void start(std::uint16_t port, UdpLimits limits = {}) {
        ServiceContext context{"decky-u", "host-u", "echo", "echo", nullptr, nullptr, nullptr};
        listener = std::make_shared<UdpListener>(io, "decky-u", kIp, port, 64, -1, context,
                                                 PersonaConfig{}, nullptr, &echo, limits);
        listener->start();
        thread = std::thread([this] { io.run(); });
    }
    void TearDown() override {
        if (listener) listener->close(true, std::chrono::milliseconds(2000));
        io.stop();
        if (thread.joinable()) thread.join();
        if (listener) listener->release();
    }
};

TEST_F(UdpListenerGuards, RepliesFromTheServicePort) {
    start(40069);
    Client c(kIp, 40069);  // connected: only datagrams from 127.99.50.1:40069 arrive
    c.send("hello");
    EXPECT_EQ(c.receive(), "hello");
}

TEST_F(UdpListenerGuards, OversizeDatagramsAndOverBudgetRepliesAreDropped) {
    start(40070);
    Client c(kIp, 40070);
    const auto oversize = dropped("oversize");
    const auto amplification = dropped("amplification");
    handled = 0;
    c.send(std::string(9000, 'x'));
    EXPECT_EQ(c.receive(), "");
    EXPECT_EQ(handled, 0);
    EXPECT_EQ(dropped("oversize"), oversize + 1);
    c.send("big request");  // 11 × its size > the 10 × bound
    EXPECT_EQ(c.receive(), "");
    EXPECT_EQ(handled, 1);
    EXPECT_EQ(dropped("amplification"), amplification + 1);
}

TEST_F(UdpListenerGuards, OneSourcesFloodIsCutToItsBucket) {
    UdpLimits limits;
    limits.per_source_rate = 1;
    limits.per_source_burst = 5;
    start(40071, limits);
    Client c(kIp, 40071);
    const auto limited = dropped("rate_limited");
    handled = 0;
    for (int i = 0; i < 50; ++i) c.send("ping");
    int replies = 0;
    while (!c.receive().empty() && replies < 100) ++replies;
    EXPECT_GE(replies, 5);
    EXPECT_LE(replies, 7);  // the burst, plus what refilled while sending
    EXPECT_EQ(handled.load(), replies);
    EXPECT_EQ(dropped("rate_limited") - limited, static_cast<std::uint64_t>(50 - replies));
}

// A flooding source spends only its own bucket: another source is still answered.
TEST_F(UdpListenerGuards, AFlooderDoesNotStarveOtherSources) {
    UdpLimits limits;
    limits.per_source_rate = 1;
    limits.per_source_burst = 5;
    limits.per_port_rate = 1;
    limits.per_port_burst = 10;
    start(40073, limits);
    Client flooder(kIp, 40073);
    for (int i = 0; i < 200; ++i) flooder.send("flood");
    int replies = 0;
    while (!flooder.receive().empty() && replies < 300) ++replies;
    EXPECT_LE(replies, 7);
    Client other(kIp, 40073, "127.99.50.2");
    other.send("hello");
    EXPECT_EQ(other.receive(), "hello");
}

TEST_F(UdpListenerGuards, CloseFreesThePort) {
    start(40072);
    listener->close(true, std::chrono::milliseconds(2000));
    // The port can be bound again at once.
    EXPECT_TRUE(testing::udp_bindable(kIp, 40072));
}

}  // namespace
}  // namespace decnet::honeypot
