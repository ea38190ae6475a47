// Listening sockets inside a decky's namespace, made from the one decnet process: the
// socket is created, bound and (for TCP) listening in the namespace, and its fd is handed
// back for the runtime to adopt (asio acceptor::assign).
#pragma once

#include <cstdint>
#include <string>

namespace decnet::engine::netns {

enum class SocketKind { tcp, udp };

// Returns the fd (O_CLOEXEC, owned by the caller). Throws ConfigError naming the address
// ("cannot listen on 10.213.0.10:80/tcp in namespace dn-web: Address already in use").
int open_socket_in_namespace(const std::string& namespace_name, const std::string& ip,
                             std::uint16_t port, SocketKind kind = SocketKind::tcp);

}  // namespace decnet::engine::netns
