// The shell-extras commands: downloads (wget, curl, tftp, ftpget) and the machine's view
// (w, who, uptime, ps, top, free, df, mount, ifconfig, ip, netstat, ss, lscpu, nproc). One
// file each under commands/; commands/registry.cpp lists them.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "honeypot/shell/command.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_wget(Invocation& inv);
boost::asio::awaitable<int> run_curl(Invocation& inv);
boost::asio::awaitable<int> run_tftp(Invocation& inv);
boost::asio::awaitable<int> run_ftpget(Invocation& inv);
boost::asio::awaitable<int> run_w(Invocation& inv);
boost::asio::awaitable<int> run_who(Invocation& inv);
boost::asio::awaitable<int> run_uptime(Invocation& inv);
boost::asio::awaitable<int> run_ps(Invocation& inv);
boost::asio::awaitable<int> run_top(Invocation& inv);
boost::asio::awaitable<int> run_free(Invocation& inv);
boost::asio::awaitable<int> run_df(Invocation& inv);
boost::asio::awaitable<int> run_mount(Invocation& inv);
boost::asio::awaitable<int> run_ifconfig(Invocation& inv);
boost::asio::awaitable<int> run_ip(Invocation& inv);
boost::asio::awaitable<int> run_netstat(Invocation& inv);
boost::asio::awaitable<int> run_ss(Invocation& inv);
boost::asio::awaitable<int> run_lscpu(Invocation& inv);
boost::asio::awaitable<int> run_nproc(Invocation& inv);

}  // namespace decnet::honeypot::shell
