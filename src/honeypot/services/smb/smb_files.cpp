// smb's opens: CREATE over the share's directory of the decky's fake filesystem (names
// matched without case, as NTFS does), READ, WRITE into the session's overlay (the bytes
// captured as an artifact at CLOSE), QUERY_DIRECTORY and QUERY_INFO in the information
// classes Windows clients ask, and named pipes on IPC$ carrying DCE/RPC (srvsvc share
// enumeration; coercion interfaces answered access denied, as a patched host does).
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <ctime>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/services/smb/dcerpc.hpp"
#include "honeypot/services/smb/smb_bytes.hpp"
#include "honeypot/services/smb/smb_session.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::smb {
namespace {

constexpr std::uint32_t kFsctlPipeTransceive = 0x0011c017, kFsctlValidateNegotiate = 0x00140204,
                        kFsctlDfsReferrals = 0x00060194, kFsctlDfsReferralsEx = 0x000601b0;
constexpr std::uint32_t kAttrDirectory = 0x10, kAttrArchive = 0x20, kAttrNormal = 0x80;

// Pipes IPC$ offers (what a Windows host or smbd answers for).
constexpr std::string_view kPipes[] = {
    "srvsvc", "wkssvc", "lsarpc",      "samr",  "netlogon", "winreg",  "svcctl",   "spoolss",
    "efsrpc", "netdfs", "FssagentRpc", "atsvc", "epmapper", "browser", "eventlog", "ntsvcs"};

std::string share_path(std::string_view name) {
    std::string out;
    for (const char c : name) out += c == '\\' ? '/' : c;
    while (out.starts_with('/')) out.erase(0, 1);
    return out;
}

// Windows wildcard match without case ('*' and '?'; '<' '>' '"' as DOS does, loosely).
bool matches(std::string_view pattern, std::string_view name) {
    if (pattern.empty() || pattern == "*" || pattern == "*.*") return true;
    std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == '>' ||
                                   ascii_lower(pattern[p]) == ascii_lower(name[n]))) {
            ++p, ++n;
        } else if (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '<')) {
            star = p++;
            mark = n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '<')) ++p;
    return p == pattern.size();
}

// NTFS reports no size for a directory.
std::uint64_t size_of(const FsStat& st) {
    return st.type == FsType::directory ? 0 : st.size;
}

std::uint32_t attributes(const FsStat& st) {
    return st.type == FsType::directory ? kAttrDirectory : kAttrArchive;
}

std::uint64_t allocation(std::uint64_t size) {
    return (size + 4095) / 4096 * 4096;
}

// CreationTime, LastAccessTime, LastWriteTime, ChangeTime.
void put_times(std::string& out, const FsStat& st) {
    const auto t = filetime(st.meta.mtime);
    for (int i = 0; i < 4; ++i) put64(out, t);
}

std::uint64_t file_index(std::string_view path) {
    return stable_hash(path) & 0x0000ffffffffffffULL;
}

// One directory entry in `info_class`, 8-aligned, NextEntryOffset left 0.
std::string dir_entry(std::uint8_t info_class, const std::string& name, const FsStat& st,
                      std::string_view path) {
    const std::string wide = wire::ntlm::utf16le(name);
    std::string e;
    put32(e, 0);             // NextEntryOffset
    put32(e, 0);             // FileIndex
    if (info_class == 12) {  // FileNamesInformation
        put32(e, static_cast<std::uint32_t>(wide.size()));
        return e + wide;
    }
    put_times(e, st);
    put64(e, size_of(st));
    put64(e, allocation(size_of(st)));
    put32(e, attributes(st));
    put32(e, static_cast<std::uint32_t>(wide.size()));
    if (info_class == 1) return e + wide;  // FileDirectoryInformation
    put32(e, 0);                           // EaSize
    if (info_class == 2) return e + wide;  // FileFullDirectoryInformation
    if (info_class == 38) {                // FileIdFullDirectoryInformation
        put32(e, 0);
        put64(e, file_index(path));
        return e + wide;
    }
    put8(e, 0);  // ShortNameLength
    put8(e, 0);
    e.append(24, '\0');                    // ShortName
    if (info_class == 3) return e + wide;  // FileBothDirectoryInformation
    put16(e, 0);                           // FileIdBothDirectoryInformation (37)
    put64(e, file_index(path));
    return e + wide;
}

std::string basic_info(const FsStat& st) {
    std::string out;
    put_times(out, st);
    put32(out, attributes(st));
    put32(out, 0);
    return out;
}

std::string standard_info(const FsStat& st) {
    std::string out;
    put64(out, allocation(size_of(st)));
    put64(out, size_of(st));
    put32(out, 1);
    put8(out, 0);
    put8(out, st.type == FsType::directory ? 1 : 0);
    put16(out, 0);
    return out;
}

std::string u32_of(std::uint32_t v) {
    std::string out;
    put32(out, v);
    return out;
}

std::string u64_of(std::uint64_t v) {
    std::string out;
    put64(out, v);
    return out;
}

std::string file_info(std::uint8_t info_class, const FsStat& st, std::string_view path,
                      std::string_view name) {
    const std::string wide = wire::ntlm::utf16le(name);
    switch (info_class) {
        case 4:  // FileBasicInformation
            return basic_info(st);
        case 5:  // FileStandardInformation
            return standard_info(st);
        case 6:  // FileInternalInformation
            return u64_of(file_index(path));
        case 7:   // FileEaInformation
        case 16:  // FileModeInformation
        case 17:  // FileAlignmentInformation
            return u32_of(0);
        case 8:  // FileAccessInformation
            return u32_of(0x001f01ff);
        case 14:  // FilePositionInformation
            return u64_of(0);
        case 9:  // FileNameInformation
            return u32_of(static_cast<std::uint32_t>(wide.size())) + wide;
        case 18:  // FileAllInformation
            return basic_info(st) + standard_info(st) + u64_of(file_index(path)) + u32_of(0) +
                   u32_of(0x001f01ff) + u64_of(0) + u32_of(0) + u32_of(0) +
                   u32_of(static_cast<std::uint32_t>(wide.size())) + wide;
        case 22: {  // FileStreamInformation: the unnamed data stream
            if (st.type == FsType::directory) return {};
            const auto stream = wire::ntlm::utf16le("::$DATA");
            return u32_of(0) + u32_of(static_cast<std::uint32_t>(stream.size())) + u64_of(st.size) +
                   u64_of(allocation(st.size)) + stream;
        }
        case 34: {  // FileNetworkOpenInformation
            std::string out;
            put_times(out, st);
            put64(out, allocation(size_of(st)));
            put64(out, size_of(st));
            put32(out, attributes(st));
            put32(out, 0);
            return out;
        }
        case 35:  // FileAttributeTagInformation
            return u32_of(attributes(st)) + u32_of(0);
        default:
            return {};
    }
}

std::string fs_info(std::uint8_t info_class, bool samba, std::int64_t created) {
    constexpr std::uint64_t kTotal = 0x0000000003a37fff, kFree = 0x0000000001c2b4a1;  // units
    switch (info_class) {
        case 1: {  // FileFsVolumeInformation
            std::string out = u64_of(filetime(created)) + u32_of(samba ? 0x6b2d9c01 : 0x5c3e2a17);
            const std::string label = samba ? "" : wire::ntlm::utf16le("");
            put32(out, static_cast<std::uint32_t>(label.size()));
            put8(out, 0);
            put8(out, 0);
            return out + label;
        }
        case 3:  // FileFsSizeInformation
            return u64_of(kTotal) + u64_of(kFree) + u32_of(8) + u32_of(512);
        case 4:  // FileFsDeviceInformation: a disk, remote
            return u32_of(7) + u32_of(0x20);
        case 5: {  // FileFsAttributeInformation
            const auto name = wire::ntlm::utf16le("NTFS");
            return u32_of(samba ? 0x0001002f : 0x03e700ff) + u32_of(255) +
                   u32_of(static_cast<std::uint32_t>(name.size())) + name;
        }
        case 7:  // FileFsFullSizeInformation
            return u64_of(kTotal) + u64_of(kFree) + u64_of(kFree) + u32_of(8) + u32_of(512);
        case 8:  // FileFsObjectIdInformation
            return std::string(64, '\0');
        default:
            return {};
    }
}

}  // namespace

SmbOpen* SmbConnection::open_of(const FileId& id) {
    const auto volatile_id = id.volatile_id == ~0ULL ? related_file_.volatile_id : id.volatile_id;
    const auto it = opens_.find(volatile_id);
    return it == opens_.end() ? nullptr : &it->second;
}

// The path of `name` under the share, each component matched without case; nullopt when a
// parent is missing. The last component keeps the client's spelling when it does not exist.
std::optional<std::string> SmbConnection::resolve(const Share& share, std::string_view name) const {
    std::string path = share.root;
    const auto parts = split_path(share_path(name));
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] == "..") return std::nullopt;  // never above the share
        if (parts[i] == ".") continue;
        std::string next = path + "/" + parts[i];
        if (!fs_.stat(next)) {
            const auto entries = fs_.list(path);
            for (const auto& e : entries.value)
                if (iequals(e.name, parts[i])) next = path + "/" + e.name;
        }
        if (i + 1 < parts.size() && !fs_.is_dir(next)) return std::nullopt;
        path = std::move(next);
    }
    return path;
}

Reply SmbConnection::create(const Message& m, const Header& h, FileId& created) {
    const auto request = parse_create(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    if (opens_.size() >= kMaxOpens) return {status::kRequestNotAccepted, {}};
    const Share& share = *tree_of(h)->share;
    SmbOpen open;
    open.tree_id = h.tree_id;
    open.share = &share;
    FsStat st;
    std::uint32_t action = 1;  // FILE_OPENED
    if (share.ipc) {
        std::string pipe = share_path(request->name);
        if (istarts_with(pipe, "pipe/")) pipe = pipe.substr(5);
        const auto known = std::find_if(std::begin(kPipes), std::end(kPipes),
                                        [&](std::string_view p) { return iequals(p, pipe); });
        s_.emit(s_.event("pipe_open").add("pipe", pipe.substr(0, 128)));
        if (known == std::end(kPipes)) return {status::kNotFound, {}};
        open.pipe = true;
        open.path = std::string(*known);
    } else {
        const auto path = resolve(share, request->name);
        if (!path) return {status::kPathNotFound, {}};
        open.path = *path;
        const auto existing = fs_.stat(*path);
        const bool want_dir = request->options & 0x1;
        const bool want_file = request->options & 0x40;
        const auto disposition = request->disposition;
        if (existing) {
            st = existing.value;
            if (disposition == 2) return {status::kNameCollision, {}};  // FILE_CREATE
            if (want_dir && st.type != FsType::directory) return {status::kNotADirectory, {}};
            if (want_file && st.type == FsType::directory) return {status::kFileIsADirectory, {}};
            if (st.type != FsType::directory &&
                (disposition == 0 || disposition == 4 || disposition == 5)) {
                open.content = std::string();
                open.wrote = true;  // overwritten: an upload even if nothing is written
                action = disposition == 0 ? 0 : 3;
                st.size = 0;
            }
        } else {
            if (disposition == 1 || disposition == 4) return {status::kNotFound, {}};
            const auto made = want_dir ? fs_.mkdir(*path) : fs_.write(*path, "");
            if (made != FsError::ok) return {status::kAccessDenied, {}};
            st = fs_.stat(*path).value;
            action = 2;  // FILE_CREATED
            if (!want_dir) {
                open.content = std::string();
                open.wrote = true;
            }
        }
        open.directory = st.type == FsType::directory;
        if (!open.directory) {
            static constexpr std::string_view kDisposition[] = {
                "supersede", "open", "create", "open_if", "overwrite", "overwrite_if"};
            static constexpr std::string_view kAction[] = {"superseded", "opened", "created",
                                                           "overwritten"};
            s_.emit(s_.event("file_open")
                        .add("share", share.name)
                        .add("path", share_path(request->name).substr(0, 512))
                        .add("disposition", request->disposition < 6
                                                ? kDisposition[request->disposition]
                                                : std::string_view("unknown"))
                        .add("action", kAction[action]));
        }
    }
    const FileId id{next_file_, next_file_};
    ++next_file_;
    opens_[id.volatile_id] = std::move(open);
    related_file_ = id;
    created = id;
    std::string body;
    put16(body, 89);
    put8(body, 0);  // no oplock
    put8(body, 0);
    put32(body, action);
    put_times(body, st);
    put64(body, allocation(size_of(st)));
    put64(body, size_of(st));
    put32(body, share.ipc ? kAttrNormal : attributes(st));
    put32(body, 0);
    put_file_id(body, id);
    put32(body, 0);
    put32(body, 0);
    return {status::kSuccess, body};
}

void SmbConnection::finish_upload(SmbOpen& open) {
    if (!open.wrote || open.pipe || open.directory || !open.content) return;
    const std::string& body = *open.content;
    ArtifactCapture capture(s_.context().artifacts);
    capture.write(body);
    const auto artifact = capture.finish();
    fs_.write(open.path, body);
    const auto shown = open.path.substr(std::min(open.path.size(), open.share->root.size()));
    s_.emit(s_.event("upload", Severity::warning)
                .add("share", open.share->name)
                .add("path", shown)
                .add("size", artifact.size)
                .add("sha256", artifact.sha256)
                .add("truncated", open.truncated));
    auto captured = s_.event("file_captured", Severity::warning);
    add_artifact_fields(captured, artifact, shown, artifact_filename(shown));
    s_.emit(std::move(captured));
    open.wrote = false;
}

Reply SmbConnection::close(const Message& m, const Header&) {
    const auto id = parse_close(m.body);
    if (!id) return {status::kInvalidParameter, {}};
    auto* open = open_of(*id);
    if (!open) return {status::kFileClosed, {}};
    finish_upload(*open);
    FsStat st;
    const bool post_query = ByteReader(m.body, 2).u16() & 1;
    if (post_query && !open->pipe)
        if (const auto now = fs_.stat(open->path)) st = now.value;
    opens_.erase(id->volatile_id == ~0ULL ? related_file_.volatile_id : id->volatile_id);
    std::string body;
    put16(body, 60);
    put16(body, post_query ? 1 : 0);
    put32(body, 0);
    if (post_query) {
        put_times(body, st);
        put64(body, allocation(size_of(st)));
        put64(body, size_of(st));
        put32(body, attributes(st));
    } else {
        body.append(52, '\0');
    }
    return {status::kSuccess, body};
}

Reply SmbConnection::read(const Message& m, const Header&) {
    const auto request = parse_read(m.body);
    if (!request) return {status::kInvalidParameter, {}};
    auto* open = open_of(request->file);
    if (!open) return {status::kFileClosed, {}};
    if (open->directory) return {status::kInvalidDeviceRequest, {}};
    const std::uint32_t length = std::min(request->length, kMaxIo);
    std::string data;
    std::uint32_t why = status::kSuccess;
    if (open->pipe) {
        if (open->pipe_output.empty()) return {status::kPipeEmpty, {}};
        data = open->pipe_output.substr(0, length);
        open->pipe_output.erase(0, data.size());
        if (!open->pipe_output.empty()) why = status::kBufferOverflow;
    } else {
        if (!open->content) {
            auto content = fs_.read(open->path);
            if (!content) return {status::kAccessDenied, {}};
            open->content = std::move(content.value);
        }
        if (!open->reported_read) {
            open->reported_read = true;
            s_.emit(s_.event("file_read", Severity::warning)
                        .add("share", open->share->name)
                        .add("path", open->path.substr(
                                         std::min(open->path.size(), open->share->root.size())))
                        .add("size", open->content->size()));
        }
        if (request->offset >= open->content->size()) return {status::kEndOfFile, {}};
        data = open->content->substr(request->offset, length);
    }
    std::string body;
    put16(body, 17);
    put8(body, 0x50);
    put8(body, 0);
    put32(body, static_cast<std::uint32_t>(data.size()));
    put32(body, 0);
    put32(body, 0);
    return {why, body + data};
}

Reply SmbConnection::write(const Message& m, const Header&) {
    const auto request = parse_write(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    auto* open = open_of(request->file);
    if (!open) return {status::kFileClosed, {}};
    if (open->directory) return {status::kInvalidDeviceRequest, {}};
    if (open->pipe) {
        open->pipe_output += pipe_transact(*open, request->data);
        if (open->pipe_output.size() > kMaxPipeOutput) open->pipe_output.clear();
    } else {
        if (!open->content) {
            auto content = fs_.read(open->path);
            open->content = content ? std::move(content.value) : std::string();
        }
        const auto end = request->offset + request->data.size();
        if (request->offset > kMaxUploadBytes || end > kMaxUploadBytes ||
            uploaded_ + request->data.size() > kMaxUploadBytes) {
            open->truncated = true;
            return {status::kDiskFull, {}};
        }
        if (open->content->size() < end) open->content->resize(end, '\0');
        open->content->replace(request->offset, request->data.size(), request->data);
        uploaded_ += request->data.size();
        open->wrote = true;
    }
    std::string body;
    put16(body, 17);
    put16(body, 0);
    put32(body, static_cast<std::uint32_t>(request->data.size()));
    put32(body, 0);
    put16(body, 0);
    put16(body, 0);
    return {status::kSuccess, body};
}

Reply SmbConnection::query_directory(const Message& m, const Header&) {
    const auto request = parse_query_directory(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    auto* open = open_of(request->file);
    if (!open) return {status::kFileClosed, {}};
    if (!open->directory) return {status::kInvalidParameter, {}};
    static constexpr std::uint8_t kClasses[] = {1, 2, 3, 12, 37, 38};
    if (std::find(std::begin(kClasses), std::end(kClasses), request->info_class) ==
        std::end(kClasses))
        return {status::kInvalidInfoClass, {}};
    const bool restart = request->flags & (0x01 | 0x10);
    if (!open->listed || restart) {
        open->listing.clear();
        open->cursor = 0;
        open->listed = true;
        const auto self = fs_.stat(open->path).value;
        const auto parent =
            open->path == open->share->root ? self : fs_.stat(open->path + "/..").value;
        if (matches(request->pattern, ".")) open->listing.push_back({".", self});
        if (matches(request->pattern, "..")) open->listing.push_back({"..", parent});
        for (auto& e : fs_.list(open->path).value)
            if (matches(request->pattern, e.name)) open->listing.push_back(std::move(e));
        if (open->listing.empty()) return {status::kNoSuchFile, {}};
    }
    if (open->cursor >= open->listing.size()) return {status::kNoMoreFiles, {}};
    const std::size_t room = std::min<std::size_t>(request->output_length, kMaxIo);
    std::string entries;
    std::size_t last = 0;
    while (open->cursor < open->listing.size()) {
        const auto& e = open->listing[open->cursor];
        std::string entry =
            dir_entry(request->info_class, e.name, e.stat, open->path + "/" + e.name);
        const std::size_t start = (entries.size() + 7) & ~std::size_t{7};
        if (start + entry.size() > room) break;
        if (!entries.empty()) {
            entries.resize(start, '\0');
            set32(entries, last, static_cast<std::uint32_t>(start - last));
        }
        last = start;
        entries += entry;
        ++open->cursor;
        if (request->flags & 0x02) break;  // SMB2_RETURN_SINGLE_ENTRY
    }
    if (entries.empty()) return {status::kInfoLengthMismatch, {}};
    std::string body;
    put16(body, 9);
    put16(body, static_cast<std::uint16_t>(kHeaderSize + 8));
    put32(body, static_cast<std::uint32_t>(entries.size()));
    return {status::kSuccess, body + entries};
}

Reply SmbConnection::query_info(const Message& m, const Header&) {
    const auto request = parse_query_info(m.body);
    if (!request) return {status::kInvalidParameter, {}};
    auto* open = open_of(request->file);
    if (!open) return {status::kFileClosed, {}};
    std::string info;
    if (request->info_type == 1) {
        FsStat st;
        if (!open->pipe) st = fs_.stat(open->path).value;
        if (open->content && !open->pipe) st.size = open->content->size();
        const std::string name =
            open->pipe ? open->path
                       : open->path.substr(std::min(open->path.size(), open->share->root.size()));
        std::string windows_name;
        for (const char c : name) windows_name += c == '/' ? '\\' : c;
        info = file_info(request->info_class, st, open->path, windows_name);
    } else if (request->info_type == 2) {
        const auto* world = s_.context().world;
        info = fs_info(request->info_class, identity_.samba, world ? world->host.install_time : 0);
    } else if (request->info_type == 3) {
        return {status::kAccessDenied, {}};
    } else {
        return {status::kNotSupported, {}};
    }
    // FileAlternateNameInformation: NTFS without 8.3 names has none.
    if (request->info_type == 1 && request->info_class == 21) return {status::kNotFound, {}};
    if (info.empty()) return {status::kInvalidInfoClass, {}};
    std::uint32_t why = status::kSuccess;
    if (info.size() > request->output_length) {
        if (request->info_class != 18 && request->info_class != 9 && request->info_class != 22)
            return {status::kInfoLengthMismatch, {}};
        info.resize(request->output_length);
        why = status::kBufferOverflow;
    }
    std::string body;
    put16(body, 9);
    put16(body, static_cast<std::uint16_t>(kHeaderSize + 8));
    put32(body, static_cast<std::uint32_t>(info.size()));
    return {why, body + info};
}

Reply SmbConnection::set_info(const Message& m, const Header&) {
    const auto request = parse_set_info(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    auto* open = open_of(request->file);
    if (!open) return {status::kFileClosed, {}};
    // FileEndOfFileInformation (20) and FileAllocationInformation (19) size an upload.
    if (request->info_type == 1 && (request->info_class == 20 || request->info_class == 19) &&
        !open->pipe && !open->directory && request->buffer.size() >= 8) {
        const auto size = ByteReader(request->buffer).u64();
        if (size > kMaxUploadBytes) return {status::kDiskFull, {}};
        if (request->info_class == 20) {
            if (!open->content) open->content = fs_.read(open->path).value;
            open->content->resize(size, '\0');
            open->wrote = true;
        }
    }
    return {status::kSuccess, std::string("\x02\0", 2)};
}

Reply SmbConnection::ioctl(const Message& m, const Header&) {
    const auto request = parse_ioctl(m.body, m.bytes);
    if (!request) return {status::kInvalidParameter, {}};
    std::string output;
    std::uint32_t why = status::kSuccess;
    if (request->code == kFsctlPipeTransceive) {
        auto* open = open_of(request->file);
        if (!open || !open->pipe) return {status::kInvalidDeviceRequest, {}};
        output = pipe_transact(*open, request->input);
        if (output.size() > request->max_output) {
            open->pipe_output = output.substr(request->max_output);
            output.resize(request->max_output);
            why = status::kBufferOverflow;
        }
    } else if (request->code == kFsctlValidateNegotiate) {
        output = u32_of(caps_);
        output.append(reinterpret_cast<const char*>(server_guid_.data()), 16);
        put16(output, static_cast<std::uint16_t>(1 | (settings_.signing_required ? 2 : 0)));
        put16(output, dialect_);
    } else if (request->code == kFsctlDfsReferrals || request->code == kFsctlDfsReferralsEx) {
        return {identity_.samba ? status::kNotFound : status::kFsDriverRequired, {}};
    } else {
        return {status::kNotSupported, {}};
    }
    std::string body;
    put16(body, 49);
    put16(body, 0);
    put32(body, request->code);
    put_file_id(body, request->file);
    put32(body, static_cast<std::uint32_t>(kHeaderSize + 48));
    put32(body, 0);
    put32(body, static_cast<std::uint32_t>(kHeaderSize + 48));
    put32(body, static_cast<std::uint32_t>(output.size()));
    put32(body, 0);
    put32(body, 0);
    return {why, body + output};
}

// One DCE/RPC PDU written to a pipe → the PDU the server answers ("" for none).
std::string SmbConnection::pipe_transact(SmbOpen& open, std::string_view input) {
    const auto pdu = parse_pdu(input);
    if (!pdu) {
        s_.emit(s_.event("protocol_error", Severity::warning)
                    .add("error", "bad DCE/RPC PDU on " + open.path)
                    .add("data", hex_prefix(input, 64)));
        return {};
    }
    const auto type = static_cast<RpcType>(pdu->type);
    if (type == RpcType::bind || type == RpcType::alter_context) {
        const auto bind = parse_bind(pdu->body);
        if (!bind) return rpc_fault(pdu->call_id, 0, 0x1c010003);
        for (const auto& c : bind->contexts) {
            const auto name = interface_name(c.interface);
            s_.emit(s_.event("rpc_bind")
                        .add("pipe", open.path)
                        .add("interface", name.empty() ? "unknown" : name)
                        .add("uuid", c.interface));
            if (is_coercion_interface(name))
                s_.emit(s_.event("coercion_attempt", Severity::warning)
                            .add("pipe", open.path)
                            .add("interface", name));
            if (!c.interface.empty() && open.rpc_interface.empty()) {
                open.rpc_interface = std::string(name);
                open.rpc_context = c.id;
            }
        }
        return bind_ack(pdu->call_id, *bind, "\\PIPE\\" + open.path, assoc_group_,
                        type == RpcType::alter_context);
    }
    if (type != RpcType::request) return rpc_fault(pdu->call_id, 0, 0x1c010003);
    const auto request = parse_request(*pdu);
    if (!request) return rpc_fault(pdu->call_id, 0, 0x1c010003);
    if (is_coercion_interface(open.rpc_interface) ||
        (open.rpc_interface == "lsarpc" && open.path == "lsarpc" && request->opnum <= 0x0d &&
         !find_unc_path(request->stub).empty())) {
        s_.emit(s_.event("coercion_attempt", Severity::warning)
                    .add("pipe", open.path)
                    .add("interface", open.rpc_interface)
                    .add("opnum", request->opnum)
                    .add("target", find_unc_path(request->stub)));
        return rpc_fault(pdu->call_id, request->context, 0x00000005);  // access denied
    }
    if (open.rpc_interface == "srvsvc" && request->opnum == 15) {  // NetShareEnumAll
        const auto level = share_enum_level(request->stub);
        if (!level) return rpc_fault(pdu->call_id, request->context, 0x1c010003);
        const auto* user = [&]() -> const SmbUser* {
            for (const auto& [id, u] : users_)
                if (u.valid) return &u;
            return nullptr;
        }();
        s_.emit(s_.event("share_enum").add("level", *level).add("count", shares_.size()));
        // Windows refuses a null session the list; smbd gives it.
        if (user && user->anonymous && !identity_.samba)
            return rpc_fault(pdu->call_id, request->context, 0x00000005);
        std::vector<ShareInfo> infos;
        for (const auto& s : shares_) infos.push_back({s.name, s.type(), s.comment});
        return rpc_response(pdu->call_id, request->context, share_enum_response(*level, infos));
    }
    return rpc_fault(pdu->call_id, request->context, 0x1c010002);  // nca_s_op_rng_error
}

}  // namespace decnet::honeypot::smb
