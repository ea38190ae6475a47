// Interpreter::Redirected: where one command's streams go once its redirections are open
// (interpreter internals, shared by interpreter.cpp and redirection.cpp).
#pragma once

#include <string>

#include "honeypot/shell/interpreter.hpp"

namespace decnet::honeypot::shell {

struct RedirectTarget {
    enum class Kind { parent_out, parent_err, file, null };
    Kind kind = Kind::parent_out;
    std::string path;  // file
    bool append = false;
};

struct Interpreter::Redirected {
    Io io;                 // the command's streams
    std::string out, err;  // captured for a file or /dev/null
    RedirectTarget fd1{RedirectTarget::Kind::parent_out, "", false};
    RedirectTarget fd2{RedirectTarget::Kind::parent_err, "", false};
    std::string input;  // < file, <<<, <<
    bool has_input = false;
};

}  // namespace decnet::honeypot::shell
