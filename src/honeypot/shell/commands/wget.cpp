// wget: GNU Wget 1.21's dialogue on stderr (resolving, connecting, the response, the
// progress bar, "saved") around the downloader — BusyBox's terser one on Alpine; the file lands in
// the session's overlay (basename in cwd, -O, -P) and the artifact store. In record mode the host
// "has no route out": names do not resolve, addresses time out.
#include <boost/asio/this_coro.hpp>

#include <chrono>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/downloader.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell {
namespace {

constexpr std::size_t kMaxUrls = 16;  // one command line's downloads

struct WgetOptions {
    std::vector<std::string> urls;
    std::string output;  // -O; "-" is stdout
    std::string prefix;  // -P
    bool quiet = false;
    std::string user_agent = "Wget/1.21.3";
};

// Short options that take a value (the rest of the cluster, or the next word).
constexpr std::string_view kValued = "OPUtToeaBwY";

// wget's options: clusters (-qO-), long options with `=` or a separate value.
WgetOptions parse_options(const std::vector<std::string>& argv) {
    WgetOptions o;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argv.size() ? argv[++i] : ""; };
        if (a.starts_with("--")) {
            const auto equals = a.find('=');
            const std::string name = a.substr(0, equals);
            auto value = [&] {
                return equals == std::string::npos ? next() : a.substr(equals + 1);
            };
            if (name == "--output-document")
                o.output = value();
            else if (name == "--directory-prefix")
                o.prefix = value();
            else if (name == "--user-agent")
                o.user_agent = value();
            else if (name == "--quiet")
                o.quiet = true;
            else if (name == "--tries" || name == "--timeout" || name == "--output-file" ||
                     name == "--execute" || name == "--header")
                value();
            continue;
        }
        if (a.size() > 1 && a[0] == '-') {
            for (std::size_t k = 1; k < a.size(); ++k) {
                const char c = a[k];
                if (c == 'q') o.quiet = true;
                if (kValued.find(c) == std::string_view::npos) continue;
                const std::string value = k + 1 < a.size() ? a.substr(k + 1) : next();
                if (c == 'O') o.output = value;
                if (c == 'P') o.prefix = value;
                if (c == 'U') o.user_agent = value;
                break;
            }
            continue;
        }
        if (o.urls.size() < kMaxUrls) o.urls.push_back(a);
    }
    return o;
}

struct Quotes {
    std::string open, close;
    std::string operator()(std::string_view text) const { return open + std::string(text) + close; }
};

// Where wget writes: -O, else the URL's last path segment (index.html for a directory)
// in -P or the cwd, with .1, .2, ... when the name is taken (wget never overwrites).
std::string save_path(const Invocation& inv, const WgetOptions& o, const Url& url) {
    if (!o.output.empty()) return o.output;
    std::string path = url.path.substr(0, url.path.find('?'));
    std::string name = path.substr(path.rfind('/') + 1);
    if (name.empty()) name = "index.html";
    const std::string dir = o.prefix.empty() ? "" : o.prefix + "/";
    std::string candidate = dir + name;
    for (int n = 1; n < 100 && inv.state.fs.stat(candidate, inv.state.scope()); ++n)
        candidate = dir + name + "." + std::to_string(n);
    return candidate;
}

std::string length_line(const FetchResult& r) {
    if (r.hops.back().url.scheme == "ftp")
        return "Length: " + std::to_string(r.body.size()) + " (unauthoritative)\n";
    const std::string type = r.content_type.empty() ? "" : " [" + r.content_type + "]";
    if (!r.content_length) return "Length: unspecified" + type + "\n";
    const auto n = *r.content_length;
    const std::string human = n >= 1024 ? " (" + human_size(n) + ")" : "";
    return "Length: " + std::to_string(n) + human + type + "\n";
}

std::string speed(std::size_t bytes, double seconds) {
    const double rate = static_cast<double>(bytes) / std::max(seconds, 0.0005);
    if (rate >= 1024.0 * 1024.0) return format("%.2f MB/s", rate / 1024.0 / 1024.0);
    return format("%.1f KB/s", rate / 1024.0);
}

// The connection dialogue of one request; false when it stopped there (`status` set).
bool describe_hop(std::string& err, const FetchHop& hop, const Quotes& q, int& status) {
    const Url& url = hop.url;
    std::string address = url.host;
    if (!url.host_is_address()) {
        err += "Resolving " + url.host + " (" + url.host + ")... ";
        if (!hop.resolved) {
            err += "failed: Temporary failure in name resolution.\n";
            err += "wget: unable to resolve host address " + q(url.host) + "\n";
            status = 4;
            return false;
        }
        std::string list;
        for (const auto& a : hop.addresses) list += (list.empty() ? "" : ", ") + a;
        err += list + "\n";
        address = hop.connected.empty() ? hop.addresses.front() : hop.connected;
        err += "Connecting to " + url.host + " (" + url.host + ")|" + address +
               "|:" + std::to_string(url.port) + "... ";
    } else {
        err += "Connecting to " + address + ":" + std::to_string(url.port) + "... ";
    }
    if (hop.connected.empty()) {
        err += "failed: Connection timed out.\nGiving up.\n\n";
        status = 4;
        return false;
    }
    err += "connected.\n";
    return true;
}

// wget's FTP dialogue after "connected." (login, the commands of a passive RETR).
void describe_ftp(std::string& err, const FetchHop& hop, const FetchResult& result, const Quotes& q,
                  int& status) {
    const std::string path = hop.url.path.substr(0, hop.url.path.find('?'));
    const std::string name = path.substr(path.rfind('/') + 1);
    const std::string dir = path.substr(0, path.rfind('/'));
    const std::string user = hop.url.user.empty() ? "anonymous" : hop.url.user;
    err += "Logging in as " + user + " ... ";
    if (hop.reason_phrase.starts_with("USER") || hop.reason_phrase.starts_with("PASS")) {
        err += "\nLogin incorrect.\n";
        status = 6;
        return;
    }
    err += "Logged in!\n==> SYST ... done.    ==> PWD ... done.\n==> TYPE I ... done.  ";
    err += dir.empty() ? "==> CWD not needed.\n" : "==> CWD (1) " + dir + " ... done.\n";
    const bool fetched = result.status == DownloadStatus::fetched;
    err += "==> SIZE " + name + " ... " +
           (fetched ? std::to_string(result.body.size()) : std::string("done.")) + "\n";
    err += "==> PASV ... done.    ==> RETR " + name + " ... ";
    if (fetched) {
        err += "done.\n";
        return;
    }
    err += "\nNo such file " + q(name) + ".\n\n";
    status = 8;
}

// BusyBox wget (Alpine's, and what IoT droppers meet): terser, its own error words.
int busybox_report(Invocation& inv, const WgetOptions& o, const Url& url,
                   const FetchRequest& request, const FetchResult& result) {
    std::string err;
    const bool fetched = result.status == DownloadStatus::fetched;
    const bool to_stdout = o.output == "-";
    const std::string path = fetched && !to_stdout ? save_path(inv, o, url) : "";
    const bool written = record_download(inv.state, request, result, fetched ? path : "");
    int status = 1;
    for (const auto& hop : result.hops) {
        const std::string target = hop.url.host + ":" + std::to_string(hop.url.port);
        if (!hop.url.host_is_address() && !hop.resolved) {
            err += "wget: bad address '" + hop.url.host + "'\n";
            break;
        }
        const std::string address = hop.connected.empty() && !hop.addresses.empty()
                                        ? hop.addresses.front()
                                    : hop.connected.empty() ? hop.url.host
                                                            : hop.connected;
        err +=
            "Connecting to " + target + " (" + address + ":" + std::to_string(hop.url.port) + ")\n";
        if (hop.connected.empty()) {
            err += "wget: can't connect to remote host (" + address + "): Connection timed out\n";
            break;
        }
        if (hop.status != 0 && hop.status != 200 && hop.location.empty()) {
            err += "wget: server returned error: HTTP/1.1 " + std::to_string(hop.status) + " " +
                   hop.reason_phrase + "\n";
            break;
        }
    }
    if (fetched) {
        const std::string name = to_stdout ? "-" : path.substr(path.rfind('/') + 1);
        err += "saving to '" + (to_stdout ? std::string("-") : path) + "'\n";
        err += format("%-20.20s 100%% |********************************| %5s  0:00:00 ETA\n",
                      name.c_str(), human_size(result.body.size()).c_str());
        if (to_stdout) inv.write_out(result.body);
        if (written) {
            err += "'" + (to_stdout ? std::string("-") : path) + "' saved\n";
            status = 0;
        } else {
            err += "wget: write error: No space left on device\n";
        }
    }
    if (!o.quiet || status != 0) inv.write_err(err);
    return status;
}

boost::asio::awaitable<int> get_one(Invocation& inv, const WgetOptions& o, const std::string& text,
                                    const Quotes& q) {
    std::string err;
    const auto url = parse_url(text);
    if (!url) {
        const auto scheme_end = text.find("://");
        err = scheme_end == std::string::npos
                  ? text + ": Invalid host name.\n"
                  : text + ": Unsupported scheme " + q(text.substr(0, scheme_end)) + ".\n";
        if (!o.quiet) inv.write_err(err);
        co_return 1;
    }
    if (url->scheme == "tftp") {  // not one of wget's
        if (!o.quiet) inv.write_err(text + ": Unsupported scheme " + q("tftp") + ".\n");
        co_return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    const FetchRequest request{*url, "wget", o.user_agent};
    auto executor = co_await boost::asio::this_coro::executor;
    const FetchResult result = co_await fetch(executor, request, inv.state.settings);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (inv.state.world.distro == "alpine") {
        const int status = busybox_report(inv, o, *url, request, result);
        co_return status;
    }
    const auto now = now_seconds();
    int status = 0;
    for (std::size_t i = 0; i < result.hops.size() && status == 0; ++i) {
        const auto& hop = result.hops[i];
        err += "--" + date_time(now) + "--  " + hop.url.text() + "\n";
        if (!describe_hop(err, hop, q, status)) break;
        if (hop.url.scheme == "ftp") {
            describe_ftp(err, hop, result, q, status);
            break;
        }
        if (hop.status == 0) {
            err +=
                "HTTP request sent, awaiting response... Read error (Connection reset by peer) "
                "in headers.\nGiving up.\n\n";
            status = 4;
            break;
        }
        err += "HTTP request sent, awaiting response... " + std::to_string(hop.status) + " " +
               hop.reason_phrase + "\n";
        if (!hop.location.empty() && i + 1 < result.hops.size()) {
            err += "Location: " + hop.location + " [following]\n";
            continue;
        }
        if (hop.status != 200) {
            err += date_time(now) + " ERROR " + std::to_string(hop.status) + ": " +
                   hop.reason_phrase + ".\n\n";
            status = 8;
        }
    }
    const bool fetched = result.status == DownloadStatus::fetched;
    const bool to_stdout = o.output == "-";
    const std::string path = fetched && !to_stdout ? save_path(inv, o, *url) : "";
    const bool written = record_download(inv.state, request, result, fetched ? path : "");
    if (fetched) {
        const auto size = result.body.size();
        const std::string name = to_stdout ? "STDOUT" : path.substr(path.rfind('/') + 1);
        err += length_line(result) + "Saving to: " + q(to_stdout ? "STDOUT" : path) + "\n\n";
        std::string shown = name.substr(0, 19);
        err += format("%-19s100%%[===================>] %7zu  --.-KB/s    in %.0fs      \n\n",
                      shown.c_str(), size, seconds);
        if (to_stdout) inv.write_out(result.body);
        if (!written) {
            err += "Cannot write to " + q(path) + " (No space left on device).\n";
            status = 3;
        } else {
            err += date_time(now) + " (" + speed(size, seconds) + ") - " +
                   (to_stdout ? std::string("written to stdout") : q(path) + " saved") + " [" +
                   std::to_string(size) +
                   (result.content_length ? "/" + std::to_string(*result.content_length) : "") +
                   "]\n\n";
        }
    } else if (status == 0) {
        status = 4;
    }
    if (!o.quiet) inv.write_err(err);
    co_return status;
}

}  // namespace

boost::asio::awaitable<int> run_wget(Invocation& inv) {
    const WgetOptions o = parse_options(inv.argv);
    if (o.urls.empty()) {
        inv.write_err(
            "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more "
            "options.\n");
        co_return 1;
    }
    const Quotes q = utf8_locale(inv.state) ? Quotes{"\u2018", "\u2019"} : Quotes{"'", "'"};
    int status = 0;
    for (const auto& url : o.urls) {
        const int one = co_await get_one(inv, o, url, q);
        if (one != 0) status = one;
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell
