// /proc as the decky's HostProfile describes it: version, cpuinfo, meminfo, and the files
// computed at read time because they change (uptime, loadavg). Also what `uname`, `free`
// and `nproc` will print, so every view of the machine agrees.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::honeypot {

class FakeFilesystem;
struct HostProfile;

std::string proc_cpuinfo(const HostProfile& host);
std::string proc_meminfo(const HostProfile& host, std::int64_t now);
std::string proc_uptime(const HostProfile& host, std::int64_t now);
std::string proc_loadavg(const HostProfile& host, std::int64_t now);

// Adds /proc (and /proc/sys/kernel's names) to `fs`.
void add_proc_files(FakeFilesystem& fs, const HostProfile& host, std::string_view hostname);

}  // namespace decnet::honeypot
