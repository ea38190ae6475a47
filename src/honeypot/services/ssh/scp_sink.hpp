// scp's legacy protocol on an exec channel (`scp -t` when a client uploads, `scp -f` when it
// downloads; OpenSSH's scp uses it with -O, and older clients and bots always do). Uploads
// land in the connection's overlay and the artifact store; downloads serve the decky's files.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string_view>

namespace decnet::honeypot::ssh {

class ChannelHost;

bool is_scp_command(std::string_view command);
// The exit status scp would return.
boost::asio::awaitable<int> run_scp(ChannelHost& host, std::uint32_t id);

}  // namespace decnet::honeypot::ssh
