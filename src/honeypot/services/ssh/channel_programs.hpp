// What runs on an SSH session channel — the shell (interactive, with the motd sshd prints),
// an exec'd command line through the same shell (and `scp -t`/`scp -f`), or the sftp
// subsystem — and the narrow view of the connection they need (ChannelHost). Programs run
// one at a time on the connection's coroutine; their reads pump the transport.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot {
class Session;
class FsOverlay;
}  // namespace decnet::honeypot

namespace decnet::honeypot::ssh {

struct SshSettings;

struct ChannelInfo {
    enum class Program { none, shell, exec, sftp };
    std::uint32_t id = 0, peer_id = 0;
    std::uint32_t remote_window = 0, remote_max_packet = 0;
    std::uint32_t local_window = 0;
    std::uint64_t consumed = 0;  // read since the last WINDOW_ADJUST
    std::string inbox;           // received, not yet read by the program (≤ one window)
    bool peer_eof = false, peer_closed = false, close_sent = false;
    bool started = false, queued = false, running = false;
    bool pty = false;
    std::string term;
    int cols = 80, rows = 24;
    std::vector<std::pair<std::string, std::string>> env;
    Program program = Program::none;
    std::string command;  // exec's command line
    int exit_status = 0;
};

class ChannelHost {
  public:
    virtual ~ChannelHost() = default;
    // The channel's next input; nullopt at EOF or when the channel or connection is gone.
    virtual boost::asio::awaitable<std::optional<std::string>> channel_read(std::uint32_t id) = 0;
    // Data within the client's window (waits for WINDOW_ADJUST); false when gone.
    virtual boost::asio::awaitable<bool> channel_write(std::uint32_t id, std::string_view data,
                                                       bool stderr_data = false) = 0;
    virtual ChannelInfo* channel(std::uint32_t id) = 0;  // null once gone
    virtual Session& session() = 0;
    virtual FsOverlay& overlay() = 0;  // the connection's: shell and sftp see the same files
    virtual const SshSettings& settings() = 0;
    virtual const std::string& user() = 0;
};

// Runs the program channel `id` asked for; its exit status is left in the channel.
boost::asio::awaitable<void> run_program(ChannelHost& host, std::uint32_t id);

}  // namespace decnet::honeypot::ssh
