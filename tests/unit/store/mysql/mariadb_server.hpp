// A private MariaDB server for the MySQL backend tests — never the system service: its own
// data directory (copied from a template initialised once per machine and binary), a free
// port on 127.0.0.1 and its own socket. Started on first use, stopped when the test
// program ends (SIGTERM, then SIGKILL), and killed with the test program if that dies.
// Header-only because the test glob compiles only *_test.cpp files.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/mysql/mysql_repository.hpp"

namespace decnet::store::testing_mysql {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline constexpr const char* kUser = "decnet";
inline constexpr const char* kPassword = "t3st-p@ss:w/rd%";

inline std::optional<fs::path> find_program(std::initializer_list<const char*> names) {
    std::vector<fs::path> dirs{"/usr/sbin", "/usr/bin", "/usr/libexec", "/usr/local/sbin",
                               "/usr/local/bin"};
    if (const char* path = std::getenv("PATH")) {
        std::stringstream list(path);
        for (std::string dir; std::getline(list, dir, ':');)
            if (!dir.empty()) dirs.emplace_back(dir);
    }
    for (const char* name : names)
        for (const auto& dir : dirs)
            if (::access((dir / name).c_str(), X_OK) == 0) return dir / name;
    return std::nullopt;
}

// Starts `argv` with stdout/stderr to `log`; the child dies with this process.
inline pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    if (fd >= 0) ::close(fd);
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
}

// Waits up to `limit` for `pid`; its exit status, or nullopt if still running.
inline std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return status;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(20ms);
    }
}

inline unsigned free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

inline std::string tail_of(const fs::path& file) {
    std::ifstream in(file);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

class MariadbServer {
  public:
    // The shared server, started on first call; nullptr (with `why`) when MariaDB is not
    // installed. Throws if it is installed but will not start.
    static MariadbServer* shared(std::string& why) {
        static std::unique_ptr<MariadbServer> server;
        if (!server) {
            server = start_private({}, why);
            shared_if_started() = server.get();
        }
        return server.get();
    }

    // A server of the caller's own, with extra mariadbd options; nullptr (with `why`)
    // when MariaDB is not installed.
    static std::unique_ptr<MariadbServer> start_private(std::vector<std::string> options,
                                                        std::string& why) {
        const auto mariadbd = find_program({"mariadbd", "mysqld"});
        const auto install = find_program({"mariadb-install-db", "mysql_install_db"});
        if (!mariadbd || !install) {
            why =
                "MariaDB server binaries (mariadbd, mariadb-install-db) not found; "
                "install mariadb-server (scripts/install-deps.sh)";
            return nullptr;
        }
        return std::unique_ptr<MariadbServer>(
            new MariadbServer(*mariadbd, *install, std::move(options)));
    }

    static void shutdown_shared() {
        if (auto* server = shared_if_started()) server->stop_and_remove();
    }

    MariadbServer(const MariadbServer&) = delete;
    MariadbServer& operator=(const MariadbServer&) = delete;
    ~MariadbServer() { stop_and_remove(); }

    // The `decnet` user over TCP (password authentication) on a database of its own.
    MysqlConfig config(const std::string& database) const {
        MysqlConfig c;
        c.host = "127.0.0.1";
        c.port = port_;
        c.user = kUser;
        c.password = kPassword;
        c.database = database;
        return c;
    }

    std::string fresh_database(const std::string& name) {
        root_query("DROP DATABASE IF EXISTS `" + name + "`");
        root_query("CREATE DATABASE `" + name + "`");
        return name;
    }

    // The first column of the first row (as root), "" when none.
    std::string root_query(const std::string& sql) {
        MYSQL* h = mysql_init(nullptr);
        const unsigned timeout = 5;
        mysql_options(h, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        if (!mysql_real_connect(h, nullptr, "root", nullptr, nullptr, 0, socket_.c_str(), 0)) {
            std::string error = mysql_error(h);
            mysql_close(h);
            throw std::runtime_error("root connect: " + error);
        }
        std::string value;
        if (mysql_query(h, sql.c_str()) != 0) {
            std::string error = mysql_error(h);
            mysql_close(h);
            throw std::runtime_error(sql + ": " + error);
        }
        if (MYSQL_RES* result = mysql_store_result(h)) {
            if (MYSQL_ROW row = mysql_fetch_row(result); row && row[0]) value = row[0];
            mysql_free_result(result);
        }
        mysql_close(h);
        return value;
    }

    // kill -9: no shutdown, InnoDB recovers on the next start.
    void kill_hard() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        wait_for(pid_, 10s);
        pid_ = -1;
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        if (!wait_for(pid_, 15s)) {
            ::kill(pid_, SIGKILL);
            wait_for(pid_, 5s);
        }
        pid_ = -1;
    }

    // (Re)starts on the same data directory and port; waits until it accepts connections.
    void start() {
        std::vector<std::string> argv{
            mariadbd_.string(), "--no-defaults", "--datadir=" + (dir_ / "data").string(),
            "--socket=" + socket_, "--port=" + std::to_string(port_), "--bind-address=127.0.0.1",
            "--pid-file=" + (dir_ / "mariadbd.pid").string(),
            "--log-error=" + (dir_ / "error.log").string(), "--tmpdir=" + dir_.string(),
            "--skip-name-resolve",
            // Small: ctest may run many of these side by side.
            "--innodb-buffer-pool-size=16M", "--aria-pagecache-buffer-size=8M",
            "--key-buffer-size=1M",
            // No fsync (the DDL of each test would cost ~0.4 s). Committed work still
            // reaches the OS at COMMIT: all a kill -9 of the server (not of the
            // machine) needs to find it after the restart.
            "--innodb-flush-method=nosync", "--innodb-doublewrite=0",
            "--innodb-flush-log-at-trx-commit=2"};
        argv.insert(argv.end(), options_.begin(), options_.end());
        if (::geteuid() == 0) argv.push_back("--user=root");
        pid_ = spawn(argv, dir_ / "console.log");
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        for (;;) {
            if (auto status = wait_for(pid_, 0ms)) {
                pid_ = -1;
                throw std::runtime_error("mariadbd exited during start-up:\n" +
                                         tail_of(dir_ / "error.log"));
            }
            if (accepts_root()) return;
            if (std::chrono::steady_clock::now() >= deadline) {
                kill_hard();
                throw std::runtime_error("mariadbd not ready within 30 s:\n" +
                                         tail_of(dir_ / "error.log"));
            }
            std::this_thread::sleep_for(50ms);
        }
    }

  private:
    MariadbServer(fs::path mariadbd, fs::path install, std::vector<std::string> options)
        : mariadbd_(std::move(mariadbd)), options_(std::move(options)) {
        char pattern[] = "/tmp/decnet-mariadb-XXXXXX";
        if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        socket_ = (dir_ / "sock").string();
        port_ = free_port();
        try {
            fs::copy(template_dir(install), dir_ / "data", fs::copy_options::recursive);
            start();
            root_query("CREATE USER IF NOT EXISTS '" + std::string(kUser) +
                       "'@'127.0.0.1' IDENTIFIED BY '" + kPassword + "'");
            root_query("GRANT ALL PRIVILEGES ON *.* TO '" + std::string(kUser) + "'@'127.0.0.1'");
        } catch (...) {
            stop_and_remove();
            throw;
        }
    }

    static MariadbServer*& shared_if_started() {
        static MariadbServer* instance = nullptr;
        return instance;
    }

    // mariadb-install-db takes seconds, copying its result a fraction of one: one
    // initialised data directory per machine and server binary, built under a private
    // name and renamed into place so concurrent test programs never see half of it.
    fs::path template_dir(const fs::path& install) {
        struct stat info {};
        ::stat(mariadbd_.c_str(), &info);
        const fs::path target = "/tmp/decnet-mariadb-template-" + std::to_string(::getuid()) + "-" +
                                std::to_string(info.st_mtime);
        if (fs::exists(target / "mysql")) return target;
        const fs::path building = target.string() + ".building." + std::to_string(::getpid());
        fs::remove_all(building);
        std::vector<std::string> argv{install.string(), "--no-defaults",
                                      "--datadir=" + building.string(),
                                      "--auth-root-authentication-method=normal", "--skip-test-db"};
        if (::geteuid() == 0) argv.push_back("--user=root");
        fs::create_directories(dir_);
        const pid_t pid = spawn(argv, dir_ / "install.log");
        const auto status = wait_for(pid, 120s);
        if (!status) {
            ::kill(pid, SIGKILL);
            wait_for(pid, 5s);
        }
        if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
            throw std::runtime_error("mariadb-install-db failed:\n" +
                                     tail_of(dir_ / "install.log"));
        }
        std::error_code ec;
        fs::rename(building, target, ec);  // losing the race to another process is fine
        if (ec) fs::remove_all(building);
        return target;
    }

    bool accepts_root() {
        MYSQL* h = mysql_init(nullptr);
        const unsigned timeout = 1;
        mysql_options(h, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        const bool ok = mysql_real_connect(h, nullptr, "root", nullptr, nullptr, 0, socket_.c_str(),
                                           0) != nullptr;
        mysql_close(h);
        return ok;
    }

    void stop_and_remove() {
        stop();
        if (!dir_.empty()) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
            dir_.clear();
        }
        if (shared_if_started() == this) shared_if_started() = nullptr;
    }

    fs::path mariadbd_;
    std::vector<std::string> options_;
    fs::path dir_;
    std::string socket_;
    unsigned port_ = 0;
    pid_t pid_ = -1;
};

// Stops the shared server when the test program ends (if a test started it).
class MariadbEnvironment : public ::testing::Environment {
  public:
    void TearDown() override { MariadbServer::shutdown_shared(); }
};

inline ::testing::Environment* const kMariadbEnvironment =
    ::testing::AddGlobalTestEnvironment(new MariadbEnvironment);

// Base fixture: a fresh database on the shared server per test; skips when MariaDB is
// not installed.
class MysqlServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        server_ = MariadbServer::shared(why);
        if (!server_) GTEST_SKIP() << why;
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string("t_") + info->test_suite_name() + "_" + info->name();
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        database_ = server_->fresh_database(name.substr(0, 64));
    }

    MysqlConfig config() const { return server_->config(database_); }

    MariadbServer* server_ = nullptr;
    std::string database_;
};

}  // namespace decnet::store::testing_mysql
