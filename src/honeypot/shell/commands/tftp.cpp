// tftp: BusyBox's `tftp -g -r FILE [-l LOCAL] HOST [PORT]` (what IoT droppers run) and
// tftp-hpa's `tftp HOST [PORT] -c get FILE [LOCAL]`, each failing in its own words. In
// fetch mode the file is read (RFC 1350, octet) into the session's overlay and the
// artifact store; in record mode the server "never answers".
#include <boost/asio/this_coro.hpp>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/downloader.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {
namespace {

struct TftpOptions {
    bool busybox = false;  // -g/-p/-r/-l given
    bool get = false;
    std::string remote, local, host, port;
};

TftpOptions parse_options(const std::vector<std::string>& argv) {
    TftpOptions o;
    std::vector<std::string> operands;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argv.size() ? argv[++i] : ""; };
        if (a == "-g" || a == "-p") {
            o.busybox = true;
            o.get = a == "-g";
        } else if (a == "-r") {
            o.busybox = true;
            o.remote = next();
        } else if (a == "-l") {
            o.busybox = true;
            o.local = next();
        } else if (a == "-c") {  // tftp-hpa: -c get FILE [LOCAL]
            const std::string verb = next();
            o.get = verb == "get";
            o.remote = next();
            if (i + 1 < argv.size()) o.local = next();
        } else if (a == "-m" || a == "-b") {
            next();
        } else if (!a.starts_with("-")) {
            operands.push_back(a);
        }
    }
    if (!operands.empty()) o.host = operands[0];
    if (operands.size() > 1) o.port = operands[1];
    return o;
}

}  // namespace

boost::asio::awaitable<int> run_tftp(Invocation& inv) {
    const TftpOptions o = parse_options(inv.argv);
    if (o.host.empty() || (o.busybox && o.remote.empty()) || (!o.busybox && !o.get)) {
        inv.write_err(o.busybox
                          ? "BusyBox v1.36.1 (Debian 1:1.36.1-9) multi-call binary.\n\n"
                            "Usage: tftp [OPTIONS] HOST [PORT]\n\n"
                            "Transfer a file from/to tftp server\n\n"
                            "\t-l FILE\tLocal FILE\n\t-r FILE\tRemote FILE\n\t-g\tGet file\n"
                            "\t-p\tPut file\n\t-b SIZE\tTransfer blocks in bytes\n"
                          : "usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n");
        co_return 1;
    }
    const std::string text = "tftp://" + o.host + (o.port.empty() ? "" : ":" + o.port) + "/" +
                             (o.remote.starts_with("/") ? o.remote.substr(1) : o.remote);
    const auto url = parse_url(text, "tftp");
    if (!url) {
        inv.write_err(o.busybox ? "tftp: bad address '" + o.host + "'\n"
                                : "tftp: " + o.host + ": Name or service not known\n");
        co_return 1;
    }
    const FetchRequest request{*url, "tftp", ""};
    auto executor = co_await boost::asio::this_coro::executor;
    const FetchResult result = co_await fetch(executor, request, inv.state.settings);
    const auto& hop = result.hops.back();
    if (result.status == DownloadStatus::fetched) {
        // Both tools name the local file after the remote one unless told otherwise.
        const std::string local =
            o.local.empty() ? o.remote.substr(o.remote.rfind('/') + 1) : o.local;
        if (record_download(inv.state, request, result, local)) co_return 0;
        inv.write_err(o.busybox ? "tftp: write error: No space left on device\n"
                                : "tftp: " + local + ": No space left on device\n");
        co_return 1;
    }
    record_download(inv.state, request, result, "");
    if (!url->host_is_address() && !hop.resolved) {
        inv.write_err(o.busybox ? "tftp: bad address '" + o.host + "'\n"
                                : "tftp: " + o.host + ": Temporary failure in name resolution\n");
        co_return 1;
    }
    if (result.reason == "not_found") {
        inv.write_err(o.busybox ? "tftp: server error: (" + std::to_string(hop.status) + ") " +
                                      hop.reason_phrase + "\n"
                                : "Error code " + std::to_string(hop.status) + ": " +
                                      hop.reason_phrase + "\n");
        co_return 1;
    }
    inv.write_err(o.busybox ? "tftp: timeout\n" : "Transfer timed out.\n\n");
    co_return 1;
}

}  // namespace decnet::honeypot::shell
