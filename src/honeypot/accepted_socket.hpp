// Taking attacker connections off a listening socket with accept4(), not Asio's
// async_accept. Asio's accept path costs three system calls per connection that a
// honeypot, which accepts far more connections than it exchanges bytes on, pays for
// nothing: it accepts a blocking socket and then switches it with ioctl(FIONBIO), and it
// treats every adopted descriptor as a possible dup(), so close() removes it from epoll
// with an explicit epoll_ctl(DEL) first. accept4(SOCK_NONBLOCK) gives a fresh,
// non-blocking descriptor that no one else holds, which the kernel drops from epoll by
// itself when it is closed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <optional>

namespace decnet::honeypot {

// The next connection waiting on `listening_fd` (which must be non-blocking), as a socket
// on `io` whose peer is in `peer`; nullopt with `error` set when there is none
// (would_block: the backlog is empty) or accept4() failed. The socket is registered with
// io's reactor and behaves as any Asio socket; only its close skips the epoll_ctl(DEL).
std::optional<boost::asio::ip::tcp::socket> accept_pending(int listening_fd,
                                                           boost::asio::io_context& io,
                                                           boost::asio::ip::tcp::endpoint& peer,
                                                           boost::system::error_code& error);

// Whether an accept4() failure is about the one connection (it was reset while queued, a
// signal came in): the next one can be accepted at once. Otherwise (EMFILE, ENFILE,
// ENOBUFS, ENOMEM) the process is out of something and should wait before trying again.
bool affects_one_connection(const boost::system::error_code& error);

}  // namespace decnet::honeypot
