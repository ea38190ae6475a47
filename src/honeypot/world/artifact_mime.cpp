// Magic numbers of what attackers drop: bot binaries (ELF, PE, Mach-O), droppers (shell,
// Python, Perl, PHP), archives and compressed payloads. Names follow libmagic's.
#include "honeypot/world/artifact_mime.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "core/text.hpp"
#include "events/event.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_view_literals;

struct Magic {
    std::size_t offset;
    std::string_view bytes;
    std::string_view mime;
};

constexpr std::array<Magic, 19> kMagic = {{
    {0, "\x7f\x45LF"sv, "application/x-executable"},
    {0, "MZ"sv, "application/x-dosexec"},
    {0, "\xfe\xed\xfa\xce"sv, "application/x-mach-binary"},
    {0, "\xfe\xed\xfa\xcf"sv, "application/x-mach-binary"},
    {0, "\xce\xfa\xed\xfe"sv, "application/x-mach-binary"},
    {0, "\xcf\xfa\xed\xfe"sv, "application/x-mach-binary"},
    {0, "\x1f\x8b"sv, "application/gzip"},
    {0, "PK\x03\x04"sv, "application/zip"},
    {0, "PK\x05\x06"sv, "application/zip"},
    {0, "BZh"sv, "application/x-bzip2"},
    {0, "\xfd\x37zXZ\x00"sv, "application/x-xz"},
    {0, "7z\xbc\xaf\x27\x1c"sv, "application/x-7z-compressed"},
    {0, "Rar!\x1a\x07"sv, "application/vnd.rar"},
    {0, "\x28\xb5\x2f\xfd"sv, "application/zstd"},
    {257, "ustar"sv, "application/x-tar"},
    {0, "%PDF-"sv, "application/pdf"},
    {0, "\x89PNG\r\n\x1a\n"sv, "image/png"},
    {0, "\xff\xd8\xff"sv, "image/jpeg"},
    {0, "GIF8"sv, "image/gif"},
}};

// "#!/usr/bin/env python3" → text/x-python; any other interpreter is taken for a shell.
std::string_view script_mime(std::string_view head) {
    const auto line = head.substr(0, head.find('\n'));
    if (line.find("python") != std::string_view::npos) return "text/x-python";
    if (line.find("perl") != std::string_view::npos) return "text/x-perl";
    if (line.find("php") != std::string_view::npos) return "text/x-php";
    return "text/x-shellscript";
}

// Printable ASCII, whitespace and UTF-8 lead/continuation bytes; no NUL or other controls.
bool looks_like_text(std::string_view head) {
    return std::all_of(head.begin(), head.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 ? c != 0x7f : (c == '\n' || c == '\r' || c == '\t' || c == '\f');
    });
}

}  // namespace

std::string guess_mime(std::string_view head) {
    head = head.substr(0, kMimeSniffBytes);
    if (head.empty()) return "application/x-empty";
    for (const auto& m : kMagic)
        if (head.size() >= m.offset + m.bytes.size() &&
            head.substr(m.offset, m.bytes.size()) == m.bytes)
            return std::string(m.mime);
    if (head.starts_with("#!")) return std::string(script_mime(head));
    // A session recording (shell/cast_recorder.hpp): asciinema v2's header line.
    if (head.starts_with("{\"version\": 2,")) return "application/x-asciicast";
    if (!looks_like_text(head)) return "application/octet-stream";
    const auto start = trim(head, " \t\r\n\f");
    if (istarts_with(start, "<?php")) return "text/x-php";
    if (istarts_with(start, "<!doctype html") || istarts_with(start, "<html")) return "text/html";
    return "text/plain";
}

std::string first_bytes_hex(std::string_view head) {
    const auto n = std::min(head.size(), kFirstBytes);
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(head.data()), n));
}

}  // namespace decnet::honeypot
