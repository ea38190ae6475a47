// FastAnswers: the key, the validity rule and the bounds.
#include "api/server/fast_answers.hpp"

namespace decnet::api {

void FastAnswers::make_key(std::string_view target, std::string_view authorization,
                           std::string& out) {
    out.clear();
    out += std::to_string(target.size());
    out += ':';
    out += target;
    out += authorization;
}

std::shared_ptr<const PreparedAnswer> FastAnswers::find(const std::string& key,
                                                        std::chrono::steady_clock::time_point now,
                                                        std::uint64_t data_version) {
    if (data_version != version_) {
        // The data moved on: nothing here can answer any more, and the bodies it holds
        // may be the only references left to them.
        clear();
        version_ = data_version;
        return nullptr;
    }
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    const auto& answer = it->second;
    if (now < answer->expires &&
        (!answer->changes ||
         answer->changes->load(std::memory_order_acquire) == answer->changes_seen))
        return answer;
    bytes_ -= footprint(it->first, *answer);
    entries_.erase(it);
    return nullptr;
}

std::size_t FastAnswers::footprint(const std::string& key, const PreparedAnswer& answer) {
    return key.size() + answer.head.size() + (answer.body ? answer.body->size() : 0);
}

void FastAnswers::clear() {
    entries_.clear();
    bytes_ = 0;
}

void FastAnswers::keep(const std::string& key, std::shared_ptr<const PreparedAnswer> answer) {
    if (answer->data_version != version_) return;  // rendered before the data moved on
    const auto size = footprint(key, *answer);
    if (size > kMaxBytes) return;
    if (auto it = entries_.find(key); it != entries_.end()) {
        bytes_ -= footprint(it->first, *it->second);
        entries_.erase(it);
    }
    // Full: start over rather than track recency on the hot path (the entries refill on
    // the next request of each).
    if (entries_.size() >= kMaxEntries || bytes_ + size > kMaxBytes) clear();
    entries_.emplace(key, std::move(answer));
    bytes_ += size;
}

}  // namespace decnet::api
