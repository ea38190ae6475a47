// curl: curl 7.88's behaviour around the downloader: the body to stdout (or -o/-O into the
// session's overlay), its progress meter when the output is not the terminal, and its
// numbered errors (6 no such host, 28 timeout, 22 with -f). In record mode names do not
// resolve and addresses time out.
#include <boost/asio/this_coro.hpp>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/downloader.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell {
namespace {

struct CurlOptions {
    std::string url;
    std::string output;        // -o
    bool remote_name = false;  // -O
    bool silent = false, show_error = false, follow = false, fail = false;
    std::string user_agent = "curl/7.88.1";
};

// Short options that take a value (the rest of the cluster, or the next word).
constexpr std::string_view kValued = "oAHdXuemrxbcTEwKyYzCQ";

CurlOptions parse_options(const std::vector<std::string>& argv) {
    CurlOptions o;
    std::string ignored;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argv.size() ? argv[++i] : ""; };
        if (a.starts_with("--")) {
            if (a == "--output")
                o.output = next();
            else if (a == "--remote-name")
                o.remote_name = true;
            else if (a == "--silent")
                o.silent = true;
            else if (a == "--show-error")
                o.show_error = true;
            else if (a == "--location")
                o.follow = true;
            else if (a == "--fail")
                o.fail = true;
            else if (a == "--user-agent")
                o.user_agent = next();
            else if (a == "--url")
                o.url = next();
            else if (a == "--header" || a == "--data" || a == "--request" || a == "--max-time" ||
                     a == "--connect-timeout" || a == "--retry" || a == "--proxy")
                next();
            continue;
        }
        if (a.size() > 1 && a[0] == '-') {
            for (std::size_t k = 1; k < a.size(); ++k) {
                const char c = a[k];
                if (kValued.find(c) != std::string_view::npos) {
                    std::string value = k + 1 < a.size() ? a.substr(k + 1) : next();
                    if (c == 'o') o.output = value;
                    if (c == 'A') o.user_agent = value;
                    break;
                }
                if (c == 's') o.silent = true;
                if (c == 'S') o.show_error = true;
                if (c == 'L') o.follow = true;
                if (c == 'f') o.fail = true;
                if (c == 'O') o.remote_name = true;
            }
            continue;
        }
        if (o.url.empty()) o.url = a;
    }
    return o;
}

std::string meter(std::size_t size) {
    std::string out =
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
        "                                 Dload  Upload   Total   Spent    Left  Speed\n";
    const int percent = size > 0 ? 100 : 0;
    out += format("%3d %5zu %3d %5zu    0     0  %5zu      0 --:--:-- --:--:-- --:--:-- %5zu\n",
                  percent, size, percent, size, size * 9, size * 9);
    return out;
}

}  // namespace

boost::asio::awaitable<int> run_curl(Invocation& inv) {
    const CurlOptions o = parse_options(inv.argv);
    auto error = [&](int code, const std::string& message) {
        if (!o.silent || o.show_error)
            inv.write_err("curl: (" + std::to_string(code) + ") " + message + "\n");
        return code;
    };
    if (o.url.empty()) {
        inv.write_err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        co_return 2;
    }
    const auto url = parse_url(o.url);
    if (!url) {
        const auto scheme_end = o.url.find("://");
        if (scheme_end != std::string::npos)
            co_return error(1, "Protocol \"" + o.url.substr(0, scheme_end) +
                                   "\" not supported or disabled in libcurl");
        co_return error(3, "URL using bad/illegal format or missing URL");
    }
    std::string path = o.output;
    if (o.remote_name && path.empty()) {
        const auto clean = url->path.substr(0, url->path.find('?'));
        path = clean.substr(clean.rfind('/') + 1);
        if (path.empty()) {
            inv.write_err("curl: Remote file name has no length!\n");
            co_return 23;
        }
    }
    const bool to_file = !path.empty() && path != "-";
    FetchRequest request{*url, "curl", o.user_agent};
    request.follow_redirects = o.follow;
    auto executor = co_await boost::asio::this_coro::executor;
    const FetchResult result = co_await fetch(executor, request, inv.state.settings);
    // The progress meter goes to stderr whenever the body does not go to the terminal.
    const bool show_meter = !o.silent && (to_file || inv.terminal == nullptr);
    const auto& last = result.hops.back();
    const bool fetched = result.status == DownloadStatus::fetched;
    const bool written =
        record_download(inv.state, request, result, fetched && to_file ? path : "");
    if (!fetched && last.status == 0) {
        if (show_meter) inv.write_err(meter(0));
        if (!last.url.host_is_address() && !last.resolved)
            co_return error(6, "Could not resolve host: " + last.url.host);
        const std::string reason = inv.state.world.distro == "debian" ? "Couldn't connect to server"
                                                                      : "Connection timed out";
        co_return error(28, "Failed to connect to " + last.url.host + " port " +
                                std::to_string(last.url.port) + " after 130" +
                                std::to_string(100 + inv.state.world.host.seed % 900) +
                                " ms: " + reason);
    }
    if (o.fail && last.status >= 400) {
        if (show_meter) inv.write_err(meter(0));
        co_return error(22, "The requested URL returned error: " + std::to_string(last.status));
    }
    if (show_meter) inv.write_err(meter(result.body.size()));
    if (to_file && fetched && !written)
        co_return error(23, "Failure writing output to destination");
    if (!to_file) inv.write_out(result.body);
    co_return 0;
}

}  // namespace decnet::honeypot::shell
