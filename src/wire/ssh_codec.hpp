// The SSH data types of RFC 4251 §5 (byte, boolean, uint32, uint64, string, mpint,
// name-list) as the transport, the sniffer and the prober read and write them. No Boost, no
// I/O. The reader is bounded by the bytes it was given: every read checks what is left and
// the first failure sticks (ok() turns false, later reads return empty values), so a
// message parser reads its fields straight through and checks once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::ssh {

// Message numbers (RFC 4250 §4.1, RFC 4253/4252/4254, RFC 4419, RFC 8308).
enum Msg : std::uint8_t {
    kDisconnect = 1,
    kIgnore = 2,
    kUnimplemented = 3,
    kDebug = 4,
    kServiceRequest = 5,
    kServiceAccept = 6,
    kExtInfo = 7,
    kKexInit = 20,
    kNewKeys = 21,
    kKexDhInit = 30,   // also ECDH/KEM INIT, and GEX REQUEST_OLD
    kKexDhReply = 31,  // also ECDH/KEM REPLY, and GEX GROUP
    kKexGexInit = 32,
    kKexGexReply = 33,
    kKexGexRequest = 34,
    kUserauthRequest = 50,
    kUserauthFailure = 51,
    kUserauthSuccess = 52,
    kUserauthBanner = 53,
    kUserauthPkOk = 60,  // also INFO_REQUEST (keyboard-interactive)
    kUserauthInfoResponse = 61,
    kGlobalRequest = 80,
    kRequestSuccess = 81,
    kRequestFailure = 82,
    kChannelOpen = 90,
    kChannelOpenConfirmation = 91,
    kChannelOpenFailure = 92,
    kChannelWindowAdjust = 93,
    kChannelData = 94,
    kChannelExtendedData = 95,
    kChannelEof = 96,
    kChannelClose = 97,
    kChannelRequest = 98,
    kChannelSuccess = 99,
    kChannelFailure = 100,
};

// Largest string or name-list a reader accepts (a packet is at most 256 KiB anyway).
constexpr std::size_t kMaxString = 256 * 1024;

class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}

    std::uint8_t byte();
    bool boolean();
    std::uint32_t u32();
    std::uint64_t u64();
    std::string_view string();  // a view into the data
    // An mpint's magnitude bytes without leading zeros (negative numbers fail).
    std::string_view mpint();
    std::vector<std::string> name_list();  // at most kMaxNames names
    std::string_view bytes(std::size_t n);
    std::string_view rest();  // everything left

    bool ok() const { return ok_; }
    bool at_end() const { return pos_ == data_.size(); }
    std::size_t remaining() const { return data_.size() - pos_; }

  private:
    bool need(std::size_t n);
    std::string_view data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

constexpr std::size_t kMaxNames = 128;

class Writer {
  public:
    Writer() = default;
    explicit Writer(std::uint8_t message) { byte(message); }

    Writer& byte(std::uint8_t value);
    Writer& boolean(bool value);
    Writer& u32(std::uint32_t value);
    Writer& u64(std::uint64_t value);
    Writer& string(std::string_view value);
    // An unsigned big-endian magnitude as an mpint (leading zeros dropped, a 0x00 added
    // when the top bit is set).
    Writer& mpint(std::string_view magnitude);
    Writer& name_list(const std::vector<std::string>& names);
    Writer& raw(std::string_view bytes);

    const std::string& data() const { return data_; }
    std::string take() { return std::move(data_); }

  private:
    std::string data_;
};

std::string join_names(const std::vector<std::string>& names);  // "a,b,c"
std::vector<std::string> split_names(std::string_view list);

}  // namespace decnet::wire::ssh
