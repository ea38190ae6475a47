// Every command the shell knows, one line each: its name, its function (commands/<name>.cpp)
// and where `which` finds it ("" for bash builtins).
#include <algorithm>
#include <array>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"

namespace decnet::honeypot::shell {

namespace cmd {
using Fn = boost::asio::awaitable<int>(Invocation&);
Fn command, enable, exec, quiet_builtin, read, seq, set, type, ulimit, umask;
Fn alias, apt, base64, busybox, cat, cd, chattr, chmod, chown, chpasswd, clear, cp, crontab, echo,
    env, eval, exit, export_command, false_command, grep, head, history, hostname, id, kill, logout,
    ls, md5sum, mkdir, mv, nohup, passwd, perl, pkill, printf, pwd, python, rm, service, sh,
    sha1sum, sha256sum, sha512sum, sleep, source, su, sudo, systemctl, tail, test, touch,
    true_command, unalias, uname, unset, wc, which, whoami, yes, yum;
}  // namespace cmd

namespace {

namespace c = cmd;

// Sorted by name.
const auto kCommands = std::to_array<CommandSpec>({
    {".", &c::source, ""},
    {":", &c::true_command, ""},
    {"[", &c::test, ""},
    {"alias", &c::alias, ""},
    {"apt", &c::apt, "/usr/bin/apt"},
    {"apt-get", &c::apt, "/usr/bin/apt-get"},
    {"ash", &c::sh, "/usr/bin/ash"},
    {"base64", &c::base64, "/usr/bin/base64"},
    {"bash", &c::sh, "/usr/bin/bash"},
    {"busybox", &c::busybox, "/usr/bin/busybox"},
    {"cat", &c::cat, "/usr/bin/cat"},
    {"cd", &c::cd, ""},
    {"chattr", &c::chattr, "/usr/bin/chattr"},
    {"chmod", &c::chmod, "/usr/bin/chmod"},
    {"chown", &c::chown, "/usr/bin/chown"},
    {"chpasswd", &c::chpasswd, "/usr/sbin/chpasswd"},
    {"clear", &c::clear, "/usr/bin/clear"},
    {"command", &c::command, ""},
    {"cp", &c::cp, "/usr/bin/cp"},
    {"crontab", &c::crontab, "/usr/bin/crontab"},
    {"curl", &run_curl, "/usr/bin/curl"},
    {"dash", &c::sh, "/usr/bin/dash"},
    {"declare", &c::quiet_builtin, ""},
    {"df", &run_df, "/usr/bin/df"},
    {"disown", &c::quiet_builtin, ""},
    {"dnf", &c::yum, "/usr/bin/dnf"},
    {"echo", &c::echo, ""},
    {"egrep", &c::grep, "/usr/bin/egrep"},
    {"enable", &c::enable, ""},
    {"env", &c::env, "/usr/bin/env"},
    {"eval", &c::eval, ""},
    {"exec", &c::exec, ""},
    {"exit", &c::exit, ""},
    {"export", &c::export_command, ""},
    {"false", &c::false_command, ""},
    {"fgrep", &c::grep, "/usr/bin/fgrep"},
    {"free", &run_free, "/usr/bin/free"},
    {"ftpget", &run_ftpget, "/usr/bin/ftpget"},
    {"grep", &c::grep, "/usr/bin/grep"},
    {"hash", &c::quiet_builtin, ""},
    {"head", &c::head, "/usr/bin/head"},
    {"history", &c::history, ""},
    {"hostname", &c::hostname, "/usr/bin/hostname"},
    {"id", &c::id, "/usr/bin/id"},
    {"ifconfig", &run_ifconfig, "/usr/sbin/ifconfig"},
    {"ip", &run_ip, "/usr/sbin/ip"},
    {"jobs", &c::quiet_builtin, ""},
    {"kill", &c::kill, ""},
    {"killall", &c::pkill, "/usr/bin/killall"},
    {"local", &c::quiet_builtin, ""},
    {"logout", &c::logout, ""},
    {"ls", &c::ls, "/usr/bin/ls"},
    {"lscpu", &run_lscpu, "/usr/bin/lscpu"},
    {"md5sum", &c::md5sum, "/usr/bin/md5sum"},
    {"mkdir", &c::mkdir, "/usr/bin/mkdir"},
    {"mount", &run_mount, "/usr/bin/mount"},
    {"mv", &c::mv, "/usr/bin/mv"},
    {"netstat", &run_netstat, "/usr/bin/netstat"},
    {"nohup", &c::nohup, "/usr/bin/nohup"},
    {"nproc", &run_nproc, "/usr/bin/nproc"},
    {"passwd", &c::passwd, "/usr/bin/passwd"},
    {"perl", &c::perl, "/usr/bin/perl"},
    {"pkill", &c::pkill, "/usr/bin/pkill"},
    {"printf", &c::printf, ""},
    {"ps", &run_ps, "/usr/bin/ps"},
    {"pwd", &c::pwd, ""},
    {"python", &c::python, "/usr/bin/python"},
    {"python3", &c::python, "/usr/bin/python3"},
    {"read", &c::read, ""},
    {"readonly", &c::quiet_builtin, ""},
    {"rm", &c::rm, "/usr/bin/rm"},
    {"seq", &c::seq, "/usr/bin/seq"},
    {"service", &c::service, "/usr/sbin/service"},
    {"set", &c::set, ""},
    {"sh", &c::sh, "/usr/bin/sh"},
    {"sha1sum", &c::sha1sum, "/usr/bin/sha1sum"},
    {"sha256sum", &c::sha256sum, "/usr/bin/sha256sum"},
    {"sha512sum", &c::sha512sum, "/usr/bin/sha512sum"},
    {"shopt", &c::quiet_builtin, ""},
    {"sleep", &c::sleep, "/usr/bin/sleep"},
    {"source", &c::source, ""},
    {"ss", &run_ss, "/usr/bin/ss"},
    {"su", &c::su, "/usr/bin/su"},
    {"sudo", &c::sudo, "/usr/bin/sudo"},
    {"systemctl", &c::systemctl, "/usr/bin/systemctl"},
    {"tail", &c::tail, "/usr/bin/tail"},
    {"test", &c::test, ""},
    {"tftp", &run_tftp, "/usr/bin/tftp"},
    {"top", &run_top, "/usr/bin/top"},
    {"touch", &c::touch, "/usr/bin/touch"},
    {"trap", &c::quiet_builtin, ""},
    {"true", &c::true_command, ""},
    {"type", &c::type, ""},
    {"typeset", &c::quiet_builtin, ""},
    {"ulimit", &c::ulimit, ""},
    {"umask", &c::umask, ""},
    {"unalias", &c::unalias, ""},
    {"uname", &c::uname, "/usr/bin/uname"},
    {"unset", &c::unset, ""},
    {"uptime", &run_uptime, "/usr/bin/uptime"},
    {"w", &run_w, "/usr/bin/w"},
    {"wait", &c::quiet_builtin, ""},
    {"wc", &c::wc, "/usr/bin/wc"},
    {"wget", &run_wget, "/usr/bin/wget"},
    {"which", &c::which, "/usr/bin/which"},
    {"who", &run_who, "/usr/bin/who"},
    {"whoami", &c::whoami, "/usr/bin/whoami"},
    {"yes", &c::yes, "/usr/bin/yes"},
    {"yum", &c::yum, "/usr/bin/yum"},
});

}  // namespace

std::span<const CommandSpec> commands() {
    return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
    for (const auto& spec : kCommands)
        if (spec.name == name) return &spec;
    return nullptr;
}

}  // namespace decnet::honeypot::shell
