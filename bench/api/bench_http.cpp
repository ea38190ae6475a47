#include "bench_http.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "../support/child_process.hpp"

namespace decnet::bench {
namespace {

std::filesystem::path decnet_binary() {
    if (const char* other = std::getenv("BENCH_DECNET_BINARY"); other && *other) return other;
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return self.parent_path().parent_path() / "decnet";
}

}  // namespace

std::filesystem::path source_dir_of(const char* file) {
    const std::filesystem::path path(file);
    if (path.is_absolute()) return path.parent_path();
    const auto build = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path();
    return (build / path).lexically_normal().parent_path();
}

int env_int(const char* name, int fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::atoi(value) : fallback;
}

std::string run_command(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + command);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    return out;
}

nlohmann::json post_json(const std::string& url, const nlohmann::json& body,
                         const std::string& token) {
    std::string command = "curl -s -X POST -H 'Content-Type: application/json' ";
    if (!token.empty()) command += "-H 'Authorization: Bearer " + token + "' ";
    command += "-d '" + body.dump() + "' " + url;
    return nlohmann::json::parse(run_command(command));
}

std::string login(const std::string& base, const std::string& password) {
    const nlohmann::json credentials = {{"username", "admin"}, {"password", password}};
    auto answer = post_json(base + "/api/v1/auth/login", credentials);
    if (!answer.contains("access_token")) throw std::runtime_error("login: " + answer.dump());
    if (answer.value("must_change_password", false)) {
        post_json(base + "/api/v1/auth/change-password",
                  {{"old_password", password}, {"new_password", password}},
                  answer["access_token"].get<std::string>());
        answer = post_json(base + "/api/v1/auth/login", credentials);
    }
    return answer.at("access_token").get<std::string>();
}

namespace {

// utime + stime of a /proc/…/stat file, in seconds; 0 when it cannot be read.
double stat_cpu_seconds(const std::filesystem::path& stat_path) {
    FILE* file = std::fopen(stat_path.c_str(), "r");
    if (!file) return 0;
    char buffer[1024] = {};
    const auto n = std::fread(buffer, 1, sizeof buffer - 1, file);
    std::fclose(file);
    // Fields after the command (which may hold spaces) start after the last ')'.
    const char* rest = std::strrchr(buffer, ')');
    if (!rest || n == 0) return 0;
    unsigned long utime = 0, stime = 0;
    // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    if (std::sscanf(rest + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                    &stime) != 2)
        return 0;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double process_cpu_seconds(pid_t pid) {
    return stat_cpu_seconds("/proc/" + std::to_string(pid) + "/stat");
}

double threads_cpu_seconds(pid_t pid, const std::string& thread_name) {
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code ec;
    double seconds = 0;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        if (name == thread_name) seconds += stat_cpu_seconds(task.path() / "stat");
    }
    return seconds;
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

std::map<std::string, double> run_wrk(const std::string& script, int connections, int seconds,
                                      const std::string& base, const std::string& token) {
    const auto threads = std::min(connections, 2);
    const auto command = "TOKEN=" + token + " USER_NAME=admin PASSWORD=" + kBenchPassword +
                         " wrk -t" + std::to_string(threads) + " -c" + std::to_string(connections) +
                         " -d" + std::to_string(seconds) + "s --timeout 10s -s " + script + " " +
                         base + " 2>&1";
    const auto out = run_command(command);
    auto result = parse_key_values(out);
    if (!result.count("rps")) throw std::runtime_error("wrk printed no result:\n" + out);
    return result;
}

std::map<std::string, double> parse_key_values(const std::string& out) {
    std::map<std::string, double> result;
    for (const auto& line : lines_of(out)) {
        const auto space = line.find(' ');
        if (space == std::string::npos || space == 0 || line[0] == '#') continue;
        char* tail = nullptr;
        const double value = std::strtod(line.c_str() + space + 1, &tail);
        if (tail != line.c_str() + space + 1 && *tail == '\0')
            result[line.substr(0, space)] = value;
    }
    return result;
}

ApiServer::ApiServer(const std::string& db, int port, const std::filesystem::path& log,
                     const Environment& environment)
    : port_(port) {
    std::fflush(nullptr);  // the child must not replay our buffered output
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        if (!std::freopen(log.c_str(), "w", stdout) || !std::freopen(log.c_str(), "a", stderr))
            _exit(126);
        setenv("DECNET_ADMIN_PASSWORD", kBenchPassword, 1);
        setenv("DECNET_JWT_SECRET", "api-bench-secret-0123456789abcdefghijkl", 1);
        setenv("DECNET_DEVELOPER", "true", 1);
        for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
        const auto binary = decnet_binary().string();
        const auto port_text = std::to_string(port);
        execl(binary.c_str(), binary.c_str(), "api", "--host", "127.0.0.1", "--port",
              port_text.c_str(), "--db", db.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto url = base() + "/api/v1/health";
    for (int i = 0; i < 200; ++i) {
        if (run_command("curl -s -o /dev/null -w '%{http_code}' " + url) != "000") return;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("decnet api exited; see " + log.string());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("decnet api did not come up in 20 s; see " + log.string());
}

ApiServer::~ApiServer() {
    bench::stop(pid_, std::chrono::seconds(10));
}

}  // namespace decnet::bench
