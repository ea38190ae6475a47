// What the API benchmarks (api_bench, tracing_overhead_bench) share to start and drive a
// `decnet api`: the server process, running a command for its output, the seeded admin's
// login, and reading `key value` result lines.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace decnet::bench {

// The password the benches seed the admin with.
inline constexpr const char* kBenchPassword = "bench-password-123";

// The directory of the source file `file` (a bench's __FILE__): the compiler may give it
// relative to the build directory, which is the bench binary's parent's parent, so it
// resolves whatever the working directory (scripts/run-benchmarks.sh runs from the root).
std::filesystem::path source_dir_of(const char* file);
// An integer from the environment, `fallback` when unset or empty.
int env_int(const char* name, int fallback);
// The command's standard output (popen); throws when it cannot be started.
std::string run_command(const std::string& command);
// POST a JSON body with curl and parse the answer.
nlohmann::json post_json(const std::string& url, const nlohmann::json& body,
                         const std::string& token = "");
// The admin's bearer token, after the first-login password change (as the reference's
// Locust on_start does).
std::string login(const std::string& base, const std::string& password);
// CPU seconds (user + system) used so far by process `pid`, all its threads.
double process_cpu_seconds(pid_t pid);
// The same for only the threads of `pid` named `thread_name`.
double threads_cpu_seconds(pid_t pid, const std::string& thread_name);
// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text);
// One wrk run of `script` (read_mix.lua, login.lua) against `base` with the bench admin's
// TOKEN/USER_NAME/PASSWORD in its environment; the script's `key value` results. Throws
// when wrk printed none.
std::map<std::string, double> run_wrk(const std::string& script, int connections, int seconds,
                                      const std::string& base, const std::string& token);
// `key value` lines (read_mix.lua's done(), Prometheus text; `#` lines skipped) → map.
std::map<std::string, double> parse_key_values(const std::string& out);

// `decnet api` on 127.0.0.1:port over `db`, output in `log`; stopped (TERM, then KILL
// after 10 s) when destroyed. BENCH_DECNET_BINARY runs another build (an A/B comparison).
class ApiServer {
  public:
    using Environment = std::vector<std::pair<std::string, std::string>>;

    // Returns once /api/v1/health answers; throws (naming the log) if it exits or takes
    // more than 20 s.
    ApiServer(const std::string& db, int port, const std::filesystem::path& log,
              const Environment& environment = {});
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    pid_t pid() const { return pid_; }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    pid_t pid_ = -1;
    int port_;
};

}  // namespace decnet::bench
