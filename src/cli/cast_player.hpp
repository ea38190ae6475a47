// What `decnet replay` plays: an asciinema v2 cast parsed line by line (bounded), and the
// filter its output goes through before it reaches the operator's terminal. Pure (no I/O),
// so it is fuzzed on its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::cli {

struct CastHeader {
    int width = 80, height = 24;
    long long timestamp = 0;
    std::optional<double> idle_time_limit;  // asciinema's own cap on pauses
    std::string title;
};

struct CastEvent {
    double time = 0.0;
    std::string type;  // o, i, r, m
    std::string data;
};

// The header line; nullopt when it is not an asciinema v2 header.
std::optional<CastHeader> parse_cast_header(std::string_view line);
// One event line; nullopt when it is not [time, "type", "data"].
std::optional<CastEvent> parse_cast_event(std::string_view line);

// Strips what would let a recorded session act on the operator's terminal rather than be
// shown in it. The cast is the attacker's output: everything a terminal displays (text,
// colours, cursor movement, clearing) stays, but
//  - OSC (ESC ], C1 0x9d) retitles the window, sets the clipboard (OSC 52), defines
//    hyperlinks and palettes; DCS (ESC P), APC, PM and SOS reprogram terminals (DECUDK,
//    tmux/screen passthrough, kitty graphics) — these string sequences are dropped whole;
//  - CSI sequences that make the terminal *answer* (device status, device attributes,
//    window reports and resizes: final byte n, c, t) are dropped, since the answer would
//    be typed into the operator's shell once replay exits.
// Stateful: a sequence may span two events.
class TerminalFilter {
  public:
    std::string filter(std::string_view data);

  private:
    enum class State { text, escape, csi, string, string_escape };
    State state_ = State::text;
    std::string csi_;   // the CSI sequence being collected (bounded)
    std::string held_;  // a UTF-8 lead byte that ended the previous chunk
};

}  // namespace decnet::cli
