// What a conpot protocol records about one request: the event type, whether it is a
// warning, and its fields (after src_ip and src_port). The pure protocol functions return
// notes; the session and datagram handlers turn them into events.
#pragma once

#include <string>

#include "events/event.hpp"

namespace decnet::honeypot::conpot {

struct Note {
    std::string type;
    bool warning = false;
    Fields fields;
};

}  // namespace decnet::honeypot::conpot
