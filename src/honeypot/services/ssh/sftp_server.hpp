// The sftp subsystem (draft-ietf-secsh-filexfer-02, version 3, as OpenSSH's sftp-server
// speaks it) over the connection's overlay of the decky's files: listing, stat, reads of the
// bait, and uploads kept as artifacts and visible to the shell of the same connection.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>

namespace decnet::honeypot::ssh {

class ChannelHost;

// Serves until the client closes the channel; the exit status (0).
boost::asio::awaitable<int> run_sftp(ChannelHost& host, std::uint32_t id);

}  // namespace decnet::honeypot::ssh
