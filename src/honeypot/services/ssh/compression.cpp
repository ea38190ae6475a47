#include "honeypot/services/ssh/compression.hpp"

#include <zlib.h>

namespace decnet::honeypot::ssh {

struct Compressor::Stream {
    z_stream z{};
    Stream() { deflateInit(&z, Z_DEFAULT_COMPRESSION); }
    ~Stream() { deflateEnd(&z); }
};

struct Decompressor::Stream {
    z_stream z{};
    Stream() { inflateInit(&z); }
    ~Stream() { inflateEnd(&z); }
};

Compressor::Compressor() : stream_(std::make_unique<Stream>()) {}
Compressor::~Compressor() = default;

std::string Compressor::compress(std::string_view payload) {
    auto& z = stream_->z;
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(payload.data()));
    z.avail_in = static_cast<uInt>(payload.size());
    do {
        char buffer[4096];
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        if (deflate(&z, Z_PARTIAL_FLUSH) == Z_STREAM_ERROR) break;
        out.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
    return out;
}

Decompressor::Decompressor(std::size_t max_payload)
    : stream_(std::make_unique<Stream>()), max_payload_(max_payload) {}
Decompressor::~Decompressor() = default;

std::optional<std::string> Decompressor::decompress(std::string_view data) {
    auto& z = stream_->z;
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    for (;;) {
        char buffer[4096];
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        const int status = inflate(&z, Z_PARTIAL_FLUSH);
        if (status != Z_OK && status != Z_BUF_ERROR) return std::nullopt;
        out.append(buffer, sizeof buffer - z.avail_out);
        if (out.size() > max_payload_) return std::nullopt;
        if (z.avail_out != 0) break;  // all input consumed and flushed
    }
    return out;
}

}  // namespace decnet::honeypot::ssh
