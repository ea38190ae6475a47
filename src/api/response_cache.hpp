// ResponseCache: whole GET responses keyed by route + normalised query and labelled with
// the store's data version (Repository::data_version). An entry answers only while the
// version is the one it was rendered at, so new committed data is never hidden; entries
// may also carry a maximum age (the TTL of the api.md §7 caches the handler read through,
// so a cached body is never older than those caches allow). Bounded in entries and bytes
// (least recently used go first); concurrent misses for one key cost one render.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http_message.hpp"

namespace decnet::api {

struct ResponseCacheLimits {
    std::size_t max_entries = 4096;
    std::size_t max_bytes = 64u << 20;  // bodies and keys
    std::size_t max_body = 1u << 20;    // larger bodies are served, never kept
};

class ResponseCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit ResponseCache(ResponseCacheLimits limits = {}) : limits_(limits) {}

    // The response for `key` rendered at `version`: cached, or `render` run once for all
    // concurrent callers. Only 200 answers are kept; an exception reaches every waiter and
    // is not kept. A version older than the newest seen is rendered and not kept. A hit's
    // body is shared (Response::shared_body), not copied. What the cache holds comes
    // back tagged with Response::reuse (its version and expiry).
    Response get(const std::string& key, std::uint64_t version, Clock::duration max_age,
                 const std::function<Response()>& render);

    void clear();
    std::size_t entries() const;
    std::size_t bytes() const;
    std::uint64_t hits() const;
    std::uint64_t misses() const;

  private:
    struct Flight {
        bool done = false;
        std::exception_ptr error;
        std::optional<Response> response;
    };
    struct Entry {
        std::shared_ptr<const Response> response;  // its body moved into shared_body
        std::size_t bytes = 0;
        Clock::time_point expires;
        std::list<std::string>::iterator lru;
    };

    void drop_all();  // holding mutex_
    void erase(std::unordered_map<std::string, Entry>::iterator it);
    // False when the answer is too big to keep.
    bool keep(const std::string& key, Response response, Clock::duration max_age);

    const ResponseCacheLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable rendered_;
    std::optional<std::uint64_t> version_;  // newest seen; entries are all at it
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> lru_;  // most recently used first
    std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
    std::size_t bytes_ = 0;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

// Called while rendering for ResponseCache::get (on its thread): the body holds a value
// that may already be stale (a §7 TTL cache's), so keep it no longer than `max_age`.
// Outside a render it does nothing.
void limit_cached_age(std::chrono::steady_clock::duration max_age);

// Cache key of a GET: the path, then the query parameters stably sorted by name (the
// first of repeated names still comes first, as handlers read it), length-prefixed so
// no value can forge another key. Path captures are in the path already.
std::string response_cache_key(const Request& request);

}  // namespace decnet::api
