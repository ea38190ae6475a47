// LineEditor: readline as an attacker's terminal sees it — echo, backspace, ^C, ^D, ^U,
// ^A/^E, ^L, arrows (left/right move, up/down walk the history), other escape sequences
// swallowed — over a Terminal's raw bytes. Without a pty nothing is echoed and lines are
// just split. The line is bounded; bytes typed ahead are kept for the next line.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::shell {

class Terminal;

class LineEditor {
  public:
    enum class Outcome { line, interrupted, end_of_input, gone };
    struct Result {
        Outcome outcome = Outcome::gone;
        std::string text;
    };

    // `history` is the shell's (up/down walk it); `echo`: a pty (echo and editing).
    LineEditor(Terminal& terminal, const std::vector<std::string>& history, bool echo,
               std::size_t max_line = 1024 * 1024);

    // The next line; `prompt` is what is on the screen before it (redrawn by ^L).
    boost::asio::awaitable<Result> read_line(std::string_view prompt);

  private:
    enum class Escape { none, escape, csi, ss3 };
    // Applies one byte; true when the line is complete (or interrupted/ended).
    bool key(unsigned char c, std::string& echo, Result& result);
    void insert(char c, std::string& echo);
    void backspace(std::string& echo);
    void replace_line(const std::string& text, std::string& echo);
    void csi_final(char final, std::string& echo);

    Terminal& terminal_;
    const std::vector<std::string>& history_;
    bool echo_;
    std::size_t max_line_;
    std::string pending_;  // raw bytes received but not yet edited
    std::string line_;
    std::size_t cursor_ = 0;
    std::size_t history_at_ = 0;  // == history size: the line being typed
    std::string typed_;           // the line being typed while walking the history
    std::string prompt_;
    Escape escape_ = Escape::none;
    std::string csi_params_;
    unsigned char last_ = 0;
};

}  // namespace decnet::honeypot::shell
