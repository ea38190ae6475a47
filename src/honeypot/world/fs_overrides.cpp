// Operator files over the generated tree (see fs_overrides.hpp).
#include "honeypot/world/fs_overrides.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/persona_users.hpp"

namespace decnet::honeypot {
namespace {

namespace stdfs = std::filesystem;

std::int64_t epoch_seconds(stdfs::file_time_type t) {
    const auto system = std::chrono::file_clock::to_sys(t);
    return std::chrono::duration_cast<std::chrono::seconds>(system.time_since_epoch()).count();
}

// Who owns a file at `path` of the tree: the account whose home it is under, else root.
FsMeta owner_of(const std::string& path, const PersonaAccounts& accounts) {
    if (path.starts_with("/home/")) {
        const auto end = path.find('/', 6);
        if (const auto* user = accounts.find(path.substr(6, end - 6)))
            return {0644, user->uid, user->gid, 0};
    }
    return {0644, 0, 0, 0};
}

}  // namespace

FsOverrideReport apply_fs_overrides(FakeFilesystem& fs, const std::string& dir,
                                    const PersonaAccounts& accounts,
                                    const FsOverrideLimits& limits) {
    FsOverrideReport report;
    std::error_code ec;
    stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::none, ec);
    if (ec) throw ConfigError("fs_dir '" + dir + "': " + ec.message());
    std::size_t total = 0;
    for (const stdfs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        const auto& entry = *it;
        const auto status = entry.symlink_status(ec);
        if (ec || stdfs::is_symlink(status)) {
            ++report.skipped;  // never followed: a link may point anywhere on the host
            continue;
        }
        if (stdfs::is_directory(status)) {
            if (it.depth() >= limits.max_depth) it.disable_recursion_pending();
            continue;
        }
        const auto size = stdfs::is_regular_file(status) ? entry.file_size(ec) : 0;
        if (!stdfs::is_regular_file(status) || ec || size > limits.max_file_size ||
            total + size > limits.max_total || report.added >= limits.max_files) {
            ++report.skipped;
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::string body(static_cast<std::size_t>(size), '\0');
        if (!in.read(body.data(), static_cast<std::streamsize>(body.size()))) {
            ++report.skipped;
            continue;
        }
        const std::string path = "/" + entry.path().lexically_relative(dir).generic_string();
        FsMeta meta = owner_of(path, accounts);
        const auto perms = static_cast<std::uint32_t>(status.permissions());
        meta.mode = (perms & 0100) ? 0755 : (perms & 0077) == 0 ? 0600 : 0644;
        meta.mtime = epoch_seconds(entry.last_write_time(ec));
        if (ec) meta.mtime = 0;
        fs.add_file(path, std::move(body), meta);
        total += size;
        ++report.added;
    }
    return report;
}

}  // namespace decnet::honeypot
