// libFuzzer target for one whole protocol emulator (linked once per service as
// fuzz_dialogue_<slug> with a TU defining fuzz_module()): the attacker's bytes reach the
// module exactly as a connection's would — the registered coroutine on a Session over an
// in-memory socket pair (as tests/support/dialogue.hpp drives it, without gtest), or, for a
// datagram service, its handler once per datagram (the input cut by 2-byte big-endian length
// prefixes, state kept across them). Whatever the emulator parses on the way (commands,
// paths, request lines, bodies, options) must never crash, leak or outlive its deadline.
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_bench.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/session.hpp"

// The module this target serves (tests/fuzz/CMakeLists.txt generates it per target).
const decnet::honeypot::ServiceModule& fuzz_module();

namespace {

namespace asio = boost::asio;
using namespace decnet;
using decnet::fuzzing::Bench;

Bench& bench() {
    static Bench b(fuzz_module());
    return b;
}

asio::awaitable<void> serve(honeypot::StreamHandler handler, asio::ip::tcp::socket socket,
                            bool& ended) {
    const asio::ip::tcp::endpoint peer(asio::ip::make_address("203.0.113.7"), 40000);
    honeypot::Session session(std::move(socket), peer, bench().context, bench().limits);
    try {
        co_await handler(session);
    } catch (const std::exception&) {
        // A session that throws is ended by the runtime; only a crash is a finding.
    }
    session.close();
    ended = true;
}

// The attacker: writes everything, says it is done (FIN), and reads every answer so the
// emulator never blocks on a full socket buffer. Its socket is owned by these two
// coroutines only, so tearing the context down (which destroys their frames) closes it.
using ClientSocket = std::shared_ptr<asio::local::stream_protocol::socket>;

asio::awaitable<void> attack(ClientSocket client, std::string input) {
    boost::system::error_code ec;
    co_await asio::async_write(*client, asio::buffer(input),
                               asio::redirect_error(asio::use_awaitable, ec));
    client->shutdown(asio::socket_base::shutdown_send, ec);
}

asio::awaitable<void> drain(ClientSocket client) {
    char sink[16384];
    for (;;) {
        boost::system::error_code ec;
        co_await client->async_read_some(asio::buffer(sink),
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
    }
}

void run_stream(std::string_view input) {
    auto& b = bench();
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    auto io = std::make_unique<asio::io_context>();
    bool ended = false;
    {
        asio::ip::tcp::socket server(*io);
        server.assign(asio::ip::tcp::v4(), fds[0]);  // a Session reads an AF_UNIX end like TCP
        asio::co_spawn(*io, serve(b.module->serve, std::move(server), ended), asio::detached);
    }
    auto client = std::make_shared<asio::local::stream_protocol::socket>(
        *io, asio::local::stream_protocol(), fds[1]);
    asio::co_spawn(*io, attack(client, std::string(input)), asio::detached);
    asio::co_spawn(*io, drain(std::move(client)), asio::detached);
    // Bounded: an emulator still running after its limits is torn down, not waited for.
    fuzzing::run_bounded(io, ended);
}

void run_datagrams(std::string_view input) {
    auto& b = bench();
    for (int n = 0; n < 16 && input.size() >= 2; ++n) {
        const std::size_t length =
            (static_cast<unsigned char>(input[0]) << 8) | static_cast<unsigned char>(input[1]);
        input.remove_prefix(2);
        const auto payload = input.substr(0, length);
        input.remove_prefix(payload.size());
        honeypot::DatagramExchange x(b.context, "203.0.113.7", 40000, 0, payload);
        b.module->datagram(x);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (bench().module->serve)
        run_stream(input);
    else
        run_datagrams(input);
    return 0;
}
