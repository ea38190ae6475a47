// How listings show the fake filesystem: `ls -l` mode strings and dates, shared by FTP's
// LIST (vsftpd's layout) and the shell's ls, so both show the same file the same way.
#pragma once

#include <cstdint>
#include <string>

#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {

// "drwxr-xr-x", "-rw-------", "lrwxrwxrwx", "drwxrwxrwt" (setuid/setgid/sticky shown).
std::string mode_string(const FsStat& stat);
// ls's date column: "Nov 18 09:12" within six months of `now`, else "Mar  2  2024";
// `zero_pad_day` gives vsftpd's "Mar 02".
std::string listing_date(std::int64_t mtime, std::int64_t now, bool zero_pad_day = false);
// FTP MDTM's YYYYMMDDHHMMSS (UTC).
std::string mdtm_stamp(std::int64_t mtime);

}  // namespace decnet::honeypot
