#include "bench_http.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace decnet::bench {
namespace {

std::filesystem::path decnet_binary() {
    if (const char* other = std::getenv("BENCH_DECNET_BINARY"); other && *other) return other;
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return self.parent_path().parent_path() / "decnet";
}

}  // namespace

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

double threads_cpu_seconds(pid_t pid, const std::string& thread_name) {
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code ec;
    double ticks = 0;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        if (name != thread_name) continue;
        std::ifstream stat_file(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
        // Fields after "(comm)": state is field 3, utime 14 and stime 15.
        std::istringstream rest(stat.substr(stat.rfind(')') + 2));
        std::vector<std::string> fields((std::istream_iterator<std::string>(rest)), {});
        if (fields.size() > 12) ticks += std::stod(fields[11]) + std::stod(fields[12]);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::map<std::string, double> parse_key_values(const std::string& out) {
    std::map<std::string, double> result;
    std::size_t start = 0;
    while (start < out.size()) {
        auto end = out.find('\n', start);
        if (end == std::string::npos) end = out.size();
        const auto line = out.substr(start, end - start);
        start = end + 1;
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
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

}  // namespace decnet::bench
