// ftp: a vsFTPd look-alike serving the decky's FTP root (its world's /srv/ftp, jailed as
// chroot would) and capturing uploads (services.md §2.5). Owns the control dialogue and
// the passive data channel; uploads land in the session's overlay of the decky's tree and
// their bytes in the artifact store, deletes and renames in the overlay. Fixes the
// reference's defects: one `220` greeting, `230` after PASS, a working `/`, and the
// attacker's address on every event.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_format.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using namespace std::string_view_literals;

constexpr std::size_t kMaxUpload = 10 * 1024 * 1024;
constexpr FsOverlayLimits kOverlayLimits{};  // what one session may leave in the fake tree
constexpr auto kDataTimeout = std::chrono::seconds(30);  // connect, and idle during STOR

// The decky's files (a bare tree when a test runs the emulator without a world).
std::shared_ptr<const FakeFilesystem> world_fs(const Session& s) {
    if (const auto* world = s.context().world; world && world->fs) return world->fs;
    static const auto bare = [] {
        auto fs = std::make_shared<FakeFilesystem>();
        fs->add_dir(WorldPaths{}.ftp_root);
        return fs;
    }();
    return bare;
}

// Everyone is jailed in the FTP root, as vsftpd's chroot_local_user and anon_root do.
std::string ftp_root(const Session& s) {
    const auto* world = s.context().world;
    return world ? world->paths.ftp_root : WorldPaths{}.ftp_root;
}

// LIST/NLST: `ls -l`'s columns in vsftpd's layout (numeric owners, zero-padded day).
// Options such as "-la" are skipped; dot files are shown with -a only.
std::string listing(const FsReader& fs, const FsScope& scope, std::string_view arg,
                    bool names_only) {
    bool all = false;
    arg = trim(arg);
    while (arg.starts_with('-')) {
        const auto end = arg.find(' ');
        all = all || arg.substr(0, end).find('a') != std::string_view::npos;
        arg = end == std::string_view::npos ? "" : trim(arg.substr(end + 1));
    }
    const std::string path = arg.empty() ? "." : std::string(arg);
    const auto entries = fs.list(path, scope);
    const auto now = std::time(nullptr);
    std::string out;
    for (const auto& e : entries.value) {
        if (e.name.starts_with('.') && !all) continue;
        if (!names_only) {
            char head[96];
            std::snprintf(head, sizeof head, "%s %4u %-8u %-8u %8llu %s ",
                          mode_string(e.stat).c_str(), e.stat.nlink, e.stat.meta.uid,
                          e.stat.meta.gid, static_cast<unsigned long long>(e.stat.size),
                          listing_date(e.stat.meta.mtime, now, true).c_str());
            out += head;
        }
        out += e.name;
        if (!names_only && e.stat.type == FsType::symlink) out += " -> " + e.stat.target;
        out += "\r\n";
    }
    return out;
}

// What STOR received: hashed as it streamed and handed to the artifact store.
struct Upload {
    CapturedArtifact artifact;
    bool truncated = false;
    std::string body;  // the first kOverlayLimits.max_file_size bytes, for the overlay
};

// One control connection. The passive listener is the only extra resource; it lives until
// the transfer it was opened for (or the session) ends.
class FtpSession {
  public:
    explicit FtpSession(Session& s)
        : s_(s), fs_(world_fs(s), kOverlayLimits), scope_{ftp_root(s), "/"} {}

    awaitable<void> run() {
        s_.emit(s_.event("connect"));
        bool ok = co_await reply("220 (vsFTPd 3.0.3)");
        while (ok) {
            auto line = co_await s_.read_line();
            if (!line) break;
            ok = co_await handle(*line);
        }
        s_.emit(s_.event("disconnect"));
    }

  private:
    // By value: a coroutine must own what it reads after its first suspension.
    awaitable<bool> reply(std::string text) { co_return co_await s_.write(text + "\r\n"); }

    // False ends the session.
    awaitable<bool> handle(const std::string& line) {
        const auto space = line.find(' ');
        const std::string verb = ascii_upper(line.substr(0, space));
        const std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
        if (verb == "QUIT") {
            co_await reply("221 Goodbye.");
            co_return false;
        }
        if (verb == "FEAT")
            co_return co_await s_.write(
                "211-Features:\r\n EPSV\r\n FEAT\r\n MDTM\r\n PASV\r\n SIZE\r\n TYPE "
                "A;I\r\n211 End\r\n");
        if (verb == "USER") {
            user_ = arg;
            have_user_ = true;
            logged_in_ = false;
            s_.emit(s_.event("user").add("username", arg));
            // Ternaries stay out of co_await expressions: GCC 12 destroys their
            // temporaries twice.
            const std::string text =
                arg == "anonymous" ? "331 Guest login ok, type your email address as password."
                                   : "331 Password required for " + arg + ".";
            co_return co_await reply(text);
        }
        if (verb == "PASS") {
            if (!have_user_)
                co_return co_await reply(
                    "503 Incorrect sequence of commands: USER required before PASS");
            // Every pair is a credential bounty; the next USER/PASS is logged again.
            s_.emit(s_.event("auth_attempt", Severity::warning).credential(user_, arg));
            logged_in_ = true;
            co_return co_await reply("230 Login successful.");
        }
        if (!have_user_) co_return co_await reply("530 Please login with USER and PASS.");
        if (!logged_in_)
            co_return co_await reply(
                "503 Incorrect sequence of commands: PASS required after USER");
        co_return co_await logged_in(verb, arg);
    }

    awaitable<bool> logged_in(const std::string& verb, const std::string& arg) {
        if (verb == "SYST") co_return co_await reply("215 UNIX Type: L8");
        if (verb == "NOOP") co_return co_await reply("200 Command OK");
        if (verb == "TYPE") {
            const std::string text =
                "200 Type set to " + (arg.empty() ? "I" : ascii_upper(arg.substr(0, 1))) + ".";
            co_return co_await reply(text);
        }
        if (verb == "PWD" || verb == "XPWD")
            co_return co_await reply("257 \"" + scope_.cwd + "\" is the current directory");
        if (verb == "CWD" || verb == "XCWD" || verb == "CDUP" || verb == "XCUP") {
            const std::string where = verb == "CDUP" || verb == "XCUP" ? ".." : arg;
            const auto path = fs_.realpath(where.empty() ? "/" : where, scope_);
            const bool ok = path && fs_.is_dir(path.value, scope_);
            if (ok) scope_.cwd = path.value;
            const std::string text =
                ok ? "250 Directory successfully changed." : "550 Failed to change directory.";
            co_return co_await reply(text);
        }
        if (verb == "SIZE" || verb == "MDTM") {
            const auto st = fs_.stat(arg, scope_);
            if (!st || st.value.type != FsType::regular) {
                const std::string text = verb == "SIZE"
                                             ? "550 Could not get file size."
                                             : "550 Could not get file modification time.";
                co_return co_await reply(text);
            }
            const std::string text = verb == "SIZE" ? "213 " + std::to_string(st.value.size)
                                                    : "213 " + mdtm_stamp(st.value.meta.mtime);
            co_return co_await reply(text);
        }
        if (verb == "DELE" || verb == "RMD" || verb == "MKD" || verb == "RNFR" || verb == "RNTO")
            co_return co_await change(verb, arg);
        if (verb == "PASV" || verb == "EPSV") co_return co_await open_passive(verb == "EPSV");
        if (verb == "LIST" || verb == "NLST" || verb == "RETR" || verb == "STOR")
            co_return co_await transfer(verb, arg);
        if (verb == "PORT" || verb == "EPRT")  // a honeypot never connects out
            co_return co_await reply("500 Illegal PORT command.");
        if (verb == "SITE") co_return co_await reply("550 Permission denied.");
        co_return co_await reply("500 Unknown command.");
    }

    // DELE, RMD, MKD, RNFR/RNTO: in the session's overlay, answered as vsftpd does.
    awaitable<bool> change(const std::string& verb, const std::string& arg) {
        std::string text;
        if (verb == "DELE") {
            const auto st = fs_.stat(arg, scope_, false);
            const bool ok =
                st && st.value.type != FsType::directory && fs_.remove(arg, scope_) == FsError::ok;
            text = ok ? "250 Delete operation successful." : "550 Delete operation failed.";
        } else if (verb == "RMD") {
            const bool ok = fs_.is_dir(arg, scope_) && fs_.remove(arg, scope_) == FsError::ok;
            text = ok ? "250 Remove directory operation successful."
                      : "550 Remove directory operation failed.";
        } else if (verb == "MKD") {
            const bool ok = fs_.mkdir(arg, scope_) == FsError::ok;
            const auto made = fs_.realpath(arg, scope_);
            text = ok ? "257 \"" + made.value + "\" created"
                      : "550 Create directory operation failed.";
        } else if (verb == "RNFR") {
            const bool ok = bool(fs_.stat(arg, scope_, false));
            rename_from_ = ok ? arg : "";
            text = ok ? "350 Ready for RNTO." : "550 RNFR command failed.";
        } else if (rename_from_.empty()) {
            text = "503 RNFR required first.";
        } else {
            const bool ok = fs_.rename(rename_from_, arg, scope_) == FsError::ok;
            rename_from_.clear();
            text = ok ? "250 Rename successful." : "550 Rename failed.";
        }
        co_return co_await reply(text);
    }

    // PASV/EPSV: listen on the decky address the attacker already reached, ephemeral port.
    awaitable<bool> open_passive(bool extended) {
        passive_.reset();
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(s_.local_ip(), ec);
        auto acceptor = std::make_shared<tcp::acceptor>(s_.executor());
        const tcp::endpoint where(address, 0);
        if (!ec) acceptor->open(where.protocol(), ec);
        if (!ec) acceptor->bind(where, ec);
        if (!ec) acceptor->listen(1, ec);
        const auto local = ec ? tcp::endpoint() : acceptor->local_endpoint(ec);
        if (ec || (!address.is_v4() && !extended))
            co_return co_await reply("425 Can't open passive connection.");
        passive_ = std::move(acceptor);
        const unsigned port = local.port();
        if (extended)
            co_return co_await reply("229 Entering Extended Passive Mode (|||" +
                                     std::to_string(port) + "|)");
        std::string h = address.to_string();
        for (auto& c : h)
            if (c == '.') c = ',';
        co_return co_await reply("227 Entering Passive Mode (" + h + "," +
                                 std::to_string(port / 256) + "," + std::to_string(port % 256) +
                                 ").");
    }

    // The client's data connection, within kDataTimeout, from the control peer's address
    // only (no FXP/port theft). Timers hold weak references: a timer that fired just as
    // the operation completed must not touch a socket that is already gone.
    awaitable<std::shared_ptr<tcp::socket>> accept_data() {
        const auto acceptor = std::move(passive_);
        asio::steady_timer timer(s_.executor(), s_.wait_budget(kDataTimeout));
        timer.async_wait([weak = std::weak_ptr(acceptor)](boost::system::error_code ec) {
            boost::system::error_code ignored;
            if (const auto a = weak.lock(); a && !ec) a->cancel(ignored);
        });
        auto socket = std::make_shared<tcp::socket>(s_.executor());
        boost::system::error_code ec;
        co_await acceptor->async_accept(*socket, asio::redirect_error(asio::use_awaitable, ec));
        timer.cancel();
        if (ec) co_return nullptr;
        const auto peer = socket->remote_endpoint(ec);
        if (ec || peer.address().to_string() != s_.peer_ip()) co_return nullptr;
        co_return socket;
    }

    awaitable<bool> transfer(const std::string& verb, const std::string& arg) {
        if (!passive_)
            co_return co_await reply(
                "503 Incorrect sequence of commands: PORT or PASV required "
                "before " +
                verb);
        std::optional<std::string> file;
        if (verb == "RETR") {
            s_.emit(s_.event("download_attempt", Severity::warning).add("path", arg));
            auto content = fs_.read(arg, scope_);
            if (!content) {
                passive_.reset();
                co_return co_await reply("550 Failed to open file.");
            }
            file = std::move(content.value);
        }
        const std::string opening = verb == "STOR" ? "150 Ok to send data."
                                    : verb == "RETR"
                                        ? "150 Opening BINARY mode data connection for " + arg +
                                              " (" + std::to_string(file->size()) + " bytes)."
                                        : "150 Here comes the directory listing.";
        if (!co_await reply(opening)) co_return false;
        auto data = co_await accept_data();
        if (!data) co_return co_await reply("425 Failed to establish connection.");
        if (verb == "STOR") co_return co_await store(data, arg);
        const std::string body = file ? *file : listing(fs_, scope_, arg, verb == "NLST");
        boost::system::error_code ec;
        co_await asio::async_write(*data, asio::buffer(body),
                                   asio::redirect_error(asio::use_awaitable, ec));
        data->close(ec);
        {
            const std::string text = file ? "226 Transfer complete." : "226 Directory send OK.";
            co_return co_await reply(text);
        }
    }

    awaitable<bool> store(const std::shared_ptr<tcp::socket>& data, const std::string& path) {
        const Upload up = co_await receive(data);
        // The session sees its upload in the tree (bounded like a small disk); the host's
        // filesystem only ever gets the artifact.
        const FsError stored = up.truncated || up.artifact.size > up.body.size()
                                   ? FsError::too_big
                                   : fs_.write(path, up.body, scope_);
        s_.emit(s_.event("upload", Severity::warning)
                    .add("path", path)
                    .add("size", up.artifact.size)
                    .add("sha256", up.artifact.sha256)
                    .add("truncated", up.truncated));
        auto captured = s_.event("file_captured", Severity::warning);
        add_artifact_fields(captured, up.artifact, path, artifact_filename(path));
        s_.emit(std::move(captured));
        {
            const std::string text = up.truncated            ? "552 Requested file action aborted."
                                     : stored != FsError::ok ? "451 Failure writing to local file."
                                                             : "226 Transfer complete.";
            co_return co_await reply(text);
        }
    }

    // Reads the upload to EOF (or kMaxUpload, or kDataTimeout of silence), handing each
    // chunk to the artifact store so the bytes are never all held in memory.
    awaitable<Upload> receive(const std::shared_ptr<tcp::socket>& data) {
        Upload up;
        ArtifactCapture capture(s_.context().artifacts);
        char chunk[16384];
        for (;;) {
            asio::steady_timer timer(s_.executor(), s_.wait_budget(kDataTimeout));
            timer.async_wait([weak = std::weak_ptr(data)](boost::system::error_code ec) {
                boost::system::error_code ignored;
                if (const auto d = weak.lock(); d && !ec) d->cancel(ignored);
            });
            boost::system::error_code ec;
            const auto n = co_await data->async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            timer.cancel();
            const std::size_t keep = std::min<std::size_t>(n, kMaxUpload - capture.size());
            capture.write({chunk, keep});
            if (up.body.size() + keep <= kOverlayLimits.max_file_size) up.body.append(chunk, keep);
            if (keep < n) up.truncated = true;
            if (ec || up.truncated) break;
        }
        boost::system::error_code ignored;
        data->close(ignored);
        up.artifact = capture.finish();
        co_return up;
    }

    Session& s_;
    std::string user_;
    bool have_user_ = false;
    bool logged_in_ = false;
    std::shared_ptr<tcp::acceptor> passive_;
    FsOverlay fs_;   // the decky's files as this session changed them
    FsScope scope_;  // jail (the FTP root) and working directory
    std::string rename_from_;
};

awaitable<void> serve_ftp(Session& s) {
    FtpSession ftp(s);
    co_await ftp.run();
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"user", "src_ip src_port username", "USER"},
    {"auth_attempt", "src_ip src_port username password", "PASS after USER: a credential"},
    {"download_attempt", "src_ip src_port path", "RETR"},
    {"upload", "src_ip src_port path size sha256 truncated", "a finished STOR"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "a STOR's bytes, kept in the artifact store"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& ftp_module() {
    static const ServiceModule module{.slug = "ftp", .serve = &serve_ftp, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
