// Operator overrides: the regular files under a host directory (a decky's INI `fs_dir=`)
// are added to its fake filesystem at the same paths, replacing what the builders made —
// <dir>/etc/motd becomes /etc/motd, <dir>/srv/ftp/report.pdf appears over FTP. Bounded in
// count, size and depth; symlinks are never followed (nothing outside the directory is
// read) and other file types are skipped.
#pragma once

#include <cstdint>
#include <string>

namespace decnet::honeypot {

class FakeFilesystem;
struct PersonaAccounts;

struct FsOverrideLimits {
    std::size_t max_files = 256;
    std::size_t max_file_size = 1024 * 1024;
    std::size_t max_total = 8 * 1024 * 1024;
    int max_depth = 16;
};

struct FsOverrideReport {
    std::size_t added = 0;
    std::size_t skipped = 0;  // symlinks, special files, over a bound, unreadable
};

// Throws ConfigError when `dir` cannot be read. Files under /home/<user>/ and /root belong
// to that account (looked up in `accounts`), others to root; modes keep the owner's bits.
FsOverrideReport apply_fs_overrides(FakeFilesystem& fs, const std::string& dir,
                                    const PersonaAccounts& accounts,
                                    const FsOverrideLimits& limits = {});

}  // namespace decnet::honeypot
