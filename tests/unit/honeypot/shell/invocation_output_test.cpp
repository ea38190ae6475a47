// Invocation's bounded output, as the commands rely on it. The interpreter (shell-core's
// interpreter.cpp) defines write_out/write_err; these weak copies of the same two lines
// let this executable link before that file exists, and yield to it once it does.
#include <gtest/gtest.h>

#include "honeypot/shell/command.hpp"

namespace decnet::honeypot::shell {

__attribute__((weak)) bool Invocation::write_out(std::string_view text) {
    if (out.size() < kMaxCommandOutput) out.append(text.substr(0, kMaxCommandOutput - out.size()));
    return out.size() < kMaxCommandOutput;
}

__attribute__((weak)) void Invocation::write_err(std::string_view text) {
    if (err.size() < kMaxCommandOutput) err.append(text.substr(0, kMaxCommandOutput - err.size()));
}

}  // namespace decnet::honeypot::shell
