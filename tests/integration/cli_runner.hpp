// Runs build/decnet as a user would, capturing exit status, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace decnet::testing {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// `env` entries are NAME=VALUE, added to the environment; cwd is a fresh temp dir unless
// given.
CliResult run_decnet(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                     const std::string& cwd = {});

// Runs a shell command (a real client) and returns its stdout.
std::string capture(const std::string& command);

// The lines of `text`, without their newlines (a last line without one is kept; inner
// empty lines too).
std::vector<std::string> lines_of(const std::string& text);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
std::string make_temp_dir();

// Compares with tests/golden/<name>; DECNET_UPDATE_GOLDEN=1 rewrites the file instead.
void expect_golden(const std::string& name, const std::string& actual);

}  // namespace decnet::testing
