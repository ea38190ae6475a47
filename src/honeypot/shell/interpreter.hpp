// Interpreter: runs the parser's trees against a ShellState — expansion, redirections into
// the overlay, pipelines (stages run one after the other, each stage's stdout the next's
// stdin), and-or lists, loops, functions, `$(...)` — under a budget per line (commands run,
// wall time, nesting) so `while true`, fork bombs and `yes` end on their own. Commands come
// from the registry (command.hpp); output goes to a Terminal or into a capture.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/parser.hpp"

namespace decnet::honeypot::shell {

struct ShellState;
class Terminal;

// What one line may cost before it is cut short.
struct ShellBudget {
    std::size_t max_steps = 20000;  // simple commands and loop turns
    std::chrono::milliseconds max_time{10000};
    int max_function_depth = 64;
    int max_substitution_depth = 12;      // $(...) and sh -c inside each other
    std::size_t max_input = 1024 * 1024;  // stdin read from an exec channel
};

class Interpreter : public CommandRunner {
  public:
    Interpreter(ShellState& state, boost::asio::any_io_executor executor, ShellBudget budget = {});

    // Runs one line; stdout and stderr go to `terminal` ("\n" as "\r\n" when the state is a
    // pty). `stdin_from_terminal`: a command reading stdin gets what the terminal sends
    // until EOF (ssh exec); otherwise stdin is empty. Returns the line's status.
    boost::asio::awaitable<int> run_line(std::string_view line, Terminal& terminal,
                                         bool stdin_from_terminal);

    // Why the last line was cut short ("steps", "time"), "" when it was not.
    const std::string& limit_hit() const { return limit_hit_; }

    boost::asio::awaitable<int> run_argv(Invocation& parent,
                                         std::vector<std::string> argv) override;
    boost::asio::awaitable<int> run_script(Invocation& parent, std::string_view script,
                                           std::vector<std::string> args) override;

    // Writes to the terminal as the state says (CRLF on a pty).
    static boost::asio::awaitable<bool> write_terminal(const ShellState& state, Terminal& terminal,
                                                       std::string_view text);

  private:
    // Where a command's streams go: a capture, or the terminal (nullptr).
    struct Io {
        std::optional<std::string_view> input;  // nullopt: the terminal's stdin
        std::string* out = nullptr;
        std::string* err = nullptr;
    };
    enum class LoopControl { none, break_loop, continue_loop, return_function };

    boost::asio::awaitable<int> exec_list(const List& list, Io& io);
    boost::asio::awaitable<int> exec_and_or(const AndOr& item, Io& io);
    boost::asio::awaitable<int> exec_pipeline(const Pipeline& pipeline, Io& io);
    boost::asio::awaitable<int> exec_command(const Command& command, Io& io);
    boost::asio::awaitable<int> exec_compound(const Command& command, Io& io);
    boost::asio::awaitable<int> exec_loop(const Command& command, Io& io);
    boost::asio::awaitable<int> exec_for(const Command& command, Io& io);
    boost::asio::awaitable<int> exec_simple(const Command& command, Io& io);
    boost::asio::awaitable<int> dispatch(std::vector<std::string> argv, Io& io);
    boost::asio::awaitable<int> call_function(const Command& body, std::vector<std::string> argv,
                                              Io& io);
    boost::asio::awaitable<int> run_command(const CommandSpec& spec, std::vector<std::string> argv,
                                            Io& io);
    boost::asio::awaitable<int> exec_path(const std::string& path, std::vector<std::string> argv,
                                          Io& io);
    boost::asio::awaitable<int> run_parsed(std::string_view script, std::vector<std::string> args,
                                           Io& io, std::string_view error_prefix);
    boost::asio::awaitable<std::string_view> terminal_input();
    boost::asio::awaitable<void> put(Io& io, std::string_view out, std::string_view err);
    bool control_builtin(const std::vector<std::string>& argv, int& status);

    // Expansion (expansion.cpp): words into fields, with $VAR, $(...), ~ and globs.
    boost::asio::awaitable<std::vector<std::string>> expand_words(const std::vector<Word>& words,
                                                                  Io& io);
    boost::asio::awaitable<std::string> expand_word(const Word& word, Io& io);  // no splitting
    boost::asio::awaitable<std::string> substitute(const std::string& script, Io& io);
    boost::asio::awaitable<std::string> expand_here_doc(const std::string& body, Io& io);
    std::string parameter(const std::string& expression);
    std::string variable(const std::string& name) const;
    std::vector<std::string> glob(const std::string& pattern) const;
    std::string arithmetic(const std::string& expression) const;

    // Redirections (redirection.cpp).
    struct Redirected;
    boost::asio::awaitable<bool> open_redirects(const std::vector<Redirect>& redirects, Io& outer,
                                                Redirected& r);
    void close_redirects(Redirected& r);

    // The budget: false once this line has spent it (every loop and command checks).
    boost::asio::awaitable<bool> step();
    bool spent() const { return !limit_hit_.empty(); }
    bool within_memory();

    ShellState& state_;
    boost::asio::any_io_executor executor_;
    ShellBudget budget_;
    Terminal* terminal_ = nullptr;
    bool stdin_from_terminal_ = false;
    std::optional<std::string> terminal_input_;  // read once, then shared by every reader
    std::map<std::string, CommandPtr> functions_;
    std::vector<std::vector<std::string>> positional_;  // $0 $1 … of each call
    std::chrono::steady_clock::time_point deadline_;
    std::size_t steps_ = 0;
    int function_depth_ = 0;
    int substitution_depth_ = 0;
    int loop_depth_ = 0;
    bool recursed_ = false;  // functions nested deep: a fork bomb
    bool too_long_ = false;  // a command's words expanded past ARG_MAX
    int background_jobs_ = 0;
    LoopControl control_ = LoopControl::none;
    int control_count_ = 0;  // break 2
    std::string limit_hit_;
};

}  // namespace decnet::honeypot::shell
