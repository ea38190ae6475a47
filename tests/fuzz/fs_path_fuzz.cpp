// libFuzzer target for the fake filesystem's path resolution and the session overlay (what
// every FTP command, telnet `cat` and TFTP filename reaches): arbitrary paths and sequences
// of writes never crash, never leave a jail, never change the shared base tree, and the
// overlay stays within its bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace {

using namespace decnet::honeypot;

void check(bool condition) {
    if (!condition) std::abort();
}

std::shared_ptr<const FakeFilesystem> base() {
    static const auto fs = [] {
        auto f = std::make_shared<FakeFilesystem>(1700000000);
        f->add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        f->add_file("/srv/ftp/config.ini", "[database]\n");
        f->add_symlink("/srv/ftp/up", "../..");
        f->add_symlink("/srv/ftp/abs", "/etc/passwd");
        f->add_symlink("/bin", "usr/bin");
        f->add_dir("/usr/bin");
        f->add_symlink("/loop/a", "b");
        f->add_symlink("/loop/b", "../loop/a");
        f->add_generated("/proc/uptime", [](std::int64_t now) { return std::to_string(now); });
        return f;
    }();
    return fs;
}

// The next NUL-terminated field of `input`, at most 300 bytes.
std::string next(std::string_view& input) {
    const auto end = input.find('\0');
    std::string field(input.substr(0, std::min<std::size_t>(end, 300)));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto shared = base();
    const auto nodes = shared->node_count();
    const FsOverlayLimits limits{4096, 32, 1024};
    FsOverlay overlay(shared, limits);
    const FsScope jail{"/srv/ftp", "/"};
    for (int step = 0; step < 64 && !input.empty(); ++step) {
        const auto op = static_cast<unsigned char>(input.front());
        input.remove_prefix(1);
        const std::string a = next(input);
        const std::string b = next(input);
        const FsScope& scope = op & 0x80 ? jail : FsScope{};
        switch (op % 8) {
            case 0: {
                // A jail's real path is canonical: resolving it again gives itself, and it
                // names the same file as the jail's root path plus it.
                const auto real = overlay.realpath(a, jail);
                if (real) {
                    check(real.value.starts_with('/'));
                    check(overlay.realpath(real.value, jail).value == real.value);
                    check(overlay.stat(real.value, jail).error ==
                          overlay.stat("/srv/ftp" + real.value).error);
                }
                break;
            }
            case 1:
                overlay.read(a, scope, 1);
                overlay.list(a, scope);
                break;
            case 2:
                overlay.write(a, b, scope, op & 0x40);
                break;
            case 3:
                overlay.mkdir(a, scope);
                break;
            case 4:
                overlay.remove(a, scope, op & 0x40);
                break;
            case 5:
                overlay.rename(a, b, scope);
                break;
            case 6:
                overlay.chmod(a, static_cast<std::uint32_t>(b.size()), scope);
                break;
            case 7:
                overlay.symlink(b, a, scope);
                break;
        }
        check(overlay.bytes_used() <= limits.max_bytes);
        check(overlay.nodes_used() <= limits.max_nodes);
    }
    // What the jail calls /etc/passwd lives under /srv/ftp, never at the tree's /etc. A
    // jail whose root is gone (a shell as root ran `rm -rf /srv`, or made /srv a file)
    // shows nothing at all: ENOENT, as a chroot into a deleted directory does, where the
    // same path from outside may say ENOTDIR.
    const auto jailed = overlay.read("/etc/passwd", jail);
    const auto under = overlay.read("/srv/ftp/etc/passwd");
    if (overlay.is_dir("/srv/ftp"))
        check(jailed.error == under.error && jailed.value == under.value);
    else
        check(jailed.error != FsError::ok && jailed.value.empty());
    check(shared->node_count() == nodes);
    check(shared->read("/etc/passwd").value == "root:x:0:0:root:/root:/bin/bash\n");
    return 0;
}
