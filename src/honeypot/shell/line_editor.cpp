// The shell's line editor (see line_editor.hpp). Echo is produced per chunk of input, so a
// pasted line is answered with one write.
#include "honeypot/shell/line_editor.hpp"

#include "honeypot/shell/terminal.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

using boost::asio::awaitable;

namespace {

constexpr std::size_t kMaxEscape = 16;  // parameter bytes of one escape sequence

std::string cursor_left(std::size_t n) {
    return std::string(n, '\b');
}

}  // namespace

LineEditor::LineEditor(Terminal& terminal, const std::vector<std::string>& history, bool echo,
                       std::size_t max_line)
    : terminal_(terminal), history_(history), echo_(echo), max_line_(max_line) {}

awaitable<LineEditor::Result> LineEditor::read_line(std::string_view prompt) {
    prompt_ = std::string(prompt);
    line_.clear();
    cursor_ = 0;
    history_at_ = history_.size();
    typed_.clear();
    Result result;
    for (;;) {
        std::string echo;
        std::size_t used = 0;
        bool done = false;
        while (used < pending_.size() && !done)
            done = key(static_cast<unsigned char>(pending_[used++]), echo, result);
        pending_.erase(0, used);
        bool sent = true;
        if (echo_ && !echo.empty()) sent = co_await terminal_.write(echo);
        if (!sent) co_return Result{Outcome::gone, {}};
        if (done) co_return result;
        auto chunk = co_await terminal_.read();
        if (!chunk) {
            // End of input: a last unterminated line still runs (bash does, on a pipe).
            if (!echo_ && !line_.empty()) co_return Result{Outcome::line, std::move(line_)};
            co_return Result{echo_ ? Outcome::gone : Outcome::end_of_input, {}};
        }
        pending_ = std::move(*chunk);
    }
}

bool LineEditor::key(unsigned char c, std::string& echo, Result& result) {
    const unsigned char last = last_;
    last_ = c;
    if (!echo_) {
        // No terminal: lines as they come (a script piped into ssh).
        if (c == '\n') {
            if (!line_.empty() && line_.back() == '\r') line_.pop_back();
            result = {Outcome::line, std::move(line_)};
            line_.clear();
            return true;
        }
        if (line_.size() < max_line_) line_ += static_cast<char>(c);
        return false;
    }
    if (escape_ != Escape::none) {
        if (escape_ == Escape::escape) {
            escape_ = c == '[' ? Escape::csi : c == 'O' ? Escape::ss3 : Escape::none;
            csi_params_.clear();
        } else if (escape_ == Escape::ss3) {
            csi_final(static_cast<char>(c), echo);
            escape_ = Escape::none;
        } else if (c >= 0x40 && c <= 0x7e) {
            csi_final(static_cast<char>(c), echo);
            escape_ = Escape::none;
        } else if (csi_params_.size() < kMaxEscape) {
            csi_params_ += static_cast<char>(c);
        } else {
            escape_ = Escape::none;  // an endless sequence: give up on it
        }
        return false;
    }
    switch (c) {
        case '\r':
        case '\n':
            if (c == '\n' && last == '\r') return false;  // CR LF is one Enter
            echo += "\r\n";
            result = {Outcome::line, std::move(line_)};
            line_.clear();
            return true;
        case 0:
            return false;  // CR NUL (telnet)
        case 0x03:         // ^C
            echo += "^C\r\n";
            result = {Outcome::interrupted, {}};
            line_.clear();
            return true;
        case 0x04:  // ^D: logout on an empty line, else delete under the cursor
            if (line_.empty()) {
                result = {Outcome::end_of_input, {}};
                return true;
            }
            if (cursor_ < line_.size()) {
                line_.erase(cursor_, 1);
                echo += line_.substr(cursor_) + " " + cursor_left(line_.size() - cursor_ + 1);
            }
            return false;
        case 0x7f:
        case 0x08:
            backspace(echo);
            return false;
        case 0x15:  // ^U: kill to the start of the line
            if (cursor_ > 0) {
                const std::string rest = line_.substr(cursor_);
                echo += cursor_left(cursor_) + rest + "\x1b[K" + cursor_left(rest.size());
                line_ = rest;
                cursor_ = 0;
            }
            return false;
        case 0x01:  // ^A
            echo += cursor_left(cursor_);
            cursor_ = 0;
            return false;
        case 0x05:  // ^E
            echo += line_.substr(cursor_);
            cursor_ = line_.size();
            return false;
        case 0x0c:  // ^L: clear the screen, redraw prompt and line
            echo += "\x1b[H\x1b[2J" + prompt_ + line_ + cursor_left(line_.size() - cursor_);
            return false;
        case 0x1b:
            escape_ = Escape::escape;
            return false;
        case '\t':
            echo += '\a';  // no completion: the bell, as bash with no match
            return false;
        default:
            if (c < 0x20) return false;  // other controls: nothing
            insert(static_cast<char>(c), echo);
            return false;
    }
}

void LineEditor::insert(char c, std::string& echo) {
    if (line_.size() >= max_line_) {
        echo += '\a';
        return;
    }
    line_.insert(cursor_, 1, c);
    ++cursor_;
    const std::string rest = line_.substr(cursor_);
    echo += c;
    echo += rest + cursor_left(rest.size());
}

void LineEditor::backspace(std::string& echo) {
    if (cursor_ == 0) return;
    line_.erase(--cursor_, 1);
    const std::string rest = line_.substr(cursor_);
    echo += "\b" + rest + " " + cursor_left(rest.size() + 1);
}

void LineEditor::replace_line(const std::string& text, std::string& echo) {
    echo += cursor_left(cursor_) + "\x1b[K" + text;
    line_ = text.substr(0, max_line_);
    cursor_ = line_.size();
}

void LineEditor::csi_final(char final, std::string& echo) {
    switch (final) {
        case 'A':  // up: an older history line
            if (history_at_ == 0) return;
            if (history_at_ == history_.size()) typed_ = line_;
            replace_line(history_[--history_at_], echo);
            return;
        case 'B':  // down: a newer one, then what was being typed
            if (history_at_ >= history_.size()) return;
            ++history_at_;
            replace_line(history_at_ == history_.size() ? typed_ : history_[history_at_], echo);
            return;
        case 'C':
            if (cursor_ < line_.size()) echo += line_[cursor_++];
            return;
        case 'D':
            if (cursor_ > 0) {
                echo += '\b';
                --cursor_;
            }
            return;
        case 'H':
            echo += cursor_left(cursor_);
            cursor_ = 0;
            return;
        case 'F':
            echo += line_.substr(cursor_);
            cursor_ = line_.size();
            return;
        case '~':
            if (csi_params_ == "3" && cursor_ < line_.size()) {  // Delete
                line_.erase(cursor_, 1);
                echo += line_.substr(cursor_) + " " + cursor_left(line_.size() - cursor_ + 1);
            }
            return;
        default:
            return;  // anything else is swallowed
    }
}

}  // namespace decnet::honeypot::shell
