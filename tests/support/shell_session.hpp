// A Shell over a real world and a real Session (for its events), driven in memory: lines run
// as `ssh host 'line'` would run them (exec, no pty), or an interactive session replays
// typed bytes through the line editor. Each call runs the io_context until the shell is
// done, bounded by a deadline. Header-only (unit executables build *_test.cpp).
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "honeypot/session.hpp"
#include "honeypot/shell/shell.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/fs_overlay.hpp"
#include "support/dialogue.hpp"

namespace decnet::testing {

// A terminal whose input is a script of chunks (then end of input) and whose output is kept.
class MemoryTerminal : public honeypot::shell::Terminal {
  public:
    std::deque<std::string> input;
    std::string output;

    boost::asio::awaitable<std::optional<std::string>> read() override {
        if (input.empty()) co_return std::nullopt;
        std::string chunk = std::move(input.front());
        input.pop_front();
        co_return chunk;
    }
    boost::asio::awaitable<bool> write(std::string_view bytes) override {
        output.append(bytes);
        co_return true;
    }
};

struct ShellOptions {
    std::string distro = "ubuntu22";
    std::string user = "root";
    bool pty = false;
    std::string hostname = "web-prod-03";
};

class ShellSession {
  public:
    explicit ShellSession(ShellOptions options = {})
        : bench_("telnet", {}, "decky-01", options.hostname, options.distro),
          overlay_(bench_.world().fs) {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw std::runtime_error("socketpair failed");
        peer_fd_ = fds[1];
        boost::asio::ip::tcp::socket socket(io_);
        socket.assign(boost::asio::ip::tcp::v4(), fds[0]);
        const boost::asio::ip::tcp::endpoint peer(boost::asio::ip::make_address("203.0.113.7"),
                                                  40000);
        session_ =
            std::make_unique<honeypot::Session>(std::move(socket), peer, bench_.context(), limits_);
        honeypot::shell::ShellLogin login;
        login.user = options.user;
        login.pty = options.pty;
        shell_ = std::make_unique<honeypot::shell::Shell>(*session_, overlay_, settings_, login);
    }
    ~ShellSession() {
        shell_.reset();
        session_.reset();
        ::close(peer_fd_);
    }
    ShellSession(const ShellSession&) = delete;
    ShellSession& operator=(const ShellSession&) = delete;

    // One exec line (stdin: `input`, then end of input); its output. status() says how it ended.
    std::string run(std::string_view line, std::string input = "") {
        MemoryTerminal terminal;
        if (!input.empty()) terminal.input.push_back(std::move(input));
        const std::string text(line);
        boost::asio::co_spawn(io_, exec(text, terminal), boost::asio::detached);
        drive();
        return terminal.output;
    }

    // Typed bytes through the interactive prompt loop until they run out (or exit); all output.
    std::string type(std::deque<std::string> chunks) {
        MemoryTerminal terminal;
        terminal.input = std::move(chunks);
        boost::asio::co_spawn(io_, interact(terminal), boost::asio::detached);
        drive();
        return terminal.output;
    }

    int status() const { return status_; }
    bool finished() const { return done_; }
    std::chrono::milliseconds took() const { return took_; }
    std::vector<Event> events() { return bench_.events(); }
    const honeypot::DeckyWorld& world() const { return bench_.world(); }
    honeypot::FsOverlay& fs() { return overlay_; }

  private:
    boost::asio::awaitable<void> exec(std::string line, MemoryTerminal& terminal) {
        status_ = co_await shell_->run(line, terminal);
        done_ = true;
    }
    boost::asio::awaitable<void> interact(MemoryTerminal& terminal) {
        status_ = co_await shell_->interactive(terminal);
        done_ = true;
    }
    void drive() {
        done_ = false;
        const auto start = Clock::now();
        io_.restart();
        while (!done_ && Clock::now() - start < std::chrono::seconds(30))
            io_.run_for(std::chrono::milliseconds(50));
        took_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        EXPECT_TRUE(done_) << "the shell did not finish";
    }

    ServiceBench bench_;
    boost::asio::io_context io_;
    honeypot::SessionLimits limits_;
    honeypot::FsOverlay overlay_;
    honeypot::shell::ShellSettings settings_;
    std::unique_ptr<honeypot::Session> session_;
    std::unique_ptr<honeypot::shell::Shell> shell_;
    int peer_fd_ = -1;
    int status_ = -1;
    bool done_ = false;
    std::chrono::milliseconds took_{0};
};

}  // namespace decnet::testing
