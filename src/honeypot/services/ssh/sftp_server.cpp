#include "honeypot/services/ssh/sftp_server.hpp"

#include "honeypot/services/ssh/channel_programs.hpp"

namespace decnet::honeypot::ssh {

boost::asio::awaitable<int> run_sftp(ChannelHost&, std::uint32_t) {
    co_return 1;
}

}  // namespace decnet::honeypot::ssh
