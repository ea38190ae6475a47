// zlib@openssh.com (and plain zlib): SSH payload compression (RFC 4253 §6.2) with one zlib
// stream per direction, flushed per packet (Z_PARTIAL_FLUSH, as OpenSSH does). OpenSSH's
// @openssh.com variant starts only after user authentication succeeds. Inflation is bounded:
// a packet that would grow past the packet limit (a zip bomb) is refused.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::ssh {

class Compressor {
  public:
    Compressor();
    ~Compressor();
    Compressor(const Compressor&) = delete;
    Compressor& operator=(const Compressor&) = delete;
    std::string compress(std::string_view payload);

  private:
    struct Stream;
    std::unique_ptr<Stream> stream_;
};

class Decompressor {
  public:
    explicit Decompressor(std::size_t max_payload);
    ~Decompressor();
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;
    // nullopt: corrupt, or bigger than max_payload once inflated.
    std::optional<std::string> decompress(std::string_view data);

  private:
    struct Stream;
    std::unique_ptr<Stream> stream_;
    std::size_t max_payload_;
};

}  // namespace decnet::honeypot::ssh
