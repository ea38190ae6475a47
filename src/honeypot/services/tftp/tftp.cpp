// tftp: a TFTP server (services.md §2.6). The reference refused every request with
// "Access violation"; a believable device serves its files and takes uploads, so RRQ
// for a file of the decky's TFTP root (its world's /srv/tftp: a router config with
// credentials, a PXE menu) gets it in one DATA block, other names get "File not found",
// and WRQ is accepted: the upload is ACKed block by block, reported as an `upload` event
// with its size and SHA-256 (like ftp), and kept in the artifact store (`file_captured`).
// Every request is captured with its options. Replies come from port 69 (clients lock onto
// the first reply's port, RFC 1350 TID). Upload state lives per I/O thread (each UDP
// socket is served by one thread), bounded in count, size and idle time.
#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_view_literals;

constexpr std::uint16_t kRrq = 1, kWrq = 2, kData = 3, kAck = 4, kError = 5;
constexpr std::size_t kBlock = 512;
constexpr std::size_t kMaxUploadBytes = 4 * 1024 * 1024;  // then "Disk full"
constexpr std::size_t kMaxUploads = 32;                   // in progress, per I/O thread
constexpr auto kUploadIdle = std::chrono::seconds(15);    // a stalled upload is forgotten

struct Upload {
    std::string filename;
    std::uint16_t next_block = 1;
    std::size_t size = 0;
    ArtifactCapture capture{nullptr};
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
};

// Uploads in progress on this thread, by "decky|ip|port" of the sender.
std::map<std::string, Upload>& uploads() {
    thread_local std::map<std::string, Upload> in_progress;
    return in_progress;
}

std::string upload_key(const DatagramExchange& x) {
    return x.context().decky + "|" + x.peer_ip() + "|" + std::to_string(x.peer_port());
}

std::uint16_t u16(std::string_view d, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(d[at]) << 8) |
                                      static_cast<unsigned char>(d[at + 1]));
}

std::string packet(std::uint16_t opcode, std::uint16_t number, std::string_view rest) {
    std::string out;
    out += static_cast<char>(opcode >> 8);
    out += static_cast<char>(opcode & 0xff);
    out += static_cast<char>(number >> 8);
    out += static_cast<char>(number & 0xff);
    out += rest;
    return out;
}

std::string error_packet(std::uint16_t code, std::string_view message) {
    std::string text(message);
    text += '\0';
    return packet(kError, code, text);
}

// The first `max` bytes of `data` in hex (events' to_hex).

// "netascii" transfers end lines with CR LF (RFC 1350).
std::string netascii(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// RRQ: a regular file under the decky's TFTP root (a jail: `..` and links stay inside).
FsResult<std::string> tftp_file(const DatagramExchange& x, std::string_view name) {
    const auto* world = x.context().world;
    if (!world || !world->fs) return {{}, FsError::not_found};
    return world->fs->read(name, {world->paths.tftp_root, "/"});
}

// WRQ: room for one more upload (stalled ones are forgotten first), ACK block 0.
bool start_upload(DatagramExchange& x, const std::string& filename) {
    auto& all = uploads();
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(all, [&](const auto& u) { return now - u.second.last > kUploadIdle; });
    if (all.size() >= kMaxUploads) {
        x.reply(error_packet(3, "Disk full or allocation exceeded"));
        return false;
    }
    Upload& u = all[upload_key(x)];  // a repeated WRQ restarts the transfer
    u = Upload{};
    u.filename = filename;
    u.capture = ArtifactCapture(x.context().artifacts);
    x.reply(packet(kAck, 0, {}));
    return true;
}

// DATA for an upload in progress: append the next block and ACK it; the short block ends
// the transfer with an `upload` event. False when the sender has no upload.
bool continue_upload(DatagramExchange& x) {
    auto& all = uploads();
    const auto it = all.find(upload_key(x));
    if (it == all.end()) return false;
    Upload& u = it->second;
    const auto d = x.payload();
    const auto block = u16(d, 2);
    const auto data = d.substr(4);
    if (block == static_cast<std::uint16_t>(u.next_block - 1)) {
        x.reply(packet(kAck, block, {}));  // our ACK was lost: the client sent it again
        return true;
    }
    if (block != u.next_block || data.size() > kBlock) return true;  // out of order: ignore
    u.last = std::chrono::steady_clock::now();
    const bool too_big = u.size + data.size() > kMaxUploadBytes;
    if (!too_big) {
        u.capture.write(data);
        u.size += data.size();
        ++u.next_block;
    }
    if (too_big || data.size() < kBlock) {
        x.reply(too_big ? error_packet(3, "Disk full or allocation exceeded")
                        : packet(kAck, block, {}));
        const auto artifact = u.capture.finish();
        x.emit(x.event("upload", Severity::warning)
                   .add("filename", u.filename)
                   .add("size", u.size)
                   .add("sha256", artifact.sha256)
                   .add("truncated", too_big));
        auto captured = x.event("file_captured", Severity::warning);
        add_artifact_fields(captured, artifact, u.filename, artifact_filename(u.filename));
        x.emit(std::move(captured));
        all.erase(it);
        return true;
    }
    x.reply(packet(kAck, block, {}));
    return true;
}

void malformed(DatagramExchange& x, std::string_view why) {
    x.emit(x.event("parse_error", Severity::warning)
               .add("error", why)
               .add("data", hex_prefix(x.payload(), 32)));
}

void serve_tftp(DatagramExchange& x) {
    const auto d = x.payload();
    if (d.size() < 4) {
        malformed(x, "short datagram");
        return;
    }
    const auto opcode = u16(d, 0);
    if (opcode == kAck && u16(d, 2) == 1) return;  // the end of one of our transfers
    if (opcode == kData && continue_upload(x)) return;
    if (opcode != kRrq && opcode != kWrq) {
        x.emit(x.event("unknown_opcode", Severity::warning)
                   .add("opcode", opcode)
                   .add("data", hex_prefix(d, 32)));
        return;
    }
    // filename NUL mode NUL [option NUL value NUL]... (RFC 1350, RFC 2347)
    std::vector<std::string> fields;
    std::size_t at = 2;
    while (at < d.size() && fields.size() < 16) {
        const auto nul = d.find('\0', at);
        if (nul == std::string_view::npos) break;
        fields.emplace_back(d.substr(at, nul - at));
        at = nul + 1;
    }
    if (fields.size() < 2 || fields[0].empty() || at != d.size()) {
        malformed(x, "malformed request");
        return;
    }
    const std::string& filename = fields[0];
    const std::string mode = ascii_lower(fields[1]);
    std::string options;
    for (std::size_t i = 2; i + 1 < fields.size(); i += 2)
        options += (options.empty() ? "" : ",") + fields[i] + "=" + fields[i + 1];

    std::string status;
    if (mode != "octet" && mode != "netascii") {
        status = "bad_mode";
        x.reply(error_packet(4, "Illegal TFTP operation"));
    } else if (opcode == kWrq) {
        status = start_upload(x, filename) ? "accepted" : "busy";
    } else if (auto file = tftp_file(x, filename); file && file.value.size() < kBlock) {
        std::string body = std::move(file.value);
        if (mode == "netascii") body = netascii(body);
        status = "sent";
        // Options are ignored (no OACK), which RFC 2347 allows: the client falls back to
        // 512-byte blocks. Only one-block files are served: later blocks would answer a
        // 4-byte ACK with 516 bytes, past the listener's amplification bound.
        x.reply(packet(kData, 1, body));
    } else if (file) {
        status = "too_large";
        x.reply(error_packet(2, "Access violation"));
    } else {
        status = "not_found";
        x.reply(error_packet(1, "File not found"));
    }
    auto event = x.event("request")
                     .add("op", opcode == kRrq ? "RRQ" : "WRQ")
                     .add("filename", filename)
                     .add("mode", mode)
                     .add("status", status);
    if (!options.empty()) event.add("options", options);
    x.emit(std::move(event));
}

constexpr EventDecl kEvents[] = {
    {"request", "src_ip src_port op filename mode status options?",
     "a read (RRQ) or write (WRQ) request and how it was answered"},
    {"upload", "src_ip src_port filename size sha256 truncated", "a finished WRQ upload"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "a WRQ upload's bytes, kept in the artifact store"},
    {"unknown_opcode", "src_ip src_port opcode data", "a datagram with an opcode TFTP lacks"},
    {"parse_error", "src_ip src_port error data", "a malformed request"},
};

}  // namespace

const ServiceModule& tftp_module() {
    static const ServiceModule module{.slug = "tftp", .datagram = &serve_tftp, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
