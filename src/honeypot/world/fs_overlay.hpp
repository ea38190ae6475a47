// FsOverlay: one session's writable view of its decky's filesystem. Reads see the session's
// own changes first, then the shared base tree; writes (write, append, mkdir, remove,
// rename, chmod, symlink) copy the nodes on their path (copy-on-write, never touching the
// base, which other sessions and threads read) and are bounded like a small disk: total
// bytes held, nodes held, and one file's size. A refused write is an error value (ENOSPC,
// EFBIG) and is counted. Not thread-safe: one session, one strand. Nothing here touches the
// host's filesystem.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {

struct FsOverlayLimits {
    std::size_t max_bytes = 8 * 1024 * 1024;      // contents held by the overlay
    std::size_t max_nodes = 512;                  // nodes created or copied up
    std::size_t max_file_size = 8 * 1024 * 1024;  // one file (an XMRig build is ~5 MiB)
};

class FsOverlay : public FsReader {
  public:
    explicit FsOverlay(std::shared_ptr<const FakeFilesystem> base, FsOverlayLimits limits = {});

    // Creates or replaces (append: extends) a regular file; follows a symlink at `path`.
    FsError write(std::string_view path, std::string_view data, const FsScope& scope = {},
                  bool append = false);
    FsError mkdir(std::string_view path, const FsScope& scope = {}, std::uint32_t mode = 0755);
    // A file or symlink; a directory only when empty or `recursive`.
    FsError remove(std::string_view path, const FsScope& scope = {}, bool recursive = false);
    FsError rename(std::string_view from, std::string_view to, const FsScope& scope = {});
    FsError chmod(std::string_view path, std::uint32_t mode, const FsScope& scope = {});
    FsError symlink(std::string_view target, std::string_view path, const FsScope& scope = {});

    // Owner and mtime of what this session creates (the logged-in user, "now").
    void set_creator(std::uint32_t uid, std::uint32_t gid) {
        uid_ = uid;
        gid_ = gid;
    }

    std::size_t bytes_used() const { return bytes_; }
    std::size_t nodes_used() const { return nodes_; }
    std::uint64_t refusals() const { return refusals_; }  // writes refused for space or size

  private:
    // The node at `names` (real path from the root), copied up where still shared.
    FsNode* own(const std::vector<std::string>& names);
    std::shared_ptr<FsNode> copy_up(const FsNode& node);
    void release(const FsNode& node);  // a subtree leaves the overlay: give back its space
    FsError refuse(FsError error);
    FsError add_new(std::string_view path, const FsScope& scope, std::shared_ptr<FsNode> node);
    std::int64_t now() const;

    std::shared_ptr<const FakeFilesystem> base_;  // keeps the shared nodes alive
    FsOverlayLimits limits_;
    std::uint64_t id_;
    std::uint32_t uid_ = 0, gid_ = 0;
    std::size_t bytes_ = 0, nodes_ = 0;
    std::uint64_t refusals_ = 0;
};

}  // namespace decnet::honeypot
