// which: where PATH finds each name — the registry's path of a command this decky has, or
// a file in the overlay's PATH directories; builtins and missing names print nothing and
// fail (Debian's which), or "no x in (PATH)" on Red Hat's.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> which(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "as");
    auto& state = inv.state;
    const std::string path_var = state.env.count("PATH") ? state.env["PATH"] : "";
    const bool redhat = distro_files(state.world.distro).family == DistroFamily::rhel;
    int status = args.operands.empty() ? 1 : 0;
    for (const auto& name : args.operands) {
        std::string found;
        if (name.find('/') != std::string::npos) {
            const auto st = state.fs.stat(name, state.scope());
            if (st && st.value.type == FsType::regular && (st.value.meta.mode & 0111)) found = name;
        } else if (const auto* spec = find_command(name);
                   spec && !spec->path.empty() && available(state, name)) {
            found = std::string(spec->path);
        } else {
            for (const auto dir : kShellPath) {
                const std::string candidate = std::string(dir) + "/" + name;
                const auto st = state.fs.stat(candidate, state.scope());
                if (st && st.value.type == FsType::regular) {
                    found = candidate;
                    break;
                }
            }
        }
        if (!found.empty()) {
            inv.write_out(found + "\n");
        } else {
            status = 1;
            if (redhat) inv.write_err("/usr/bin/which: no " + name + " in (" + path_var + ")\n");
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
