// now_timestamp(): the store's text form of "now" (api.md §5.2 datetime storage).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "store/repository.hpp"

namespace decnet::store {

std::string now_timestamp() {
    using namespace std::chrono;
    const auto now = time_point_cast<microseconds>(system_clock::now());
    const auto seconds = time_point_cast<std::chrono::seconds>(now);
    const auto micros = (now - seconds).count();
    const std::time_t t = system_clock::to_time_t(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[96];  // roomy: the compiler cannot bound tm fields
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<long long>(micros));
    return text;
}

}  // namespace decnet::store
