#include "honeypot/services/telnet/telnet_options.hpp"

namespace decnet::honeypot {
namespace {

// Telnet command and option bytes (RFC 854/857/858/1073).
constexpr unsigned char kIac = 255, kDont = 254, kDo = 253, kWont = 252, kWill = 251, kSb = 250,
                        kSe = 240;
constexpr unsigned char kOptEcho = 1, kOptSga = 3, kOptTtype = 24, kOptTspeed = 32,
                        kOptXdisploc = 35, kOptEnviron = 39, kOptNaws = 31;

}  // namespace

bool TelnetOptions::feed(unsigned char c, std::string& reply) {
    switch (state_) {
        case State::data:
            if (c != kIac) return true;
            state_ = State::iac;
            return false;
        case State::iac:
            if (c == kIac) {  // escaped 0xFF data byte
                state_ = State::data;
                return true;
            }
            if (c == kDo || c == kDont || c == kWill || c == kWont) {
                verb_ = c;
                state_ = State::option;
            } else if (c == kSb) {
                sb_.clear();
                state_ = State::sb;
            } else {
                state_ = State::data;  // NOP, AYT, GA, …: nothing to do
            }
            return false;
        case State::option:
            answer_option(c, reply);
            state_ = State::data;
            return false;
        case State::sb:
            // NAWS and friends: kept up to the cap; past it we only look for IAC SE.
            if (c == kIac)
                state_ = State::sb_iac;
            else if (sb_.size() < kMaxSubnegotiation)
                sb_ += static_cast<char>(c);
            return false;
        case State::sb_iac:
            if (c == kSe) {
                window_size();
                state_ = State::data;
                return false;
            }
            // IAC IAC inside a subnegotiation is a 255 byte (a 255-column window).
            if (c == kIac && sb_.size() < kMaxSubnegotiation) sb_ += static_cast<char>(c);
            state_ = State::sb;
            return false;
    }
    return false;
}

// Refuse what we did not offer; agreements to our own offers need no answer, and
// answering only unsolicited requests cannot start a negotiation loop.
void TelnetOptions::answer_option(unsigned char option, std::string& reply) const {
    const bool ours = option == kOptEcho || option == kOptSga;
    const bool asked = option == kOptNaws || option == kOptTtype || option == kOptTspeed ||
                       option == kOptXdisploc || option == kOptEnviron;
    if (verb_ == kDo && !ours) reply += {char(kIac), char(kWont), char(option)};
    if (verb_ == kWill && !asked) reply += {char(kIac), char(kDont), char(option)};
}

// NAWS: IAC SB 31 <width16> <height16> IAC SE (RFC 1073); nonsense sizes are ignored.
void TelnetOptions::window_size() {
    if (sb_.size() != 5 || static_cast<unsigned char>(sb_[0]) != kOptNaws) return;
    const auto byte = [this](std::size_t i) { return static_cast<unsigned char>(sb_[i]); };
    const int width = byte(1) << 8 | byte(2), height = byte(3) << 8 | byte(4);
    if (width > 0 && width <= 1000) cols = width;
    if (height > 0 && height <= 1000) rows = height;
}

}  // namespace decnet::honeypot
