// fork/exec based child process control for tests.
#include "integration/background_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "integration/cli_runner.hpp"

namespace decnet::testing {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const std::string& dir)
    : out_path_(dir + "/.bg-stdout"), err_path_(dir + "/.bg-stderr") {
    // Emptied here, not in the child: a process started again in the same directory must
    // not have its predecessor's "decnet is up" found by wait_for_output() before it has
    // even started (it raced under ASan's slower start-up).
    for (const auto& path : {out_path_, err_path_}) {
        const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) close(fd);
    }
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int out = open(out_path_.c_str(), O_WRONLY | O_CREAT, 0644);
        const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT, 0644);
        dup2(out, 1);
        dup2(err, 2);
        if (chdir(dir.c_str()) != 0) _exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
}

BackgroundProcess::~BackgroundProcess() {
    if (pid_ > 0) stop(std::chrono::seconds(2));
}

std::string BackgroundProcess::wait_for_output(const std::string& text,
                                               std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto now_out = out();
        if (now_out.find(text) != std::string::npos) return now_out;
        int status = 0;
        if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return out();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return out();
}

int BackgroundProcess::stop(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
}

std::string BackgroundProcess::out() const {
    return read_file(out_path_);
}
std::string BackgroundProcess::err() const {
    return read_file(err_path_);
}

}  // namespace decnet::testing
