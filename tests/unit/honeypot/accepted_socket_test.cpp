// accept_pending(): accept4() outside Asio's accept path, on 127.228.0.0/24.
#include "honeypot/accepted_socket.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "support/tcp_probe.hpp"

namespace decnet::honeypot {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using decnet::testing::connect_to;

constexpr int kPort = 2121;

struct Listening {
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    std::string ip;
    explicit Listening(std::string address) : ip(std::move(address)) {
        const tcp::endpoint where(asio::ip::make_address_v4(ip), kPort);
        acceptor.open(where.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(where);
        acceptor.listen();
        acceptor.non_blocking(true);
    }
    // A client connected to it (-1 when refused).
    int connect() const { return connect_to(ip, kPort); }
    // Waits for the kernel to finish the handshake of a connect() that just returned.
    std::optional<tcp::socket> accept(tcp::endpoint& peer, boost::system::error_code& ec) {
        for (int tries = 0; tries < 200; ++tries) {
            auto socket = accept_pending(acceptor.native_handle(), io, peer, ec);
            if (socket || ec != asio::error::would_block) return socket;
            ::usleep(5'000);
        }
        return std::nullopt;
    }
};

std::uint16_t local_port_of(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

TEST(AcceptPending, AnEmptyBacklogSaysWouldBlock) {
    Listening listening("127.228.0.1");
    tcp::endpoint peer;
    boost::system::error_code ec;
    EXPECT_FALSE(accept_pending(listening.acceptor.native_handle(), listening.io, peer, ec));
    EXPECT_EQ(ec, asio::error::would_block);
    EXPECT_FALSE(affects_one_connection(ec));
}

TEST(AcceptPending, GivesANonBlockingSocketAndItsPeer) {
    Listening listening("127.228.0.2");
    const int client = listening.connect();
    ASSERT_GE(client, 0);
    tcp::endpoint peer;
    boost::system::error_code ec;
    auto socket = listening.accept(peer, ec);
    ASSERT_TRUE(socket) << ec.message();
    EXPECT_EQ(peer.address().to_string(), "127.0.0.1");
    EXPECT_EQ(peer.port(), local_port_of(client));
    const int flags = ::fcntl(socket->native_handle(), F_GETFL);
    EXPECT_NE(flags & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(socket->native_handle(), F_GETFD) & FD_CLOEXEC, 0);
    ::close(client);
}

// Asio is told the socket is non-blocking and not a dup(), so its close() skips
// epoll_ctl(DEL): reads still complete, a closed socket's pending read ends, and the next
// connection under the same descriptor number is registered and read normally.
TEST(AcceptPending, AClosedSocketsNumberServesTheNextConnection) {
    Listening listening("127.228.0.3");
    const int first_client = listening.connect();
    ASSERT_GE(first_client, 0);
    tcp::endpoint peer;
    boost::system::error_code ec;
    auto first = listening.accept(peer, ec);
    ASSERT_TRUE(first) << ec.message();
    const int number = first->native_handle();
    std::array<char, 8> buffer{};
    boost::system::error_code first_read;
    first->async_read_some(asio::buffer(buffer), [&](auto e, auto) { first_read = e; });
    const int second_client = listening.connect();  // before the number is free
    ASSERT_GE(second_client, 0);
    first->close();
    listening.io.run_for(std::chrono::milliseconds(50));
    listening.io.restart();
    EXPECT_EQ(first_read, asio::error::operation_aborted);

    auto second = listening.accept(peer, ec);
    ASSERT_TRUE(second) << ec.message();
    EXPECT_EQ(second->native_handle(), number);  // the lowest free number, reused
    std::size_t got = 0;
    boost::system::error_code read_error;
    second->async_read_some(asio::buffer(buffer), [&](auto e, std::size_t n) {
        read_error = e;
        got = n;
    });
    ASSERT_EQ(::send(second_client, "hi", 2, 0), 2);
    listening.io.run_for(std::chrono::seconds(2));
    EXPECT_FALSE(read_error) << read_error.message();
    EXPECT_EQ(std::string(buffer.data(), got), "hi");
    ::close(first_client);
    ::close(second_client);
}

TEST(AcceptPending, OneConnectionsFailureIsNotOneOfTheProcess) {
    using boost::system::system_category;
    EXPECT_TRUE(affects_one_connection({ECONNABORTED, system_category()}));
    EXPECT_TRUE(affects_one_connection({EINTR, system_category()}));
    EXPECT_FALSE(affects_one_connection({EMFILE, system_category()}));
    EXPECT_FALSE(affects_one_connection({ENFILE, system_category()}));
    EXPECT_FALSE(affects_one_connection({ENOBUFS, system_category()}));
}

}  // namespace
}  // namespace decnet::honeypot
