#include "integration/stored_logs.hpp"

#include <chrono>
#include <thread>

namespace decnet::testing {

std::vector<std::string> stored_fields(store::Repository& repo, const std::string& search,
                                       int limit) {
    store::LogFilter filter;
    filter.search = search;
    std::vector<std::string> fields;
    for (const auto& row : repo.logs(filter, limit, 0)) fields.push_back(row.fields);
    return fields;
}

void wait_for_logs(store::Repository& repo, const std::string& search, std::int64_t n) {
    store::LogFilter filter;
    filter.search = search;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (repo.count_logs(filter) < n && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace decnet::testing
