// An interactive login recorded: the shell runs through a CastRecorder over the transport's
// terminal (the login banner included), and when it ends the cast goes to the artifact store
// and `session_recorded` names it (its sha256 is what `decnet replay` plays). ssh and telnet
// both end their interactive logins here.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace decnet::honeypot {
class Session;
}

namespace decnet::honeypot::shell {

class Shell;
class Terminal;
struct CastOptions;

// The shell's exit status.
boost::asio::awaitable<int> run_recorded(Session& session, Shell& shell, Terminal& terminal,
                                         const CastOptions& options, std::string_view user,
                                         std::string_view banner);

}  // namespace decnet::honeypot::shell
