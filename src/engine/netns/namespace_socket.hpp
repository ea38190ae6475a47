// Listening sockets inside a decky's namespace, made from the one decnet process: the
// socket is created, bound and (for TCP) listening in the namespace, and its fd is handed
// back for the runtime to adopt (asio acceptor::assign).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace decnet::engine::netns {

enum class SocketKind { tcp, udp };

// Returns the fds (O_CLOEXEC, owned by the caller): one, or with `copies` > 1 that many
// sockets on the same address in one SO_REUSEPORT group (TCP: one per I/O thread, so each
// connection wakes one thread). Throws ConfigError naming the address ("cannot listen on
// 10.213.0.10:80/tcp in namespace dn-web: Address already in use").
std::vector<int> open_sockets_in_namespace(const std::string& namespace_name, const std::string& ip,
                                           std::uint16_t port, SocketKind kind = SocketKind::tcp,
                                           std::size_t copies = 1);

}  // namespace decnet::engine::netns
