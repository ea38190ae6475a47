#include "honeypot/accepted_socket.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>

#include <cerrno>
#include <cstring>

namespace decnet::honeypot {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A tcp::socket that adopts a descriptor accept4() just made and tells Asio the two facts
// it cannot know: the descriptor is already non-blocking (no ioctl before the first
// operation) and no other copy of it exists (close() needs no epoll_ctl(DEL)). Asio keeps
// both in its per-socket state flags, which a derived class can reach; the object is then
// moved into a plain tcp::socket, so nothing else sees this type.
class FreshlyAccepted : public tcp::socket {
  public:
    FreshlyAccepted(asio::io_context& io, const tcp& protocol, int fd,
                    boost::system::error_code& error)
        : tcp::socket(io) {
        assign(protocol, fd, error);  // registers fd with io's reactor (epoll_ctl ADD)
        if (error) return;
        namespace ops = asio::detail::socket_ops;
        auto& state = impl_.get_implementation().state_;
        state |= ops::internal_non_blocking;
        state &= static_cast<ops::state_type>(~ops::possible_dup);
    }
};

}  // namespace

std::optional<tcp::socket> accept_pending(int listening_fd, asio::io_context& io,
                                          tcp::endpoint& peer, boost::system::error_code& error) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const int fd = ::accept4(listening_fd, reinterpret_cast<sockaddr*>(&address), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        error.assign(errno == EAGAIN ? EWOULDBLOCK : errno, boost::system::system_category());
        return std::nullopt;
    }
    if (length > peer.capacity()) length = static_cast<socklen_t>(peer.capacity());
    std::memcpy(peer.data(), &address, length);
    peer.resize(length);
    FreshlyAccepted socket(io, peer.protocol(), fd, error);
    if (error) {
        ::close(fd);
        return std::nullopt;
    }
    return tcp::socket(std::move(socket));
}

bool affects_one_connection(const boost::system::error_code& error) {
    switch (error.value()) {
        case ECONNABORTED:
        case EINTR:
        case EPROTO:
        case EPERM:  // a firewall rule refused this connection
            return true;
        default:
            return false;
    }
}

}  // namespace decnet::honeypot
