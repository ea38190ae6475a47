#include "honeypot/services/ssh/scp_sink.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "honeypot/services/ssh/channel_programs.hpp"
#include "honeypot/services/ssh/upload_capture.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::ssh {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxHeader = 4096;  // one C/D/T line
constexpr int kMaxFiles = 256;            // per scp command
constexpr int kMaxDepth = 16;             // nested D lines

std::vector<std::string> split_words(std::string_view command) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = command.find_first_not_of(" \t", at)) != std::string_view::npos) {
        const auto end = command.find_first_of(" \t", at);
        out.emplace_back(command.substr(at, end - at));
        at = end;
    }
    return out;
}

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir == ".") return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// Reads bytes from the channel with its own buffer (scp mixes lines and raw data).
class ScpInput {
  public:
    ScpInput(ChannelHost& host, std::uint32_t id) : host_(host), id_(id) {}
    awaitable<std::optional<std::string>> line() {
        for (;;) {
            const auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string out = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                co_return out;
            }
            if (buffer_.size() > kMaxHeader) co_return std::nullopt;
            if (!co_await more()) co_return std::nullopt;
        }
    }
    // Up to `n` bytes of file data.
    awaitable<std::optional<std::string>> data(std::size_t n) {
        if (buffer_.empty() && !co_await more()) co_return std::nullopt;
        const auto take = std::min(n, buffer_.size());
        std::string out = buffer_.substr(0, take);
        buffer_.erase(0, take);
        co_return out;
    }

  private:
    awaitable<bool> more() {
        auto chunk = co_await host_.channel_read(id_);
        if (!chunk) co_return false;
        buffer_ += *chunk;
        co_return true;
    }
    ChannelHost& host_;
    std::uint32_t id_;
    std::string buffer_;
};

awaitable<int> sink(ChannelHost& host, std::uint32_t id, std::string target, bool target_is_dir,
                    const std::string& cwd) {
    ScpInput in(host, id);
    auto& session = host.session();
    if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
    std::vector<std::string> dirs{target};
    int files = 0;
    for (;;) {
        auto header = co_await in.line();
        if (!header || header->empty()) co_return 0;  // the client is done
        const char kind = (*header)[0];
        if (kind == 'T') {
            if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
            continue;
        }
        if (kind == 'E') {
            if (dirs.size() > 1) dirs.pop_back();
            if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
            continue;
        }
        if (kind != 'C' && kind != 'D') {
            co_await host.channel_write(id, "\x01scp: protocol error: unexpected <newline>\n");
            co_return 1;
        }
        const auto words = split_words(std::string_view(*header).substr(1));
        if (words.size() < 3 || words[2].find('/') != std::string::npos || words[2] == ".." ||
            ++files > kMaxFiles) {
            co_await host.channel_write(id, "\x01scp: protocol error: bad mode\n");
            co_return 1;
        }
        const auto& name = words[2];
        const bool into_dir = dirs.size() > 1 || target_is_dir;
        const std::string path = into_dir ? join(dirs.back(), name) : target;
        if (kind == 'D') {
            if (static_cast<int>(dirs.size()) > kMaxDepth) co_return 1;
            host.overlay().mkdir(join(dirs.back(), name), FsScope{"/", cwd});
            dirs.push_back(join(dirs.back(), name));
            if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
            continue;
        }
        std::uint64_t size = 0;
        try {
            size = std::stoull(words[1]);
        } catch (...) {
            co_return 1;
        }
        if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
        UploadCapture upload(session, host.overlay(), path, cwd, "scp");
        std::uint64_t left = size;
        while (left > 0) {
            auto chunk =
                co_await in.data(static_cast<std::size_t>(std::min<std::uint64_t>(left, 65536)));
            if (!chunk) co_return 1;  // the peer left mid-file: nothing is reported
            upload.write(*chunk);
            left -= chunk->size();
        }
        upload.finish();
        auto ack = co_await in.data(1);  // the client's \0 after the data
        if (!ack) co_return 0;
        if (!co_await host.channel_write(id, std::string(1, '\0'))) co_return 1;
    }
}

awaitable<int> source(ChannelHost& host, std::uint32_t id, const std::vector<std::string>& paths,
                      const std::string& cwd) {
    ScpInput in(host, id);
    const FsScope scope{"/", cwd};
    int status = 0;
    for (const auto& path : paths) {
        auto ready = co_await in.data(1);
        if (!ready) co_return 1;
        const auto body = host.overlay().read(path, scope);
        if (!body) {
            const std::string error =
                "\x01scp: " + path + ": " + std::string(fs_error_text(body.error)) + "\n";
            if (!co_await host.channel_write(id, error)) co_return 1;
            status = 1;
            continue;
        }
        const auto st = host.overlay().stat(path, scope);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", st ? st.value.meta.mode & 07777 : 0644);
        const auto slash = path.rfind('/');
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        const std::string header =
            "C" + std::string(mode) + " " + std::to_string(body.value.size()) + " " + name + "\n";
        if (!co_await host.channel_write(id, header)) co_return 1;
        auto ok = co_await in.data(1);
        if (!ok) co_return 1;
        std::string data = body.value;
        data.push_back('\0');
        if (!co_await host.channel_write(id, data)) co_return 1;
        auto done = co_await in.data(1);
        if (!done) co_return 1;
    }
    co_return status;
}

}  // namespace

bool is_scp_command(std::string_view command) {
    const auto words = split_words(command);
    if (words.empty() || (words[0] != "scp" && !words[0].ends_with("/scp"))) return false;
    for (std::size_t i = 1; i < words.size(); ++i)
        if (words[i].starts_with('-') && words[i].find_first_of("tf") != std::string::npos)
            return true;
    return false;
}

awaitable<int> run_scp(ChannelHost& host, std::uint32_t id) {
    auto* ch = host.channel(id);
    const auto words = split_words(ch->command);
    bool to = false, recursive = false, dir_flag = false;
    std::vector<std::string> paths;
    bool options = true;
    for (std::size_t i = 1; i < words.size(); ++i) {
        const auto& w = words[i];
        if (options && w == "--") {
            options = false;
        } else if (options && w.starts_with('-') && w.size() > 1) {
            to = to || w.find('t') != std::string::npos;
            recursive = recursive || w.find('r') != std::string::npos;
            dir_flag = dir_flag || w.find('d') != std::string::npos;
        } else {
            paths.push_back(w);
        }
    }
    const auto* world = host.session().context().world;
    const auto* account = world ? world->accounts.find(host.user()) : nullptr;
    const std::string cwd = account ? account->home : "/root";
    auto& session = host.session();
    session.emit(session.event("session_start")
                     .add("user", host.user())
                     .add("kind", to ? "scp_upload" : "scp_download")
                     .add("pty", "false"));
    if (to) {
        const std::string target = paths.empty() ? "." : paths.front();
        const bool is_dir =
            dir_flag || recursive || host.overlay().is_dir(target, FsScope{"/", cwd});
        co_return co_await sink(host, id, target, is_dir, cwd);
    }
    co_return co_await source(host, id, paths, cwd);
}

}  // namespace decnet::honeypot::ssh
