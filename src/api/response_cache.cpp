// ResponseCache: the version rule, LRU bounds and single flight.
#include "api/response_cache.hpp"

#include <algorithm>
#include <vector>

namespace decnet::api {
namespace {

// The age limit of the render running on this thread, if any (renders run on the
// caller's thread and do not nest).
thread_local ResponseCache::Clock::duration* t_render_age = nullptr;

}  // namespace

void limit_cached_age(std::chrono::steady_clock::duration max_age) {
    if (t_render_age) *t_render_age = std::min(*t_render_age, max_age);
}

Response ResponseCache::get(const std::string& key, std::uint64_t version, Clock::duration max_age,
                            const std::function<Response()>& render) {
    std::unique_lock lock(mutex_);
    if (!version_ || version > *version_) {
        // The data moved on: nothing kept can answer any more.
        drop_all();
        version_ = version;
    } else if (version < *version_) {
        // This caller read the version before a commit another caller already saw: render
        // for it alone, keep nothing.
        ++misses_;
        lock.unlock();
        return render();
    }
    if (auto it = entries_.find(key); it != entries_.end()) {
        if (Clock::now() < it->second.expires) {
            ++hits_;
            lru_.splice(lru_.begin(), lru_, it->second.lru);
            const auto response = it->second.response;
            const Response::Reuse reuse{version, it->second.expires};
            lock.unlock();
            Response hit = *response;  // copies the head; the body is a shared pointer
            hit.reuse = reuse;
            return hit;
        }
        erase(it);
    }
    if (auto it = flights_.find(key); it != flights_.end()) {
        const auto flight = it->second;
        ++hits_;
        rendered_.wait(lock, [&] { return flight->done; });
        if (flight->error) std::rethrow_exception(flight->error);
        return *flight->response;
    }
    ++misses_;
    const auto flight = std::make_shared<Flight>();
    flights_.emplace(key, flight);
    lock.unlock();

    std::optional<Response> response;
    std::exception_ptr error;
    auto age = max_age;
    t_render_age = &age;
    try {
        response.emplace(render());
    } catch (...) {
        error = std::current_exception();
    }
    t_render_age = nullptr;

    // Shared from here on: the waiters, the entry and this caller all hold one body.
    if (response && response->status == 200 && !response->shared_body) {
        response->shared_body = std::make_shared<const std::string>(std::move(response->body));
        response->body.clear();
    }
    lock.lock();
    flight->done = true;
    flight->error = error;
    if (response) flight->response = *response;
    // Kept only if no newer version arrived meanwhile (drop_all() forgot the flight then).
    if (auto it = flights_.find(key); it != flights_.end() && it->second == flight) {
        flights_.erase(it);
        if (response && response->status == 200 && response->text().size() <= limits_.max_body &&
            keep(key, *response, age))
            response->reuse = Response::Reuse{version, Clock::now() + age};
    }
    rendered_.notify_all();
    lock.unlock();
    if (error) std::rethrow_exception(error);
    return std::move(*response);
}

bool ResponseCache::keep(const std::string& key, Response response, Clock::duration max_age) {
    const std::size_t size = key.size() + response.text().size() + response.content_type.size();
    if (size > limits_.max_bytes || limits_.max_entries == 0) return false;
    while (!lru_.empty() &&
           (entries_.size() >= limits_.max_entries || bytes_ + size > limits_.max_bytes))
        erase(entries_.find(lru_.back()));
    lru_.push_front(key);
    if (!response.shared_body)
        response.shared_body = std::make_shared<const std::string>(std::move(response.body));
    response.body.clear();
    Entry entry;
    entry.response = std::make_shared<const Response>(std::move(response));
    entry.bytes = size;
    entry.expires = Clock::now() + max_age;
    entry.lru = lru_.begin();
    entries_.insert_or_assign(key, std::move(entry));
    bytes_ += size;
    return true;
}

void ResponseCache::erase(std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.lru);
    entries_.erase(it);
}

void ResponseCache::drop_all() {
    entries_.clear();
    lru_.clear();
    flights_.clear();  // their callers still get their answers through the Flight
    bytes_ = 0;
}

void ResponseCache::clear() {
    std::lock_guard lock(mutex_);
    drop_all();
}

std::size_t ResponseCache::entries() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}
std::size_t ResponseCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}
std::uint64_t ResponseCache::hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
}
std::uint64_t ResponseCache::misses() const {
    std::lock_guard lock(mutex_);
    return misses_;
}

std::string response_cache_key(const Request& request) {
    std::vector<const std::pair<std::string, std::string>*> query;
    query.reserve(request.query.size());
    for (const auto& pair : request.query) query.push_back(&pair);
    std::stable_sort(query.begin(), query.end(),
                     [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string key = request.path;
    const auto add = [&](const std::string& text) {
        key += '\n';
        key += std::to_string(text.size());
        key += ':';
        key += text;
    };
    for (const auto* pair : query) {
        add(pair->first);
        add(pair->second);
    }
    // Captures are in the path on the server; callers that route by pattern (tests) still
    // get distinct keys.
    key += '\n';
    for (const auto& [name, value] : request.path_params) {
        add(name);
        add(value);
    }
    return key;
}

}  // namespace decnet::api
