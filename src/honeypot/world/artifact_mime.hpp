// What a captured payload looks like from its first bytes: a MIME type guessed from magic
// numbers (ELF, PE, archives, scripts, …) and a short hex prefix for the event. Pure and
// bounded (reads at most kMimeSniffBytes), so it is fuzzed on its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace decnet::honeypot {

// The most of a payload guess_mime looks at (tar's "ustar" sits at offset 257).
inline constexpr std::size_t kMimeSniffBytes = 512;
// How many leading bytes an event shows in hex.
inline constexpr std::size_t kFirstBytes = 32;

// "application/x-executable", "application/x-dosexec", "application/gzip",
// "text/x-shellscript", "application/x-asciicast", …; "text/plain" for printable text,
// "application/x-empty" for nothing, else "application/octet-stream". `head` is the payload's first
// bytes (the whole payload when shorter than kMimeSniffBytes).
std::string guess_mime(std::string_view head);

// The first kFirstBytes of `head` in lower-case hex.
std::string first_bytes_hex(std::string_view head);

}  // namespace decnet::honeypot
