// The profiler's rounds: read rows after the cursor, fold them into cached profiles,
// write the touched profiles, save the cursor, trim the cache.
#include "intel/profiler/profile_worker.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <unordered_set>

#include "intel/correlation/traversal.hpp"
#include "store/ingest/bounty.hpp"
#include "store/ingest/log_record.hpp"
#include "telemetry/span.hpp"

namespace decnet::intel {
namespace {

std::string new_uuid() {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
        throw std::runtime_error("profiler: no randomness for a uuid");
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return text;
}

// The IP's bounty rows as the profile shows them (intel.md §6.2).
AttackerProfile::Bounties read_bounties(store::Repository& repository, const std::string& ip,
                                        std::size_t max_fingerprints) {
    AttackerProfile::Bounties out;
    store::BountyFilter all;
    all.attacker_ip = ip;
    out.total = repository.count_bounties(all);
    auto credentials = all;
    credentials.bounty_type = "credential";
    out.credentials = repository.count_bounties(credentials);
    auto fingerprints = all;
    fingerprints.bounty_type = "fingerprint";
    auto rows = repository.bounties(fingerprints, static_cast<int>(max_fingerprints), 0);
    // bounties() lists newest first; profiles list them oldest first.
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        auto payload = nlohmann::ordered_json::parse(it->payload, nullptr, false);
        if (payload.is_discarded()) payload = it->payload;
        list.push_back({{"id", it->id},
                        {"timestamp", store_time_to_iso(it->timestamp)},
                        {"decky", it->decky},
                        {"service", it->service},
                        {"attacker_ip", it->attacker_ip},
                        {"bounty_type", it->bounty_type},
                        {"payload", std::move(payload)}});
    }
    out.fingerprints = list.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return out;
}

}  // namespace

ProfileWorker::ProfileWorker(store::Repository& repository, ProfileWorkerOptions options)
    : repository_(repository), options_(std::move(options)), geoip_(options_.geoip) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    lease_owner_ =
        std::string(host) + ":" + std::to_string(::getpid()) + ":" + new_uuid().substr(0, 8);
    cursor_ = load_cursor();
    std::lock_guard lock(stats_mutex_);
    stats_.cursor = cursor_;
}

std::int64_t ProfileWorker::load_cursor() {
    const auto text = repository_.get_state(std::string(kProfilerCursorKey));
    if (!text) return 0;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("last_log_id") && j["last_log_id"].is_number_integer())
        return std::max<std::int64_t>(0, j["last_log_id"].get<std::int64_t>());
    return 0;
}

ProfileWorker::~ProfileWorker() {
    if (!lease_held_) return;
    try {
        repository_.set_state(std::string(kProfilerLeaseKey),
                              nlohmann::json{{"owner", lease_owner_}, {"heartbeat", 0}}.dump());
    } catch (const store::StoreError& e) {
        spdlog::warn("profiler: lease not released: {}", e.what());
    }
}

bool ProfileWorker::hold_lease() {
    using namespace std::chrono;
    const auto now = steady_clock::now();
    if (lease_held_ && now - lease_checked_ < seconds(5)) return true;
    const auto unix_now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    const auto text = repository_.get_state(std::string(kProfilerLeaseKey));
    const auto lease = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    // Typed reads only: the row is the store's, and json::value() throws on a wrong type
    // (a lease that is not this code's is garbage, taken over like a missing one).
    const bool others = lease.is_object() && lease.contains("owner") &&
                        lease["owner"].is_string() && lease["owner"] != lease_owner_;
    if (others && lease.contains("heartbeat") && lease["heartbeat"].is_number_integer() &&
        unix_now - lease["heartbeat"].get<std::int64_t>() < 30) {
        if (lease_held_) spdlog::warn("profiler: another profiler took the store over; waiting");
        lease_held_ = false;
        return false;
    }
    if (!lease_held_) {
        // Taking over: the other profiler may have moved the cursor and the profiles.
        lru_.clear();
        by_ip_.clear();
        cache_bytes_ = 0;
        cursor_ = load_cursor();
    }
    repository_.set_state(std::string(kProfilerLeaseKey),
                          nlohmann::json{{"owner", lease_owner_}, {"heartbeat", unix_now}}.dump());
    lease_held_ = true;
    lease_checked_ = now;
    return true;
}

void ProfileWorker::save_cursor() {
    repository_.set_state(std::string(kProfilerCursorKey),
                          nlohmann::json{{"last_log_id", cursor_}}.dump());
}

void ProfileWorker::notify_stored(std::int64_t through_id) {
    {
        std::lock_guard lock(mutex_);
        notified_through_ = std::max(notified_through_, through_id);
        notified_ = true;
    }
    wake_.notify_one();
}

void ProfileWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
}

void ProfileWorker::run() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || notified_; });
            if (stopping_) break;
            notified_ = false;
        }
        // A long backlog is read in several rounds; keep going while rounds are full.
        for (int i = 0; i < 1000; ++i) {
            if (catch_up() < options_.max_rows_per_round) break;
            std::lock_guard lock(mutex_);
            if (stopping_) break;
        }
        link_identities();
    }
    catch_up();  // what was stored before the stop
}

// A profile read back from its row also gets its behaviour row and its latest event
// times (those before the cursor: the rows after it are being applied).
void ProfileWorker::restore_behavior(AttackerProfile& profile) {
    if (const auto behavior = repository_.attacker_behavior(profile.uuid()))
        profile.restore_behavior(*behavior);
    store::LogFilter filter;
    filter.search = "attacker:" + profile.ip();
    std::vector<double> times;
    for (const auto& row :
         repository_.logs(filter, static_cast<int>(options_.limits.max_event_times), 0)) {
        if (row.id > cursor_ || is_intel_service(row.service)) continue;
        if (const auto t = parse_store_time(row.timestamp))
            times.push_back(static_cast<double>(t->utc_micros) / 1e6);
    }
    profile.seed_times(times, options_.limits);
}

ProfileWorker::Entry& ProfileWorker::profile_for(const std::string& ip) {
    if (const auto it = by_ip_.find(ip); it != by_ip_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        return *it->second;
    }
    Entry entry{AttackerProfile(std::string(), ip)};
    if (auto row = repository_.attacker_by_ip(ip)) {
        entry.profile = AttackerProfile::from_record(*row);
        entry.announced = row->decky_count >= options_.min_deckies;
        restore_behavior(entry.profile);
        std::lock_guard lock(stats_mutex_);
        ++stats_.loaded;
    } else {
        // A new profile's bounties come from its rows, which are all still to be applied.
        entry.profile = AttackerProfile(new_uuid(), ip);
    }
    if (geoip_.enabled()) entry.profile.set_geo(geoip_.lookup(ip));
    entry.bytes = entry.profile.bytes();
    cache_bytes_ += entry.bytes;
    lru_.push_front(std::move(entry));
    by_ip_.emplace(ip, lru_.begin());
    return lru_.front();
}

void ProfileWorker::write(Entry& entry, const std::string& now) {
    auto& profile = entry.profile;
    telemetry::Span span("profiler.process_ip");
    if (entry.refresh_bounties) {
        profile.set_bounties(read_bounties(repository_, profile.ip(), options_.max_fingerprints));
        entry.refresh_bounties = false;
    }
    const auto record = profile.to_record(now);
    const auto behavior = profile.to_behavior(now);
    if (span.recording()) {
        span.set_attributes({{"attacker_ip", profile.ip()},
                             {"event_count", record.event_count},
                             {"is_traversal", record.is_traversal},
                             {"bounty_count", record.bounty_count}});
        telemetry::Span summary("profiler.behavior_summary");
        summary.set_attributes({{"behavior_class", behavior.behavior_class.value_or("unknown")},
                                {"os_guess", behavior.os_guess.value_or("unknown")},
                                {"event_count", record.event_count}});
    }
    repository_.upsert_attacker(record, behavior);
    cache_bytes_ -= entry.bytes;
    entry.bytes = profile.bytes();
    cache_bytes_ += entry.bytes;
    {
        std::lock_guard lock(stats_mutex_);
        ++stats_.profiles_written;
    }
    if (entry.announced || static_cast<long long>(profile.decky_count()) < options_.min_deckies)
        return;
    entry.announced = true;
    if (!options_.publish) return;
    const auto first = parse_store_time(profile.first_seen());
    const auto last = parse_store_time(profile.last_seen());
    if (!first || !last) return;
    options_.publish(traversal_event(profile.ip(), profile.deckies(), *first, *last,
                                     profile.event_count(), event_now()));
    std::lock_guard lock(stats_mutex_);
    ++stats_.traversals;
}

void ProfileWorker::evict() {
    while (!lru_.empty() && (lru_.size() > options_.max_cached_profiles ||
                             cache_bytes_ > options_.max_cache_bytes)) {
        cache_bytes_ -= lru_.back().bytes;
        by_ip_.erase(lru_.back().profile.ip());
        lru_.pop_back();
        std::lock_guard lock(stats_mutex_);
        ++stats_.evicted;
    }
}

std::size_t ProfileWorker::catch_up(std::optional<std::int64_t> through) {
    std::int64_t limit = 0;
    if (through) {
        limit = *through;
    } else {
        std::int64_t notified = -1;
        {
            std::lock_guard lock(mutex_);
            notified = notified_through_;
        }
        if (notified >= 0) {
            limit = notified;
        } else {
            limit = previous_max_;
            try {
                previous_max_ = repository_.max_log_id();
            } catch (const store::StoreError& e) {
                spdlog::warn("profiler: {}", e.what());
            }
        }
    }
    std::size_t total = 0;
    if (cursor_ >= limit) return 0;
    try {
        if (!hold_lease()) {
            std::lock_guard lock(stats_mutex_);
            ++stats_.waiting_for_lease;
            return 0;
        }
    } catch (const store::StoreError& e) {
        spdlog::warn("profiler: {}", e.what());
        return 0;
    }
    // One trace per round that has rows; it links to the stored events it consumed.
    telemetry::Span round("profiler.incremental_update", telemetry::SpanStart{.new_root = true});
    std::size_t links = 0;
    try {
        // Every profile the round touched is written once, at its end, with the cursor
        // after it: a profile seen on many pages of a backlog costs one write, not one per
        // page (bench/intel). Until then the store holds each profile as of cursor_, which
        // is what profile_for reads back (nothing is evicted mid-round).
        std::vector<Entry*> dirty;  // in first-touched order
        std::unordered_set<Entry*> dirty_set;
        std::int64_t read_to = cursor_;
        while (total < options_.max_rows_per_round && read_to < limit) {
            const auto rows = repository_.logs_after_id(read_to, {}, options_.page_rows);
            std::int64_t last = read_to;
            for (const auto& row : rows) {
                if (row.id > limit) break;
                last = row.id;
                ++total;
                if (round.recording() && links < 128)
                    if (const auto context = store::trace_context_of(row); context.valid()) {
                        round.add_link(context);
                        ++links;
                    }
                if (row.attacker_ip.empty() || row.attacker_ip == "Unknown") continue;
                auto& entry = profile_for(row.attacker_ip);
                if (is_intel_service(row.service))
                    entry.profile.apply_intel(row);
                else
                    entry.profile.apply(row, options_.limits);
                if (!store::extract_bounties(row).empty()) {
                    entry.refresh_bounties = true;
                    identities_dirty_ = true;
                }
                if (dirty_set.insert(&entry).second) dirty.push_back(&entry);
            }
            if (last == read_to) break;
            read_to = last;
            if (rows.size() < static_cast<std::size_t>(options_.page_rows)) break;
        }
        if (read_to > cursor_) {
            const auto now = store::now_timestamp();
            {
                telemetry::Span update("profiler.update_profiles");
                update.set_attribute("profiles", static_cast<std::int64_t>(dirty.size()));
                for (auto* entry : dirty) write(*entry, now);
            }
            cursor_ = read_to;
            save_cursor();
            evict();
        }
    } catch (const store::StoreError& e) {
        // Profiles in memory may hold rows that were not written: forget them all, they
        // are read back from their rows, and the rows after the cursor are read again.
        spdlog::warn("profiler: {} (retrying from log id {})", e.what(), cursor_);
        round.record_exception(e);
        lru_.clear();
        by_ip_.clear();
        cache_bytes_ = 0;
        std::lock_guard lock(stats_mutex_);
        ++stats_.errors;
    }
    round.set_attribute("rows", static_cast<std::int64_t>(total));
    std::lock_guard lock(stats_mutex_);
    stats_.rows += total;
    stats_.cursor = cursor_;
    stats_.cached = lru_.size();
    stats_.cache_bytes = cache_bytes_;
    return total;
}

void ProfileWorker::link_identities(bool force) {
    using namespace std::chrono;
    if (options_.identity_interval.count() <= 0) return;
    const auto now = steady_clock::now();
    if (!force && (!identities_dirty_ ||
                   now - identities_linked_ < std::max<steady_clock::duration>(
                                                  options_.identity_interval, 10 * identity_cost_)))
        return;
    try {
        if (!hold_lease()) return;
        telemetry::Span span("profiler.identities", telemetry::SpanStart{.new_root = true});
        const auto result = recompute_identities(repository_, options_.identity);
        span.set_attributes({{"bounty_rows", static_cast<std::int64_t>(result.rows)},
                             {"identities", static_cast<std::int64_t>(result.identities)},
                             {"members", static_cast<std::int64_t>(result.members)}});
        identities_dirty_ = false;
        std::lock_guard lock(stats_mutex_);
        ++stats_.identity_runs;
        stats_.identities = result.identities;
    } catch (const store::StoreError& e) {
        spdlog::warn("profiler: identities not linked: {}", e.what());
        std::lock_guard lock(stats_mutex_);
        ++stats_.errors;
    }
    identities_linked_ = steady_clock::now();
    identity_cost_ = identities_linked_ - now;
}

ProfileWorkerStats ProfileWorker::stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

}  // namespace decnet::intel

namespace decnet::intel {

ProfilerThread::ProfilerThread(store::Repository& repository, ProfileWorkerOptions options)
    : worker_(repository, std::move(options)), thread_([this] { worker_.run(); }) {}

ProfilerThread::~ProfilerThread() {
    worker_.stop();
    thread_.join();
}

}  // namespace decnet::intel
