// Fleet operations: deploy, describe, add/remove, mutate, and state-file upkeep.
#include "engine/fleet.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "engine/mutator.hpp"
#include "events/event_bus.hpp"
#include "honeypot/services/registry.hpp"
#include "telemetry/span.hpp"

namespace decnet::engine {
namespace {

bool servable(std::string_view slug) {
    return find_service(slug) && honeypot::has_emulator(slug);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
    return out;
}

// mutate_locked() inside a mutator.mutate_decky span that tells what happened.
template <class Mutate>
MutationResult traced_mutation(std::string_view name, Mutate&& mutate) {
    telemetry::Span span("mutator.mutate_decky");
    span.set_attribute("decky", name);
    MutationResult result = mutate();
    if (span.recording()) {
        span.set_attribute("mutated", result.ok);
        if (result.ok)
            span.set_attributes({{"old_services", join(result.old_services)},
                                 {"new_services", join(result.new_services)}});
        else
            span.set_status(telemetry::StatusCode::error, result.error);
    }
    return result;
}

}  // namespace

double epoch_seconds() {
    using namespace std::chrono;
    // Read once; from then on only steady_clock moves it.
    static const auto anchor = std::pair(system_clock::now(), steady_clock::now());
    return duration<double>(anchor.first.time_since_epoch() + (steady_clock::now() - anchor.second))
        .count();
}

Fleet::Fleet(honeypot::Runtime& runtime, EventBus& bus, DeploymentConfig config, StatePaths paths,
             std::uint64_t seed)
    : runtime_(runtime),
      bus_(bus),
      paths_(std::move(paths)),
      started_at_(format_iso8601(event_now())),
      config_(std::move(config)),
      rng_(seed) {}

void Fleet::set_networking(DeckyNetworking* networking) {
    const std::lock_guard lock(mutex_);
    networking_ = networking;
}

honeypot::DeployReport Fleet::deploy(
    const std::function<void(std::size_t, std::size_t)>& progress) {
    telemetry::Span span("engine.deploy");
    const std::lock_guard lock(mutex_);
    span.set_attributes(
        {{"decky_count", config_.deckies.size()}, {"mode", to_string(config_.mode)}});
    honeypot::DeployReport report;
    std::vector<std::string> added;
    const double now = epoch_seconds();
    try {
        for (auto& decky : config_.deckies) {
            if (decky.last_mutated <= 0) decky.last_mutated = now;  // D5: not due at once
            auto one = runtime_.add_decky(decky);
            added.push_back(decky.name);
            report.listening.insert(report.listening.end(), one.listening.begin(),
                                    one.listening.end());
            report.unavailable.insert(report.unavailable.end(), one.unavailable.begin(),
                                      one.unavailable.end());
            if (progress) progress(added.size(), config_.deckies.size());
        }
    } catch (...) {
        for (const auto& name : added) runtime_.remove_decky(name);
        throw;
    }
    write_state_locked();
    span.set_attributes(
        {{"listening", report.listening.size()}, {"unavailable", report.unavailable.size()}});
    return report;
}

DeckyState Fleet::describe(const DeckyConfig& decky,
                           const std::vector<honeypot::DeckyRuntimeInfo>& live) const {
    DeckyState d;
    d.name = decky.name;
    d.ip = decky.ip;
    d.hostname = decky.hostname;
    d.os_family = std::string(os_profile(decky.nmap_os).family);
    d.distro = decky.distro;
    d.archetype = decky.archetype;
    d.services = decky.services;
    d.mutate_interval = config_.effective_mutate_interval(decky);
    d.last_mutated = decky.last_mutated;
    // netns mode: the decky's own MAC. Loopback deckies share the host's loopback
    // interface and have none (nor do ipvlan children: they share the parent's).
    if (networking_) d.mac = networking_->mac(decky.name);
    d.state = "down";
    for (const auto& info : live) {
        if (info.name != decky.name) continue;
        d.events = info.events;
        std::size_t serving = 0;
        for (const auto& slug : decky.services)
            if (std::any_of(info.listeners.begin(), info.listeners.end(),
                            [&](const auto& l) { return l.service == slug; }))
                ++serving;
        d.state = serving == decky.services.size() ? "up" : serving ? "degraded" : "down";
    }
    return d;
}

InstanceState Fleet::snapshot_locked() const {
    InstanceState s;
    s.pid = static_cast<long>(::getpid());
    s.state_dir = paths_.dir;
    s.control_socket = paths_.control_socket;
    s.started_at = started_at_;
    s.mode = std::string(to_string(config_.mode));
    s.subnet = config_.subnet;
    const auto live = runtime_.deckies();
    for (const auto& decky : config_.deckies) s.deckies.push_back(describe(decky, live));
    return s;
}

InstanceState Fleet::snapshot() const {
    telemetry::Span span("engine.status");
    const std::lock_guard lock(mutex_);
    return snapshot_locked();
}

std::vector<DeckyState> Fleet::deckies() const {
    return snapshot().deckies;
}

std::optional<DeckyState> Fleet::decky(std::string_view name) const {
    for (auto& d : deckies())
        if (d.name == name) return d;
    return std::nullopt;
}

void Fleet::write_state_locked() {
    const auto state = snapshot_locked();
    std::uint64_t events = 0;
    for (const auto& d : state.deckies) events += d.events;
    write_state_file(paths_.state_file, state);
    events_written_ = events;
}

void Fleet::refresh_state_file() {
    const std::lock_guard lock(mutex_);
    std::uint64_t events = 0;
    for (const auto& info : runtime_.deckies()) events += info.events;
    if (events != events_written_) write_state_locked();
}

void Fleet::remove_state_file() {
    const std::lock_guard lock(mutex_);
    std::remove(paths_.state_file.c_str());
}

DeploymentConfig Fleet::config() const {
    const std::lock_guard lock(mutex_);
    return config_;
}

DeckyState Fleet::add_decky(DeckyConfig decky) {
    telemetry::Span span("engine.deploy_decky");
    span.set_attribute("decky", decky.name);
    validate_decky_name(decky.name);
    const std::lock_guard lock(mutex_);
    for (const auto& d : config_.deckies)
        if (d.name == decky.name) throw ConfigError("decky '" + decky.name + "' already exists");
    if (decky.last_mutated <= 0) decky.last_mutated = epoch_seconds();
    if (networking_) networking_->add(decky, config_);
    try {
        runtime_.add_decky(decky);
    } catch (...) {
        if (networking_) networking_->remove(decky.name);
        throw;
    }
    config_.deckies.push_back(decky);
    write_state_locked();
    return describe(config_.deckies.back(), runtime_.deckies());
}

bool Fleet::remove_decky(std::string_view name) {
    telemetry::Span span("engine.teardown");
    span.set_attribute("decky", name);
    const std::lock_guard lock(mutex_);
    const auto it = std::find_if(config_.deckies.begin(), config_.deckies.end(),
                                 [&](const DeckyConfig& d) { return d.name == name; });
    if (it == config_.deckies.end()) return false;
    runtime_.remove_decky(name);
    if (networking_) networking_->remove(name);
    config_.deckies.erase(it);
    write_state_locked();
    return true;
}

MutationResult Fleet::mutate_locked(std::string_view name, double now) {
    MutationResult result;
    result.decky = std::string(name);
    const auto it = std::find_if(config_.deckies.begin(), config_.deckies.end(),
                                 [&](const DeckyConfig& d) { return d.name == name; });
    if (it == config_.deckies.end()) {
        result.error = "Decky '" + result.decky + "' not found.";
        return result;
    }
    auto& decky = *it;
    result.old_services = decky.services;
    const auto chosen = choose_mutation(decky, rng_, servable);
    if (!chosen) {
        decky.last_mutated = now;  // not due again at every poll
        result.error = "No other services available for mutating '" + decky.name + "'.";
        return result;
    }
    // Listeners first: if a new port can't be bound, config and state stay as they were.
    try {
        runtime_.replace_services(decky.name, *chosen);
    } catch (const ConfigError& e) {
        result.error = e.what();
        return result;
    }
    decky.services = *chosen;
    decky.last_mutated = now;
    result.new_services = *chosen;
    result.ok = true;
    write_state_locked();

    Event event;
    event.time = event_now();
    event.decky = decky.name;
    event.service = "mutator";
    event.event_type = "mutation";
    event.severity = Severity::notice;
    event.add("old_services", json_list(result.old_services));
    event.add("new_services", json_list(result.new_services));
    event.msg = "services " + join(result.old_services) + " -> " + join(result.new_services);
    bus_.publish(std::move(event));
    return result;
}

MutationResult Fleet::mutate_decky(std::string_view name) {
    const std::lock_guard lock(mutex_);
    const double now = epoch_seconds();
    return traced_mutation(name, [&] { return mutate_locked(name, now); });
}

std::vector<MutationResult> Fleet::mutate_all() {
    telemetry::Span span("mutator.mutate_all");
    const std::lock_guard lock(mutex_);
    std::vector<MutationResult> results;
    const double now = epoch_seconds();
    std::vector<std::string> names;
    for (const auto& d : config_.deckies) names.push_back(d.name);
    for (const auto& name : names)
        results.push_back(traced_mutation(name, [&] { return mutate_locked(name, now); }));
    return results;
}

std::vector<MutationResult> Fleet::mutate_due(double now, double minute_seconds) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> due;
    for (const auto& d : config_.deckies)
        if (mutation_due(config_, d, now, minute_seconds)) due.push_back(d.name);
    // The scheduler polls every few seconds: a span only when something is due (on its
    // thread, where no span is current, this is a new trace per tick that did work).
    std::optional<telemetry::Span> span;
    if (!due.empty() && telemetry::tracing_enabled()) {
        span.emplace("mutator.mutate_due");
        span->set_attribute("due", due.size());
    }
    std::vector<MutationResult> results;
    for (const auto& name : due)
        results.push_back(traced_mutation(name, [&] { return mutate_locked(name, now); }));
    return results;
}

bool Fleet::set_mutate_interval(std::string_view name, std::optional<int> minutes) {
    const std::lock_guard lock(mutex_);
    for (auto& d : config_.deckies)
        if (d.name == name) {
            d.mutate_interval = minutes;
            write_state_locked();
            return true;
        }
    return false;
}

void Fleet::set_global_mutate_interval(std::optional<int> minutes) {
    const std::lock_guard lock(mutex_);
    config_.mutate_interval = minutes;
    write_state_locked();
}

}  // namespace decnet::engine
