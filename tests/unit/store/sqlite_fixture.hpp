// Shared helpers for the SQLite repository tests: a fresh database file per test in a
// private temporary directory, and log rows that look like the ingester's.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_repository.hpp"

namespace decnet::store::sqlite_test {

// A directory removed with everything in it when the test ends.
class TempDir {
  public:
    TempDir() {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(test->test_suite_name()) + "-" + test->name();
        for (char& c : name)
            if (c == '/') c = '_';  // parameterised tests
        path_ = std::filesystem::temp_directory_path() /
                ("decnet-store-" + std::to_string(::getpid()) + "-" + name);
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// Deterministic tests fill the free-text index explicitly (index_pending_search).
inline SqliteOptions manual_indexing() {
    SqliteOptions options;
    options.background_indexing = false;
    return options;
}

inline LogRecord log_row(std::string timestamp, std::string decky, std::string service,
                         std::string event_type, std::string attacker_ip, std::string raw_line,
                         std::string fields = "{}") {
    LogRecord r;
    r.timestamp = std::move(timestamp);
    r.decky = std::move(decky);
    r.service = std::move(service);
    r.event_type = std::move(event_type);
    r.attacker_ip = std::move(attacker_ip);
    r.raw_line = std::move(raw_line);
    r.fields = std::move(fields);
    return r;
}

// A row at "2024-01-15 12:MM:SS.000000" whose minute and second come from `n`.
inline LogRecord simple_row(int n, std::string service = "ssh") {
    char timestamp[64];
    std::snprintf(timestamp, sizeof timestamp, "2024-01-15 12:%02d:%02d.000000", (n / 60) % 60,
                  n % 60);
    return log_row(timestamp, "decky-01", std::move(service), "connect", "10.0.0.1",
                   "line " + std::to_string(n));
}

}  // namespace decnet::store::sqlite_test
