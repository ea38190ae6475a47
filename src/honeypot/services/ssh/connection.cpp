#include "honeypot/services/ssh/connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/ssh/channel_programs.hpp"
#include "honeypot/services/ssh/host_keys.hpp"
#include "honeypot/services/ssh/ssh_settings.hpp"
#include "honeypot/services/ssh/transport.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"
#include "wire/ssh_codec.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::ssh {
namespace {

using boost::asio::awaitable;
using wire::ssh::Reader;
using wire::ssh::Writer;
namespace msg = wire::ssh;

constexpr int kMaxAuthTries = 6;                 // sshd's MaxAuthTries
constexpr int kMaxAuthRequests = 64;             // any method, "none" included
constexpr std::size_t kMaxChannels = 10;         // sshd's MaxSessions
constexpr std::size_t kMaxForwardRequests = 64;  // logged per connection; more are refused quietly
constexpr auto kLoginGraceTime = std::chrono::seconds(120);  // sshd's LoginGraceTime
constexpr std::uint32_t kWindow = 2 * 1024 * 1024;           // sshd's CHAN_SES_WINDOW_DEFAULT
constexpr std::uint32_t kMaxPacket = 32768;
constexpr std::uint32_t kDisconnectProtocolError = 2, kDisconnectServiceNotAvailable = 7;
constexpr std::uint32_t kOpenAdministrativelyProhibited = 1, kOpenUnknownChannelType = 3,
                        kOpenResourceShortage = 4;
// What Debian's sshd offers with its shipped sshd_config (KbdInteractiveAuthentication no).
constexpr std::string_view kAuthMethods = "publickey,password";

std::string printable(std::string_view text, std::size_t max = 256) {
    std::string out;
    for (const char c : text.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u != 0x7f) ? c : '?';
    }
    return out;
}

class Connection final : public ChannelHost {
  public:
    Connection(Session& s, const SshSettings& cfg)
        : s_(s),
          cfg_(cfg),
          keys_(HostKeys::of(s.context().world ? s.context().world->state_dir : std::string(),
                             s.context().decky)),
          transport_(s, cfg.profile, keys_),
          overlay_(world_fs(s)),
          started_(std::chrono::steady_clock::now()),
          grace_(s.executor()) {
        // Like sshd, a client has LoginGraceTime to log in; the session's own idle limit
        // (long, for shells) does not apply before that. The handler runs on this session's
        // thread; once the connection is gone it only sees operation_aborted.
        grace_.expires_after(kLoginGraceTime);
        grace_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && user_.empty()) {
                timed_out_ = true;
                s_.evict();
            }
        });
    }

    awaitable<void> run() {
        s_.emit(s_.event("connect"));
        std::string end_reason = "closed";
        const bool handshake = co_await transport_.handshake();
        const auto& client = transport_.client();
        if (!client.version.empty()) {
            auto event = s_.event("client_version");
            event.add("client_version", printable(client.version));
            if (!client.hassh.empty())
                event.add("hassh", client.hassh)
                    .add("hassh_algorithms", client.hassh_algorithms)
                    .add("kex", client.kex)
                    .add("host_key", client.host_key)
                    .add("cipher", client.cipher_cs)
                    .add("mac", client.mac_cs)
                    .add("compression", client.compression_cs);
            s_.emit(std::move(event));
        }
        if (!handshake) {
            end_reason = timed_out_ ? "login_grace_timeout" : transport_.error();
            if (!transport_.error().empty() && transport_.error() != "peer closed" &&
                transport_.error() != "no version line")
                s_.emit(s_.event("handshake_failed").add("reason", transport_.error()));
        } else if (co_await authenticate()) {
            co_await send_host_keys();
            co_await serve_channels();
            end_reason = transport_.peer_disconnected() ? "client_disconnect" : "closed";
        } else {
            end_reason = timed_out_ ? "login_grace_timeout" : auth_end_;
        }
        grace_.cancel();
        const auto seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_);
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.3f", seconds.count());
        s_.emit(s_.event("disconnect").add("duration", duration).add("reason", end_reason));
    }

    // ---- ChannelHost: what a running program asks of the connection ----------------------

    awaitable<std::optional<std::string>> channel_read(std::uint32_t id) override {
        for (;;) {
            auto* ch = find(id);
            if (ch == nullptr || ch->peer_closed) co_return std::nullopt;
            if (!ch->inbox.empty()) {
                std::string data = std::move(ch->inbox);
                ch->inbox.clear();
                ch->consumed += data.size();
                if (ch->consumed >= kWindow / 2) {
                    const auto add = static_cast<std::uint32_t>(ch->consumed);
                    ch->consumed = 0;
                    ch->local_window += add;
                    const auto adjust =
                        Writer(msg::kChannelWindowAdjust).u32(ch->peer_id).u32(add).take();
                    if (!co_await transport_.send(adjust)) co_return std::nullopt;
                }
                co_return data;
            }
            if (ch->peer_eof) co_return std::nullopt;
            if (!co_await pump()) co_return std::nullopt;
        }
    }

    awaitable<bool> channel_write(std::uint32_t id, std::string_view data,
                                  bool stderr_data) override {
        while (!data.empty()) {
            auto* ch = find(id);
            if (ch == nullptr || ch->peer_closed || ch->close_sent) co_return false;
            if (ch->remote_window == 0) {
                if (!co_await pump()) co_return false;
                continue;
            }
            const std::size_t n = std::min<std::size_t>(
                {data.size(), ch->remote_window, ch->remote_max_packet, kMaxPacket});
            Writer out(stderr_data ? msg::kChannelExtendedData : msg::kChannelData);
            out.u32(ch->peer_id);
            if (stderr_data) out.u32(1);  // SSH_EXTENDED_DATA_STDERR
            out.string(data.substr(0, n));
            ch->remote_window -= static_cast<std::uint32_t>(n);
            data.remove_prefix(n);
            if (!co_await transport_.send(out.take())) co_return false;
        }
        co_return true;
    }

    ChannelInfo* channel(std::uint32_t id) override { return find(id); }
    Session& session() override { return s_; }
    FsOverlay& overlay() override { return overlay_; }
    const SshSettings& settings() override { return cfg_; }
    const std::string& user() override { return user_; }

  private:
    static std::shared_ptr<const FakeFilesystem> world_fs(Session& s) {
        const auto* world = s.context().world;
        if (world != nullptr && world->fs) return world->fs;
        static const auto bare = std::make_shared<FakeFilesystem>();
        return bare;
    }

    ChannelInfo* find(std::uint32_t id) {
        const auto it = channels_.find(id);
        return it == channels_.end() ? nullptr : it->second.get();
    }

    // ---- user authentication (RFC 4252) ---------------------------------------------------

    awaitable<bool> authenticate() {
        bool service_ok = false;
        int requests = 0;
        for (;;) {
            auto payload = co_await transport_.read();
            if (!payload) {
                auth_end_ = transport_.peer_disconnected() ? "client_disconnect" : "closed";
                co_return false;
            }
            Reader in(*payload);
            const auto type = in.byte();
            if (type == msg::kServiceRequest) {
                const auto service = in.string();
                if (service != "ssh-userauth") {
                    co_await transport_.disconnect(kDisconnectServiceNotAvailable,
                                                   "service not available");
                    auth_end_ = "bad_service";
                    co_return false;
                }
                service_ok = true;
                co_await transport_.send(Writer(msg::kServiceAccept).string("ssh-userauth").take());
                continue;
            }
            if (type != msg::kUserauthRequest || !service_ok) {
                co_await transport_.disconnect(kDisconnectProtocolError, "protocol error");
                auth_end_ = "protocol_error";
                co_return false;
            }
            if (++requests > kMaxAuthRequests) {
                co_await too_many();
                co_return false;
            }
            const auto user = std::string(in.string());
            in.string();  // service: ssh-connection
            const auto method = std::string(in.string());
            if (!in.ok()) {
                co_await transport_.disconnect(kDisconnectProtocolError, "protocol error");
                auth_end_ = "protocol_error";
                co_return false;
            }
            std::optional<bool> outcome;  // nullopt: neither success nor a counted failure
            if (method == "password") {
                const bool change = in.boolean();
                const auto password = std::string(in.string());
                if (!in.ok() || change) {
                    outcome = false;
                } else {
                    const bool ok = co_await check_password(user, password, "password");
                    outcome = ok;
                }
            } else if (method == "keyboard-interactive") {
                const auto result = co_await keyboard_interactive(user);
                if (!result) co_return false;
                outcome = *result;
            } else if (method == "publickey") {
                publickey(user, in);
                outcome = false;
            } else if (method != "none") {
                outcome = false;  // hostbased, gssapi-with-mic: not offered
            }
            if (outcome && *outcome) {
                user_ = user;
                co_await transport_.send(Writer(msg::kUserauthSuccess).take());
                transport_.start_delayed_compression();
                co_return true;
            }
            if (outcome && ++failures_ >= kMaxAuthTries) {
                co_await too_many();
                co_return false;
            }
            const auto failure =
                Writer(msg::kUserauthFailure).string(kAuthMethods).boolean(false).take();
            if (!co_await transport_.send(failure)) {
                auth_end_ = "closed";
                co_return false;
            }
        }
    }

    awaitable<void> too_many() {
        co_await transport_.disconnect(kDisconnectProtocolError,
                                       "Too many authentication failures");
        auth_end_ = "too_many_failures";
    }

    awaitable<bool> check_password(const std::string& user, const std::string& password,
                                   std::string_view method) {
        const bool ok = cfg_.policy && cfg_.policy->accepts(s_.peer_ip(), user, password);
        s_.emit(s_.event("auth", ok ? Severity::warning : Severity::info)
                    .credential(printable(user), printable(password, 1024))
                    .add("method", std::string(method))
                    .add("status", ok ? "success" : "failed"));
        if (!ok) co_await s_.pause(cfg_.auth_delay);
        co_return ok;
    }

    // One prompt, "Password: ", as sshd's PAM conversation asks; nullopt: connection over.
    awaitable<std::optional<bool>> keyboard_interactive(const std::string& user) {
        const auto request = Writer(msg::kUserauthPkOk)  // INFO_REQUEST shares 60
                                 .string("")
                                 .string("")
                                 .string("")
                                 .u32(1)
                                 .string("Password: ")
                                 .boolean(false)
                                 .take();
        if (!co_await transport_.send(request)) co_return std::nullopt;
        auto reply = co_await transport_.read();
        if (!reply) co_return std::nullopt;
        Reader in(*reply);
        if (in.byte() != msg::kUserauthInfoResponse) co_return false;
        const auto count = in.u32();
        const auto answer = count >= 1 ? std::string(in.string()) : std::string();
        if (!in.ok() || count != 1) co_return false;
        const bool ok = co_await check_password(user, answer, "keyboard-interactive");
        co_return ok;
    }

    void publickey(const std::string& user, Reader& in) {
        const bool signed_request = in.boolean();
        const auto algorithm = in.string();
        const auto blob = in.string();
        if (!in.ok()) return;
        const auto fingerprint = ssh_fingerprint(blob);
        // A client offers a key (unsigned) before it proves it: log each key once.
        if (!offered_keys_.insert(fingerprint).second && !signed_request) return;
        if (offered_keys_.size() > 64) return;
        s_.emit(s_.event("auth_publickey")
                    .add("username", printable(user))
                    .add("key_type",
                         printable(ssh_key_type(blob).empty() ? algorithm : ssh_key_type(blob), 64))
                    .add("fingerprint", fingerprint)
                    .add("status", "failed"));
    }

    // hostkeys-00@openssh.com after login, as sshd 8.5+ sends (UpdateHostKeys).
    awaitable<void> send_host_keys() {
        Writer out(msg::kGlobalRequest);
        out.string("hostkeys-00@openssh.com").boolean(false);
        for (const auto* alg : {"rsa-sha2-512", "ecdsa-sha2-nistp256", "ssh-ed25519"})
            out.string(keys_->public_blob(alg));
        co_await transport_.send(out.take());
    }

    // ---- connection protocol (RFC 4254) ---------------------------------------------------

    awaitable<void> serve_channels() {
        for (;;) {
            while (!ready_.empty()) {
                const auto id = ready_.front();
                ready_.pop_front();
                if (find(id) == nullptr) continue;
                co_await run_program(*this, id);
                co_await finish_channel(id);
            }
            if (!co_await pump()) co_return;
        }
    }

    awaitable<void> finish_channel(std::uint32_t id) {
        auto* ch = find(id);
        if (ch == nullptr) co_return;
        if (!ch->peer_closed && !ch->close_sent) {
            const auto peer = ch->peer_id;
            const auto status = ch->exit_status;
            ch->close_sent = true;
            co_await transport_.send(Writer(msg::kChannelRequest)
                                         .u32(peer)
                                         .string("exit-status")
                                         .boolean(false)
                                         .u32(static_cast<std::uint32_t>(status))
                                         .take());
            co_await transport_.send(Writer(msg::kChannelEof).u32(peer).take());
            co_await transport_.send(Writer(msg::kChannelClose).u32(peer).take());
        }
        ch = find(id);
        if (ch != nullptr && ch->peer_closed) channels_.erase(id);
    }

    // Reads one packet and acts on it; false when the connection is over.
    awaitable<bool> pump() {
        auto payload = co_await transport_.read();
        if (!payload) co_return false;
        co_return co_await dispatch(*payload);
    }

    awaitable<bool> dispatch(const std::string& payload) {
        Reader in(payload);
        const auto type = in.byte();
        switch (type) {
            case msg::kGlobalRequest:
                co_return co_await global_request(in);
            case msg::kChannelOpen:
                co_return co_await channel_open(in);
            case msg::kChannelRequest:
                co_return co_await channel_request(in);
            case msg::kChannelData:
            case msg::kChannelExtendedData: {
                auto* ch = find(in.u32());
                if (type == msg::kChannelExtendedData) in.u32();
                const auto data = in.string();
                if (ch == nullptr || !in.ok()) co_return true;
                if (data.size() > ch->local_window)
                    co_return false;  // over the window: protocol error
                ch->local_window -= static_cast<std::uint32_t>(data.size());
                // A program that is not reading (or none yet) gets at most one window.
                ch->inbox.append(data);
                co_return true;
            }
            case msg::kChannelWindowAdjust: {
                auto* ch = find(in.u32());
                const auto add = in.u32();
                if (ch != nullptr && in.ok())
                    ch->remote_window = static_cast<std::uint32_t>(std::min<std::uint64_t>(
                        std::uint64_t(ch->remote_window) + add, 0xffffffffu));
                co_return true;
            }
            case msg::kChannelEof: {
                if (auto* ch = find(in.u32())) ch->peer_eof = true;
                co_return true;
            }
            case msg::kChannelClose: {
                const auto id = in.u32();
                auto* ch = find(id);
                if (ch == nullptr) co_return true;
                ch->peer_closed = true;
                if (!ch->close_sent) {
                    ch->close_sent = true;
                    co_await transport_.send(Writer(msg::kChannelClose).u32(ch->peer_id).take());
                }
                if (!ch->running && !ch->queued) channels_.erase(id);
                co_return true;
            }
            case msg::kRequestSuccess:
            case msg::kRequestFailure:
            case msg::kChannelSuccess:
            case msg::kChannelFailure:
            case msg::kChannelOpenConfirmation:
            case msg::kChannelOpenFailure:
                co_return true;
            case msg::kUserauthRequest:
                co_return true;  // after success sshd ignores further requests
            default: {
                // sshd answers what it does not know with UNIMPLEMENTED.
                co_return co_await transport_.send(Writer(msg::kUnimplemented).u32(0).take());
            }
        }
    }

    awaitable<bool> global_request(Reader& in) {
        const auto name = std::string(in.string());
        const bool want_reply = in.boolean();
        if (name == "tcpip-forward" || name == "cancel-tcpip-forward" ||
            name == "streamlocal-forward@openssh.com") {
            const auto host = in.string();
            const auto port = in.u32();
            log_forward(name, host, port, {}, 0);
        }
        if (!want_reply) co_return true;
        co_return co_await transport_.send(Writer(msg::kRequestFailure).take());
    }

    void log_forward(std::string_view kind, std::string_view host, std::uint32_t port,
                     std::string_view origin_host, std::uint32_t origin_port) {
        if (++forward_requests_ > kMaxForwardRequests) return;
        auto event = s_.event("forward_request", Severity::warning);
        event.add("kind", printable(kind, 64))
            .add("host", printable(host))
            .add("port", std::to_string(port));
        if (!origin_host.empty())
            event.add("origin_host", printable(origin_host))
                .add("origin_port", std::to_string(origin_port));
        s_.emit(std::move(event));
    }

    awaitable<bool> channel_open(Reader& in) {
        const auto type = std::string(in.string());
        const auto peer_id = in.u32();
        const auto window = in.u32();
        const auto max_packet = in.u32();
        if (!in.ok()) co_return false;
        auto refuse = [&](std::uint32_t reason, std::string_view text) {
            return Writer(msg::kChannelOpenFailure)
                .u32(peer_id)
                .u32(reason)
                .string(text)
                .string("")
                .take();
        };
        if (type == "direct-tcpip" || type == "direct-streamlocal@openssh.com") {
            const auto host = in.string();
            const auto port = in.u32();
            const auto origin = in.string();
            const auto origin_port = in.u32();
            log_forward(type, host, port, origin, origin_port);
            co_return co_await transport_.send(
                refuse(kOpenAdministrativelyProhibited, "open failed"));
        }
        if (type != "session") {
            co_return co_await transport_.send(
                refuse(kOpenUnknownChannelType, "unknown channel type"));
        }
        if (channels_.size() >= kMaxChannels) {
            co_return co_await transport_.send(refuse(kOpenResourceShortage, "no more sessions"));
        }
        auto ch = std::make_unique<ChannelInfo>();
        ch->id = next_channel_++;
        ch->peer_id = peer_id;
        ch->remote_window = window;
        ch->remote_max_packet = std::max<std::uint32_t>(1, std::min(max_packet, kMaxPacket));
        ch->local_window = kWindow;
        const auto id = ch->id;
        channels_[id] = std::move(ch);
        co_return co_await transport_.send(Writer(msg::kChannelOpenConfirmation)
                                               .u32(peer_id)
                                               .u32(id)
                                               .u32(kWindow)
                                               .u32(kMaxPacket)
                                               .take());
    }

    awaitable<bool> channel_request(Reader& in) {
        auto* ch = find(in.u32());
        const auto request = std::string(in.string());
        const bool want_reply = in.boolean();
        if (ch == nullptr || !in.ok()) co_return true;
        bool ok = false;
        if (request == "pty-req") {
            ch->term = printable(in.string(), 64);
            // `ssh -tt` with piped input reports 0×0: a terminal then is 80×24.
            const auto cols = std::min<std::uint32_t>(in.u32(), 1000);
            const auto rows = std::min<std::uint32_t>(in.u32(), 1000);
            ch->cols = cols == 0 ? 80 : static_cast<int>(cols);
            ch->rows = rows == 0 ? 24 : static_cast<int>(rows);
            ok = in.ok() && !ch->started;
            ch->pty = ch->pty || ok;
        } else if (request == "env") {
            const auto name = std::string(in.string());
            const auto value = std::string(in.string());
            // Debian's AcceptEnv LANG LC_*.
            ok = in.ok() && (name == "LANG" || name.starts_with("LC_")) && ch->env.size() < 32;
            if (ok) ch->env.emplace_back(printable(name, 64), printable(value, 256));
        } else if (request == "shell" || request == "exec" || request == "subsystem") {
            std::string argument;
            if (request != "shell") argument = std::string(in.string());
            ok = in.ok() && !ch->started && (request != "subsystem" || argument == "sftp");
            if (ok) {
                ch->started = true;
                ch->queued = true;
                ch->program = request == "shell"  ? ChannelInfo::Program::shell
                              : request == "exec" ? ChannelInfo::Program::exec
                                                  : ChannelInfo::Program::sftp;
                ch->command = std::move(argument);
                ready_.push_back(ch->id);
            }
        } else if (request == "window-change") {
            const auto cols = in.u32();
            const auto rows = in.u32();
            if (in.ok() && cols > 0 && rows > 0) {
                ch->cols = static_cast<int>(std::min<std::uint32_t>(cols, 1000));
                ch->rows = static_cast<int>(std::min<std::uint32_t>(rows, 1000));
            }
            co_return true;  // never wants a reply
        } else if (request == "x11-req" || request == "auth-agent-req@openssh.com") {
            ok = false;
        }
        if (!want_reply) co_return true;
        const auto peer = ch->peer_id;
        co_return co_await transport_.send(
            Writer(ok ? msg::kChannelSuccess : msg::kChannelFailure).u32(peer).take());
    }

    Session& s_;
    const SshSettings& cfg_;
    std::shared_ptr<HostKeys> keys_;
    Transport transport_;
    FsOverlay overlay_;
    std::chrono::steady_clock::time_point started_;
    boost::asio::steady_timer grace_;
    bool timed_out_ = false;
    std::string user_;
    std::string auth_end_ = "closed";
    int failures_ = 0;
    std::size_t forward_requests_ = 0;
    std::set<std::string> offered_keys_;
    std::map<std::uint32_t, std::unique_ptr<ChannelInfo>> channels_;
    std::deque<std::uint32_t> ready_;
    std::uint32_t next_channel_ = 0;
};

}  // namespace

awaitable<void> serve_connection(Session& session) {
    Connection connection(session, session.context().settings_as<SshSettings>());
    co_await connection.run();
}

}  // namespace decnet::honeypot::ssh
