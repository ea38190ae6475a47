// /proc/sys/net is resolved against the network namespace of the thread that opens it,
// so a thread that entered the decky's namespace sets that namespace's values only.
#include "engine/netns/namespace_sysctls.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "engine/netns/enter_namespace.hpp"

namespace decnet::engine::netns {
namespace {

void write_sysctl(const std::string& key, const std::string& value) {
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    const bool ok =
        fd >= 0 && write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
    const int err = errno;
    if (fd >= 0) close(fd);
    if (!ok) throw ConfigError("cannot set " + key + "=" + value + ": " + std::strerror(err));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> namespace_sysctls(const OsProfile& os) {
    auto out = os.sysctls();
    // min default max, as the kernel's own format; max leaves room for autotuning.
    const auto triple = [](int value) {
        return "4096 " + std::to_string(value) + " " + std::to_string(std::max(value, 4194304));
    };
    out.emplace_back("net.ipv4.tcp_rmem", triple(os.rmem_default));
    out.emplace_back("net.ipv4.tcp_wmem", triple(os.wmem_default));
    return out;
}

void apply_namespace_sysctls(const std::string& namespace_name, const OsProfile& os) {
    const auto values = namespace_sysctls(os);
    run_in_namespace(namespace_name, [&] {
        for (const auto& [key, value] : values) write_sysctl(key, value);
    });
}

}  // namespace decnet::engine::netns
