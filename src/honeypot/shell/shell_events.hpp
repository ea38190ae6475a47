// The events the shell emits through its session, whatever carries it: ssh and telnet
// append these to their own declarations (services/module.hpp's EventDecl).
#pragma once

#include <span>

#include "honeypot/services/module.hpp"

namespace decnet::honeypot::shell {

std::span<const EventDecl> shell_events();

}  // namespace decnet::honeypot::shell
