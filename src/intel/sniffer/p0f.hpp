// p0f v3 passive OS fingerprinting of TCP SYNs (and SYN+ACKs): the signature format of
// p0f.fp (`ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass` under `label =` lines in
// [tcp:request] / [tcp:response]) and p0f's matching order: an exact specific signature,
// else an exact generic one, else a fuzzy one (quirks df/id+ gone or id-/ecn added, or the
// TTL out of range). Debian's p0f package ships the database as /etc/p0f/p0f.fp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/packet.hpp"

namespace decnet::intel::sniffer::p0f {

enum Quirk : std::uint32_t {
    kDf = 1u << 0,
    kNonZeroId = 1u << 1,
    kZeroId = 1u << 2,
    kEcn = 1u << 3,
    kMustBeZero = 1u << 4,
    kFlow = 1u << 5,
    kZeroSeq = 1u << 6,
    kNonZeroAck = 1u << 7,
    kZeroAck = 1u << 8,
    kNonZeroUrg = 1u << 9,
    kUrg = 1u << 10,
    kPush = 1u << 11,
    kZeroTsVal = 1u << 12,
    kNonZeroTsEcr = 1u << 13,
    kOptAfterEol = 1u << 14,
    kExcessiveWscale = 1u << 15,
    kBadOptions = 1u << 16,
};

// What p0f reads off one SYN (or SYN+ACK), in its own terms.
struct Observation {
    int ip_version = 4;
    int ttl = 0;
    int ip_options_length = 0;
    int mss = 0;  // 0 when absent, as p0f reads it
    int window = 0;
    int wscale = 0;
    std::string layout;  // "mss,sok,ts,nop,ws"
    std::uint32_t quirks = 0;
    bool payload = false;
    std::string signature() const;  // p0f's raw_sig text: 4:64+0:0:1460:mss*20,7:…:df,id+:0
};
Observation observe(const wire::packet::Packet& packet);
std::string quirks_text(std::uint32_t quirks);

struct Signature {
    std::string label;  // "s:unix:Linux:3.11 and newer"
    bool generic = false;
    int ip_version = -1;  // -1: any
    int ittl = 0;
    bool bad_ttl = false;
    int ip_options_length = 0;
    int mss = -1;  // -1: any
    enum class Window { any, exact, mss, mtu, modulo } window_kind = Window::any;
    int window = 0;
    int wscale = -1;  // -1: any
    std::string layout;
    std::uint32_t quirks = 0;
    int payload = -1;  // -1 any, 0 zero, 1 non-zero
};

struct Match {
    std::string label;  // "s:unix:Linux:3.11 and newer"
    std::string os;     // "Linux 3.11 and newer"
    bool generic = false, fuzzy = false;
    int distance = 0;
};

class Database {
  public:
    // Parses p0f.fp text; lines it cannot read are counted and skipped (at most kMaxSignatures).
    static Database parse(std::string_view text);
    static std::optional<Database> load(const std::string& path);

    // `syn_ack`: match against [tcp:response] instead of [tcp:request].
    std::optional<Match> match(const Observation& observation, bool syn_ack = false) const;
    std::size_t size() const { return request_.size() + response_.size(); }
    std::size_t skipped_lines() const { return skipped_; }

    static constexpr std::size_t kMaxSignatures = 4096;
    static constexpr const char* kDefaultPath = "/etc/p0f/p0f.fp";

  private:
    std::vector<Signature> request_, response_;
    std::size_t skipped_ = 0;
};

// One `sig = ` value; nullopt when malformed.
std::optional<Signature> parse_signature(std::string_view text);

}  // namespace decnet::intel::sniffer::p0f
