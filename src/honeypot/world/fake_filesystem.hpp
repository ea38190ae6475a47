// FakeFilesystem: a decky's file tree in memory — directories, regular files (stored or
// computed when read, as /proc/uptime is) and symlinks, each with mode, owner and mtime.
// Built once per decky, then immutable and shared by every session on every thread; a
// session's writes go to its own FsOverlay (fs_overlay.hpp). Path resolution handles `.`,
// `..` and symlinks (at most kMaxSymlinkHops), bounded in length, and can never leave the
// root, nor the jail a caller gives it (FTP sees /srv/ftp as "/", like chroot).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

enum class FsType : std::uint8_t { directory, regular, symlink };

// errno-like outcomes.
enum class FsError : std::uint8_t {
    ok,
    not_found,      // ENOENT
    not_dir,        // ENOTDIR
    is_dir,         // EISDIR
    loop,           // ELOOP: too many symlinks
    exists,         // EEXIST
    not_empty,      // ENOTEMPTY
    no_space,       // ENOSPC: the session overlay is full
    too_big,        // EFBIG: one file over the overlay's per-file limit
    invalid,        // EINVAL: bad name, path too long, rename into itself
    name_too_long,  // ENAMETOOLONG
};
// "No such file or directory", … (what coreutils print after the path).
std::string_view fs_error_text(FsError error);

constexpr int kMaxSymlinkHops = 40;           // Linux's MAXSYMLINKS
constexpr std::size_t kMaxPathLength = 4096;  // PATH_MAX
constexpr std::size_t kMaxNameLength = 255;   // NAME_MAX

// Content computed at read time (/proc/uptime at `now`); shared across threads, so it must
// be a pure function of `now` and what it captured.
using FsGenerator = std::function<std::string(std::int64_t now)>;

struct FsMeta {
    std::uint32_t mode = 0644;  // permission bits only
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::int64_t mtime = 0;  // epoch seconds
};

struct FsNode {
    FsType type = FsType::regular;
    FsMeta meta;
    std::string data;       // regular: contents; symlink: target
    FsGenerator generator;  // set: regular file computed when read (stat size 0, as /proc)
    std::uint64_t apparent_size = 0;  // a computed file's stat size (binaries), 0 as /proc
    std::map<std::string, std::shared_ptr<FsNode>, std::less<>> children;  // directory
    std::uint64_t owner = 0;  // 0: part of a shared base tree, never modified
};

struct FsStat {
    FsType type = FsType::regular;
    FsMeta meta;
    std::uint64_t size = 0;
    std::uint32_t nlink = 1;
    std::string target;  // symlinks
};

struct FsEntry {
    std::string name;
    FsStat stat;
};

// A value or why not.
template <class T>
struct FsResult {
    T value{};
    FsError error = FsError::ok;
    explicit operator bool() const { return error == FsError::ok; }
};

// Where a path is resolved: `jail` (an absolute directory of the tree) is the view's "/";
// `cwd` is in the jail's coordinates. Results (realpath) are in the jail's coordinates.
struct FsScope {
    std::string jail = "/";
    std::string cwd = "/";
};

// Read operations over a tree: the shared base (FakeFilesystem) or a session's overlay.
class FsReader {
  public:
    virtual ~FsReader() = default;

    // Canonical absolute path of `path` (symlinks followed), in the jail's coordinates.
    FsResult<std::string> realpath(std::string_view path, const FsScope& scope = {}) const;
    // lstat when `follow` is false.
    FsResult<FsStat> stat(std::string_view path, const FsScope& scope = {},
                          bool follow = true) const;
    // A regular file's contents (`now`: for computed files; 0 = the current time).
    FsResult<std::string> read(std::string_view path, const FsScope& scope = {},
                               std::int64_t now = 0) const;
    // A directory's entries sorted by name (no `.`/`..`); a file lists as itself.
    FsResult<std::vector<FsEntry>> list(std::string_view path, const FsScope& scope = {}) const;
    bool is_dir(std::string_view path, const FsScope& scope = {}) const;
    std::size_t node_count() const;

  protected:
    // The outcome of walking a path: the nodes from the true root down, and their names.
    struct Walk {
        FsError error = FsError::ok;
        std::vector<const FsNode*> nodes;  // nodes[0] is the root
        std::vector<std::string> names;    // names[i] names nodes[i + 1]
        std::size_t jail_depth = 0;        // how many names the jail took
    };
    Walk walk(std::string_view path, const FsScope& scope, bool follow_last) const;
    // The parent directory of `path` and its last component (not `.` or `..`).
    Walk walk_parent(std::string_view path, const FsScope& scope, std::string& leaf) const;
    static FsStat stat_of(const FsNode& node);

    std::shared_ptr<FsNode> root_;
};

// The base tree of a decky. The add_* calls build it (missing parents are created as
// 0755 root directories with `default_mtime`); an existing path is replaced, which is how
// operator overrides win. After the build it is shared as `const`.
class FakeFilesystem : public FsReader {
  public:
    explicit FakeFilesystem(std::int64_t default_mtime = 0);

    void add_dir(std::string_view path, FsMeta meta = {0755, 0, 0, 0});
    void add_file(std::string_view path, std::string data, FsMeta meta = {});
    void add_generated(std::string_view path, FsGenerator generator, FsMeta meta = {0444},
                       std::uint64_t apparent_size = 0);
    void add_symlink(std::string_view path, std::string target, FsMeta meta = {0777});
    // Removes a path (and what is under it); false when it was not there.
    bool remove(std::string_view path);

  private:
    friend class FsOverlay;  // starts from the root it shares (and never modifies)
    const std::shared_ptr<FsNode>& root() const { return root_; }

    FsNode& place(std::string_view path, FsType type, FsMeta meta);

    std::int64_t default_mtime_;
};

// Splits an absolute or relative path into its non-empty components.
std::vector<std::string> split_path(std::string_view path);
// "/" + components joined by "/".
std::string join_path(const std::vector<std::string>& components);

}  // namespace decnet::honeypot
