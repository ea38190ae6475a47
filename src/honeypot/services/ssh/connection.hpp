// Connection: one SSH connection after the transport's handshake — user authentication
// (RFC 4252: none, password, keyboard-interactive, publickey; the persona's accept policy;
// MaxAuthTries as sshd counts it) and the connection protocol (RFC 4254: session channels
// with pty, env, shell, exec and the sftp subsystem; forwarding refused and logged).
// Channels are served one program at a time, pulled by the program's own reads (no thread
// or coroutine per channel): a shell waiting for a key pumps the transport.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace decnet::honeypot {
class Session;
}

namespace decnet::honeypot::ssh {

// Serves `session` as the persona's sshd until the client leaves.
boost::asio::awaitable<void> serve_connection(Session& session);

}  // namespace decnet::honeypot::ssh
