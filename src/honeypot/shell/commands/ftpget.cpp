// ftpget: BusyBox's `ftpget [-c] [-v] [-u USER] [-p PASS] [-P PORT] HOST [LOCAL] REMOTE`.
// In fetch mode the file comes over passive FTP into the session's overlay and the artifact
// store; in record mode the server "never answers".
#include <boost/asio/this_coro.hpp>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/downloader.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_ftpget(Invocation& inv) {
    std::string user = "anonymous", password, port;
    std::vector<std::string> operands;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const std::string& a = inv.argv[i];
        auto next = [&]() -> std::string { return i + 1 < inv.argv.size() ? inv.argv[++i] : ""; };
        if (a == "-u")
            user = next();
        else if (a == "-p")
            password = next();
        else if (a == "-P")
            port = next();
        else if (!a.starts_with("-"))
            operands.push_back(a);
    }
    if (operands.size() < 2) {
        inv.write_err(
            "BusyBox v1.36.1 (Debian 1:1.36.1-9) multi-call binary.\n\n"
            "Usage: ftpget [OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n\n"
            "Download a file via FTP\n\n"
            "\t-c\tContinue previous transfer\n\t-v\tVerbose\n\t-u USER\tUsername\n"
            "\t-p PASS\tPassword\n\t-P PORT\n");
        co_return 1;
    }
    const std::string& host = operands[0];
    const std::string& remote = operands.back();
    const std::string text = "ftp://" + user + "@" + host + (port.empty() ? "" : ":" + port) + "/" +
                             (remote.starts_with("/") ? remote.substr(1) : remote);
    const auto url = parse_url(text, "ftp");
    if (!url) {
        inv.write_err("ftpget: bad address '" + host + "'\n");
        co_return 1;
    }
    const FetchRequest request{*url, "ftpget", ""};
    auto executor = co_await boost::asio::this_coro::executor;
    const FetchResult result = co_await fetch(executor, request, inv.state.settings);
    const auto& hop = result.hops.back();
    if (result.status == DownloadStatus::fetched) {
        const std::string local =
            operands.size() > 2 ? operands[1] : remote.substr(remote.rfind('/') + 1);
        if (record_download(inv.state, request, result, local)) co_return 0;
        inv.write_err("ftpget: write error: No space left on device\n");
        co_return 1;
    }
    record_download(inv.state, request, result, "");
    if (!url->host_is_address() && !hop.resolved) {
        inv.write_err("ftpget: bad address '" + host + "'\n");
        co_return 1;
    }
    if (!hop.connected.empty() && !hop.reason_phrase.empty()) {
        // "RETR: 550 Failed to open file." as BusyBox words a refusal.
        inv.write_err("ftpget: unexpected server response to " + hop.reason_phrase + "\n");
        co_return 1;
    }
    const std::string address =
        hop.connected.empty() && !hop.addresses.empty() ? hop.addresses.front() : url->host;
    inv.write_err("ftpget: can't connect to remote host (" + address + "): Connection timed out\n");
    co_return 1;
}

}  // namespace decnet::honeypot::shell
