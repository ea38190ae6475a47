// libFuzzer target for what runs on an SSH session channel once a client is in: the bytes a
// client sends as CHANNEL_DATA reach the program the channel asked for — the sftp subsystem
// (its packets, handles, paths and uploads), scp's sink and source (`scp -t`/`scp -f`
// control lines and file bodies), an exec'd command line and the interactive shell (line
// editing, lexer, parser, interpreter, the fake filesystem). The transport and its
// encryption are not in the way: a fake ChannelHost hands the input over in pieces, as the
// connection's pump would. First byte: the program (bits 0-2: shell, exec, sftp, scp -t,
// scp -f; bit 4: a pty, or scp's other flavour); exec's command is the first line. Never a crash, a
// leak or a session outliving its deadline.
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_bench.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/ssh/channel_programs.hpp"
#include "honeypot/services/ssh/ssh_settings.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace {

namespace asio = boost::asio;
using namespace decnet;
namespace ssh = decnet::honeypot::ssh;

constexpr std::size_t kPiece = 1024;  // how much one CHANNEL_DATA carries here

fuzzing::Bench& bench() {
    static fuzzing::Bench b(honeypot::ssh_module());
    return b;
}

// The connection as the programs see it: channel 0, the input as its data, output dropped.
class Host final : public ssh::ChannelHost {
  public:
    Host(honeypot::Session& s, std::string data) : s_(s), data_(std::move(data)), overlay_(fs()) {
        info_.remote_window = 1u << 30;
        info_.remote_max_packet = 32768;
        info_.local_window = 2u * 1024 * 1024;
    }

    asio::awaitable<std::optional<std::string>> channel_read(std::uint32_t id) override {
        if (id != 0 || at_ >= data_.size() || reads_++ > 4096) {
            info_.peer_eof = true;
            co_return std::nullopt;
        }
        std::string piece = data_.substr(at_, kPiece);
        at_ += piece.size();
        co_return piece;
    }
    asio::awaitable<bool> channel_write(std::uint32_t id, std::string_view, bool) override {
        co_return id == 0;
    }
    ssh::ChannelInfo* channel(std::uint32_t id) override { return id == 0 ? &info_ : nullptr; }
    honeypot::Session& session() override { return s_; }
    honeypot::FsOverlay& overlay() override { return overlay_; }
    const ssh::SshSettings& settings() override {
        return bench().context.settings_as<ssh::SshSettings>();
    }
    const std::string& user() override { return user_; }

    ssh::ChannelInfo info_;

  private:
    static std::shared_ptr<const honeypot::FakeFilesystem> fs() { return bench().world->fs; }

    honeypot::Session& s_;
    std::string data_;
    std::size_t at_ = 0;
    int reads_ = 0;
    honeypot::FsOverlay overlay_;
    std::string user_ = "root";
};

asio::awaitable<void> run(asio::ip::tcp::socket socket, unsigned char selector, std::string command,
                          std::string data, bool& ended) {
    const asio::ip::tcp::endpoint peer(asio::ip::make_address("203.0.113.7"), 40000);
    honeypot::Session session(std::move(socket), peer, bench().context, bench().limits);
    Host host(session, std::move(data));
    auto& ch = host.info_;
    switch (selector & 7) {
        default:
            ch.program = ssh::ChannelInfo::Program::shell;
            ch.pty = selector & 0x10;
            ch.term = "xterm-256color";
            break;
        case 1:
            ch.program = ssh::ChannelInfo::Program::exec;
            ch.command = std::move(command);
            break;
        case 2:
            ch.program = ssh::ChannelInfo::Program::sftp;
            break;
        case 3:
            ch.program = ssh::ChannelInfo::Program::exec;
            ch.command = selector & 0x10 ? "scp -r -t /tmp" : "scp -t /tmp/x";
            break;
        case 4:
            ch.program = ssh::ChannelInfo::Program::exec;
            ch.command = selector & 0x10 ? "scp -f /etc/passwd" : "scp -r -f /etc";
            break;
    }
    try {
        co_await ssh::run_program(host, 0);
    } catch (const std::exception&) {
    }
    session.close();
    ended = true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned char selector = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string command;
    if ((selector & 7) == 1) {
        const auto newline = rest.find('\n');
        command = std::string(rest.substr(0, newline));
        rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    auto io = std::make_unique<asio::io_context>();
    bool ended = false;
    {
        asio::ip::tcp::socket server(*io);
        server.assign(asio::ip::tcp::v4(), fds[0]);
        asio::co_spawn(
            *io, run(std::move(server), selector, std::move(command), std::string(rest), ended),
            asio::detached);
    }
    fuzzing::run_bounded(io, ended);
    ::close(fds[1]);
    return 0;
}
