// Shell: the attacker's shell after a successful ssh or telnet login, transport-free (it
// talks to a Terminal), over the decky's world and the session's file overlay. It parses
// each line (parser.hpp), runs the commands (command.hpp), and emits one `command` event
// per line (cmd, cwd, status) through the session.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot {
class Session;
class FsOverlay;
}  // namespace decnet::honeypot

namespace decnet::honeypot::shell {

class Terminal;
struct ShellSettings;

struct ShellLogin {
    std::string user = "root";  // an account of the world's /etc/passwd (uid, home, shell)
    bool pty = true;            // interactive terminal: prompt, echo, line editing, CRLF
    std::string term = "xterm-256color";
    std::string hostname;  // "" → the world's (telnet's persona may name another)
    // What the client asked to set (ssh `env` requests, telnet NEW-ENVIRON): LANG, ...
    std::vector<std::pair<std::string, std::string>> env;
};

class Shell {
  public:
    Shell(Session& session, FsOverlay& overlay, const ShellSettings& settings, ShellLogin login);
    ~Shell();
    Shell(const Shell&) = delete;
    Shell& operator=(const Shell&) = delete;

    // Prompt loop until exit/logout/^D or the terminal goes away; the last exit status.
    boost::asio::awaitable<int> interactive(Terminal& terminal);
    // One command line (ssh exec, `ssh host 'cmd1; cmd2'`), no prompt; stdin is what the
    // terminal delivers until EOF, when a command reads it. The line's exit status.
    boost::asio::awaitable<int> run(std::string_view command_line, Terminal& terminal);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::honeypot::shell
