#include "honeypot/services/ssh/sftp_server.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "honeypot/services/ssh/channel_programs.hpp"
#include "honeypot/services/ssh/upload_capture.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_format.hpp"
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

// Packet types and status codes of SFTP version 3.
enum : std::uint8_t {
    kInit = 1,
    kVersion = 2,
    kOpen = 3,
    kClose = 4,
    kRead = 5,
    kWrite = 6,
    kLstat = 7,
    kFstat = 8,
    kSetstat = 9,
    kFsetstat = 10,
    kOpendir = 11,
    kReaddir = 12,
    kRemove = 13,
    kMkdir = 14,
    kRmdir = 15,
    kRealpath = 16,
    kStat = 17,
    kRename = 18,
    kReadlink = 19,
    kSymlink = 20,
    kStatus = 101,
    kHandle = 102,
    kData = 103,
    kName = 104,
    kAttrs = 105,
    kExtended = 200,
};
enum : std::uint32_t {
    kOk = 0,
    kEof = 1,
    kNoSuchFile = 2,
    kPermissionDenied = 3,
    kFailure = 4,
    kBadMessage = 5,
    kOpUnsupported = 8
};
constexpr std::uint32_t kAttrSize = 1, kAttrUidGid = 2, kAttrPermissions = 4, kAttrTime = 8;
constexpr std::uint32_t kOpenWrite = 2, kOpenTrunc = 0x10, kOpenCreate = 8, kOpenAppend = 4;
constexpr std::size_t kMaxSftpPacket = 256 * 1024;
constexpr std::size_t kMaxHandles = 64;
constexpr std::size_t kMaxRead = 64 * 1024;

std::uint32_t status_of(FsError error) {
    switch (error) {
        case FsError::ok:
            return kOk;
        case FsError::not_found:
            return kNoSuchFile;
        default:
            return kFailure;
    }
}

std::string_view status_text(std::uint32_t code) {
    switch (code) {
        case kOk:
            return "Success";
        case kEof:
            return "End of file";
        case kNoSuchFile:
            return "No such file";
        case kPermissionDenied:
            return "Permission denied";
        case kBadMessage:
            return "Bad message";
        case kOpUnsupported:
            return "Operation unsupported";
        default:
            return "Failure";
    }
}

void put_attrs(Writer& w, const FsStat& st) {
    std::uint32_t mode = st.meta.mode & 07777;
    mode |= st.type == FsType::directory ? 0040000 : st.type == FsType::symlink ? 0120000 : 0100000;
    w.u32(kAttrSize | kAttrUidGid | kAttrPermissions | kAttrTime)
        .u64(st.size)
        .u32(st.meta.uid)
        .u32(st.meta.gid)
        .u32(mode)
        .u32(static_cast<std::uint32_t>(st.meta.mtime))
        .u32(static_cast<std::uint32_t>(st.meta.mtime));
}

struct Handle {
    Handle() = default;
    explicit Handle(std::string p, bool is_dir = false) : path(std::move(p)), dir(is_dir) {}
    std::string path;
    bool dir = false;
    bool listed = false;
    std::unique_ptr<UploadCapture> upload;  // a file opened for writing
    std::uint64_t written = 0;
};

class SftpServer {
  public:
    SftpServer(ChannelHost& host, std::uint32_t id) : host_(host), id_(id) {
        const auto* world = host.session().context().world;
        const auto* account = world ? world->accounts.find(host.user()) : nullptr;
        home_ = account ? account->home : "/root";
    }

    awaitable<int> run() {
        auto& s = host_.session();
        s.emit(s.event("session_start")
                   .add("user", host_.user())
                   .add("kind", "sftp")
                   .add("pty", "false"));
        for (;;) {
            while (buffer_.size() >= 4) {
                Reader head(std::string_view(buffer_).substr(0, 4));
                const auto length = head.u32();
                if (length == 0 || length > kMaxSftpPacket) co_return 1;
                if (buffer_.size() < 4 + length) break;
                const std::string packet = buffer_.substr(4, length);
                buffer_.erase(0, 4 + length);
                const std::string reply = handle(packet);
                if (!reply.empty() &&
                    !co_await host_.channel_write(id_, Writer().string(reply).take()))
                    co_return 1;
            }
            auto chunk = co_await host_.channel_read(id_);
            if (!chunk) break;
            buffer_ += *chunk;
            if (buffer_.size() > 2 * kMaxSftpPacket) co_return 1;
        }
        for (auto& [_, h] : handles_)
            if (h.upload) h.upload->finish();
        co_return 0;
    }

  private:
    FsScope scope() const { return FsScope{"/", home_}; }

    void log(std::string_view operation, const std::string& path) {
        if (++logged_ > 256) return;
        auto& s = host_.session();
        s.emit(s.event("sftp_operation")
                   .add("user", host_.user())
                   .add("operation", std::string(operation))
                   .add("path", path));
    }

    static std::string status(std::uint32_t request, std::uint32_t code) {
        return Writer(kStatus).u32(request).u32(code).string(status_text(code)).string("").take();
    }

    std::string handle(const std::string& packet) {
        Reader in(packet);
        const auto type = in.byte();
        if (type == kInit) {
            // OpenSSH's sftp-server: version 3 and its extensions.
            Writer w(kVersion);
            w.u32(3);
            for (const auto& [name, version] : {std::pair{"posix-rename@openssh.com", "1"},
                                                {"statvfs@openssh.com", "2"},
                                                {"fstatvfs@openssh.com", "2"},
                                                {"hardlink@openssh.com", "1"},
                                                {"fsync@openssh.com", "1"},
                                                {"lsetstat@openssh.com", "1"},
                                                {"limits@openssh.com", "1"},
                                                {"expand-path@openssh.com", "1"},
                                                {"copy-data", "1"}})
                w.string(name).string(version);
            return w.take();
        }
        const auto request = in.u32();
        if (!in.ok()) return {};
        auto& fs = host_.overlay();
        switch (type) {
            case kRealpath: {
                auto path = std::string(in.string());
                if (path.empty()) path = ".";
                const auto real = fs.realpath(path, scope());
                if (!real) return status(request, status_of(real.error));
                Writer w(kName);
                w.u32(request).u32(1).string(real.value).string(real.value);
                put_attrs(w, fs.stat(real.value).value);
                return w.take();
            }
            case kStat:
            case kLstat: {
                const auto path = std::string(in.string());
                const auto st = fs.stat(path, scope(), type == kStat);
                if (!st) return status(request, status_of(st.error));
                Writer w(kAttrs);
                w.u32(request);
                put_attrs(w, st.value);
                return w.take();
            }
            case kFstat: {
                const auto* h = find(in.string());
                if (h == nullptr) return status(request, kFailure);
                const auto st = fs.stat(h->path, scope());
                if (!st) return status(request, status_of(st.error));
                Writer w(kAttrs);
                w.u32(request);
                put_attrs(w, st.value);
                return w.take();
            }
            case kOpendir: {
                const auto path = std::string(in.string());
                if (!fs.is_dir(path, scope())) return status(request, kNoSuchFile);
                log("opendir", path);
                return new_handle(request, Handle(path, true));
            }
            case kReaddir: {
                auto* h = find(in.string());
                if (h == nullptr || !h->dir) return status(request, kFailure);
                if (h->listed) return status(request, kEof);
                h->listed = true;
                const auto entries = fs.list(h->path, scope());
                if (!entries) return status(request, status_of(entries.error));
                Writer w(kName);
                w.u32(request).u32(static_cast<std::uint32_t>(entries.value.size()));
                for (const auto& e : entries.value) {
                    w.string(e.name).string(long_name(e));
                    put_attrs(w, e.stat);
                }
                return w.take();
            }
            case kOpen: {
                const auto path = std::string(in.string());
                const auto flags = in.u32();
                if (!in.ok() || handles_.size() >= kMaxHandles) return status(request, kFailure);
                if ((flags & (kOpenWrite | kOpenCreate | kOpenTrunc | kOpenAppend)) != 0) {
                    log("put", path);
                    Handle h(path);
                    h.upload =
                        std::make_unique<UploadCapture>(host_.session(), fs, path, home_, "sftp");
                    return new_handle(request, std::move(h));
                }
                const auto st = fs.stat(path, scope());
                if (!st) return status(request, status_of(st.error));
                if (st.value.type == FsType::directory) return status(request, kFailure);
                log("get", path);
                return new_handle(request, Handle(path));
            }
            case kRead: {
                const auto* h = find(in.string());
                const auto offset = in.u64();
                const auto length = std::min<std::uint64_t>(in.u32(), kMaxRead);
                if (h == nullptr || h->dir) return status(request, kFailure);
                const auto body = fs.read(h->path, scope());
                if (!body) return status(request, status_of(body.error));
                if (offset >= body.value.size()) return status(request, kEof);
                return Writer(kData)
                    .u32(request)
                    .string(std::string_view(body.value).substr(offset, length))
                    .take();
            }
            case kWrite: {
                auto* h = find(in.string());
                const auto offset = in.u64();
                const auto data = in.string();
                if (h == nullptr || !h->upload || !in.ok()) return status(request, kFailure);
                // sftp writes in order; a rewrite or a gap is kept as the bytes came.
                (void)offset;
                h->upload->write(data);
                h->written += data.size();
                return status(request, kOk);
            }
            case kClose: {
                const auto name = std::string(in.string());
                const auto it = handles_.find(name);
                if (it == handles_.end()) return status(request, kFailure);
                if (it->second.upload) it->second.upload->finish();
                handles_.erase(it);
                return status(request, kOk);
            }
            case kMkdir: {
                const auto path = std::string(in.string());
                log("mkdir", path);
                return status(request, status_of(fs.mkdir(path, scope())));
            }
            case kRemove:
            case kRmdir: {
                const auto path = std::string(in.string());
                log(type == kRemove ? "remove" : "rmdir", path);
                return status(request, status_of(fs.remove(path, scope())));
            }
            case kRename: {
                const auto from = std::string(in.string());
                const auto to = std::string(in.string());
                log("rename", from + " -> " + to);
                return status(request, status_of(fs.rename(from, to, scope())));
            }
            case kSetstat:
            case kFsetstat:
                return status(request, kOk);
            case kReadlink: {
                const auto path = std::string(in.string());
                const auto st = fs.stat(path, scope(), false);
                if (!st || st.value.type != FsType::symlink) return status(request, kFailure);
                Writer w(kName);
                w.u32(request).u32(1).string(st.value.target).string(st.value.target).u32(0);
                return w.take();
            }
            case kExtended: {
                const auto name = in.string();
                if (name == "limits@openssh.com") {
                    return Writer(201)  // SSH_FXP_EXTENDED_REPLY
                        .u32(request)
                        .u64(kMaxSftpPacket)
                        .u64(kMaxRead)
                        .u64(kMaxRead)
                        .u64(kMaxHandles)
                        .take();
                }
                if (name == "expand-path@openssh.com") {
                    auto path = std::string(in.string());
                    if (path == "~" || path.starts_with("~/")) path = home_ + path.substr(1);
                    const auto real = fs.realpath(path, scope());
                    if (!real) return status(request, status_of(real.error));
                    Writer w(kName);
                    w.u32(request).u32(1).string(real.value).string(real.value).u32(0);
                    return w.take();
                }
                return status(request, kOpUnsupported);
            }
            default:
                return status(request, kOpUnsupported);
        }
    }

    // sftp-server's ls_file line ("%s %3u %-*s %-*s %8llu %s %s", names at least 8 wide),
    // which `ls -l` in the sftp client prints as is.
    std::string long_name(const FsEntry& e) const {
        const auto* world = host_.session().context().world;
        const auto* owner = world ? world->accounts.find(e.stat.meta.uid) : nullptr;
        const std::string user = owner ? owner->name : std::to_string(e.stat.meta.uid);
        const std::string group =
            world ? world->accounts.group_name(e.stat.meta.gid) : std::to_string(e.stat.meta.gid);
        char line[512];
        std::snprintf(line, sizeof line, "%s %3u %-*s %-*s %8llu %s %s",
                      mode_string(e.stat).c_str(), e.stat.nlink,
                      static_cast<int>(std::max<std::size_t>(user.size(), 8)), user.c_str(),
                      static_cast<int>(std::max<std::size_t>(group.size(), 8)), group.c_str(),
                      static_cast<unsigned long long>(e.stat.size),
                      listing_date(e.stat.meta.mtime, std::time(nullptr)).c_str(), e.name.c_str());
        return line;
    }

    std::string new_handle(std::uint32_t request, Handle h) {
        const auto name = std::to_string(next_handle_++);
        handles_[name] = std::move(h);
        return Writer(kHandle).u32(request).string(name).take();
    }
    Handle* find(std::string_view name) {
        const auto it = handles_.find(std::string(name));
        return it == handles_.end() ? nullptr : &it->second;
    }

    ChannelHost& host_;
    std::uint32_t id_;
    std::string home_;
    std::string buffer_;
    std::map<std::string, Handle> handles_;
    std::uint64_t next_handle_ = 0;
    std::size_t logged_ = 0;
};

}  // namespace

awaitable<int> run_sftp(ChannelHost& host, std::uint32_t id) {
    SftpServer server(host, id);
    co_return co_await server.run();
}

}  // namespace decnet::honeypot::ssh
