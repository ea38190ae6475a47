// Little-endian reading and writing as SMB and DCE/RPC lay out their structures: a Reader
// whose every read is checked (a short read yields zeros and marks it failed), and
// appenders. Header-only; used by the smb codecs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::honeypot::smb {

class ByteReader {
  public:
    explicit ByteReader(std::string_view data, std::size_t at = 0) : data_(data), at_(at) {
        if (at_ > data_.size()) failed_ = true, at_ = data_.size();
    }
    std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
    std::uint64_t u64() { return take(8); }
    std::string_view bytes(std::size_t n) {
        if (n > data_.size() - at_) {
            failed_ = true;
            at_ = data_.size();
            return {};
        }
        const auto out = data_.substr(at_, n);
        at_ += n;
        return out;
    }
    void skip(std::size_t n) { bytes(n); }
    bool ok() const { return !failed_; }
    std::size_t at() const { return at_; }
    std::size_t left() const { return data_.size() - at_; }

  private:
    std::uint64_t take(std::size_t n) {
        const auto b = bytes(n);
        std::uint64_t v = 0;
        for (std::size_t i = b.size(); i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(b[i]);
        return v;
    }
    std::string_view data_;
    std::size_t at_ = 0;
    bool failed_ = false;
};

inline void put8(std::string& out, std::uint8_t v) {
    out += static_cast<char>(v);
}
inline void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
}
inline void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void put64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void set16(std::string& out, std::size_t at, std::uint16_t v) {
    out[at] = static_cast<char>(v & 0xff);
    out[at + 1] = static_cast<char>(v >> 8);
}
inline void set32(std::string& out, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void pad_to(std::string& out, std::size_t alignment) {
    while (out.size() % alignment) out += '\0';
}

// Seconds since 1970 → FILETIME (100 ns since 1601).
inline std::uint64_t filetime(std::int64_t unix_seconds) {
    return static_cast<std::uint64_t>(unix_seconds + 11644473600LL) * 10000000ULL;
}

}  // namespace decnet::honeypot::smb
