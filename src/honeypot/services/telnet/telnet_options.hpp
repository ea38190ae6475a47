// TelnetOptions: the server side of telnet's option layer (RFC 854/855, 857 ECHO, 858 SGA,
// 1073 NAWS), byte by byte: IAC commands and subnegotiations are consumed, data bytes come
// out, options the server did not offer are refused (never a negotiation loop), and the
// window size a client reports through NAWS is kept. Bounded: a subnegotiation keeps at
// most kMaxSubnegotiation bytes however long it runs. No I/O (a fuzz target drives it).
#pragma once

#include <cstddef>
#include <string>

namespace decnet::honeypot {

constexpr std::size_t kMaxSubnegotiation = 64;

class TelnetOptions {
  public:
    // One byte of the client's stream. True when it is data (the caller edits it); false
    // when the option layer consumed it, having appended any answer to `reply`.
    bool feed(unsigned char c, std::string& reply);

    // The client's window (NAWS), once it said; sizes beyond 1000 are ignored.
    int cols = 80, rows = 24;

  private:
    enum class State { data, iac, option, sb, sb_iac };
    void answer_option(unsigned char option, std::string& reply) const;
    void window_size();

    State state_ = State::data;
    unsigned char verb_ = 0;
    std::string sb_;  // the current subnegotiation (≤ kMaxSubnegotiation)
};

}  // namespace decnet::honeypot
