// The shell's event vocabulary (see shell_events.hpp).
#include "honeypot/shell/shell_events.hpp"

#include <iterator>
#include <vector>

#include "honeypot/shell/downloader.hpp"

namespace decnet::honeypot::shell {

namespace {

constexpr EventDecl kShellEvents[] = {
    {"command", "src_ip src_port user cmd cwd status",
     "one shell command line (typed or ssh exec), where it ran and its exit status"},
    {"shell_limit", "src_ip src_port user cmd limit",
     "a command line cut short by the shell's budget (steps, time or memory)"},
    {"session_recorded", "src_ip src_port user cast size duration truncated stored",
     "an interactive login's asciinema cast, kept as an artifact (decnet replay <cast>)"},
};

}  // namespace

std::span<const EventDecl> shell_events() {
    // The shell's own, then its downloads' (wget, curl, tftp, ftpget).
    static const std::vector<EventDecl> all = [] {
        std::vector<EventDecl> out(std::begin(kShellEvents), std::end(kShellEvents));
        for (const auto& e : download_events()) out.push_back(e);
        return out;
    }();
    return all;
}

}  // namespace decnet::honeypot::shell
