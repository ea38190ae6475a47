// ConfigError: a start-up failure the user caused (bad flag value, bad INI, no free IP).
// The CLI prints what() as one line (with file:line when known) and exits 1.
#pragma once

#include <stdexcept>
#include <string>

namespace decnet {

class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(const std::string& message, std::string file = {}, int line = 0)
        : std::runtime_error(message), file_(std::move(file)), line_(line) {}

    const std::string& file() const { return file_; }
    int line() const { return line_; }

    // "file:line: message", "file: message" or just "message".
    std::string located() const;

  private:
    std::string file_;
    int line_;
};

}  // namespace decnet
