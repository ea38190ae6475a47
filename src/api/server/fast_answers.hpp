// FastAnswers: one I/O thread's table of answers it may send again without routing the
// request. The dashboard asks the same few GETs over and over with the same token; once
// the exact ResponseCache holds such an answer (Response::reuse), the next identical
// request — same target, same Authorization, no Origin, tracing off — is answered here
// with the head and body already on the wire once, as long as the store's data version
// is the one the answer was rendered at and neither the cache entry nor the token has
// expired. Anything else goes the normal way. Only its own thread touches a table, so
// there is no lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_message.hpp"

namespace decnet::api {

struct PreparedAnswer {
    std::string head;  // status line and headers, keep-alive, HTTP/1.1
    std::shared_ptr<const std::string> body;
    std::uint64_t data_version = 0;
    std::chrono::steady_clock::time_point expires{};
    RouteMetrics* metrics = nullptr;
    const std::atomic<std::uint64_t>* changes = nullptr;  // Response::Reuse
    std::uint64_t changes_seen = 0;
};

class FastAnswers {
  public:
    static constexpr std::size_t kMaxEntries = 512;
    // Keys, heads and bodies (a body may also be held by the ResponseCache).
    static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;

    // The request's key: target and Authorization value, length-prefixed so neither can
    // forge the other. Written into `out` (its capacity reused).
    static void make_key(std::string_view target, std::string_view authorization, std::string& out);

    // The answer for `key` if it still holds at `now` for `data_version` (the store's,
    // read by the caller). A new version empties the table; an expired entry goes.
    std::shared_ptr<const PreparedAnswer> find(const std::string& key,
                                               std::chrono::steady_clock::time_point now,
                                               std::uint64_t data_version);
    // Kept only when rendered at the version the table last saw.
    void keep(const std::string& key, std::shared_ptr<const PreparedAnswer> answer);

    std::size_t size() const { return entries_.size(); }
    std::size_t bytes() const { return bytes_; }

  private:
    static std::size_t footprint(const std::string& key, const PreparedAnswer& answer);
    void clear();

    std::unordered_map<std::string, std::shared_ptr<const PreparedAnswer>> entries_;
    std::size_t bytes_ = 0;
    std::uint64_t version_ = 0;
};

}  // namespace decnet::api
