// Process runner for CLI integration tests.
#include "integration/cli_runner.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace decnet::testing {
namespace {

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string make_temp_dir() {
    std::string pattern = ::testing::TempDir() + "decnet-cli-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    // An instance started as root runs as `nobody` once bound (--user) and must still
    // reach the state dirs and databases tests put below this directory.
    ::chmod(pattern.c_str(), 0755);
    return pattern;
}

std::string capture(const std::string& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        while (const auto n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        pclose(pipe);
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

CliResult run_decnet(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::string& cwd) {
    const std::string dir = cwd.empty() ? make_temp_dir() : cwd;
    std::string command = "cd " + quote(dir) + " && env -u DECNET_NETWORK";
    for (const auto& e : env) command += " " + quote(e);
    command += " " + quote(DECNET_BINARY);
    for (const auto& a : args) command += " " + quote(a);
    const std::string out = dir + "/.stdout", err = dir + "/.stderr";
    command += " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
    const int status = std::system(command.c_str());
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

void expect_golden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(DECNET_GOLDEN_DIR) + "/" + name;
    if (const char* update = std::getenv("DECNET_UPDATE_GOLDEN"); update && *update == '1') {
        write_file(path, actual);
        return;
    }
    EXPECT_EQ(read_file(path), actual)
        << "golden file " << path << " differs (DECNET_UPDATE_GOLDEN=1 regenerates it)";
}

}  // namespace decnet::testing
