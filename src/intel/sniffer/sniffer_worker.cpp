#include "intel/sniffer/sniffer_worker.hpp"

#include <pthread.h>

#include <iostream>

#include "telemetry/span.hpp"

namespace decnet::intel::sniffer {
namespace {

constexpr std::chrono::seconds kRefreshInterval{60};

std::vector<wire::packet::Address> addresses(const DeckyMap& deckies) {
    std::vector<wire::packet::Address> out;
    for (const auto& [address, name] : deckies) out.push_back(address);
    return out;
}

}  // namespace

SnifferWorker::SnifferWorker(SnifferOptions options) : options_(std::move(options)) {
    if (!options_.p0f_path.empty()) p0f_ = p0f::Database::load(options_.p0f_path);
    auto engine_options = options_.engine;
    engine_options.p0f = p0f_ ? &*p0f_ : nullptr;
    auto publish = options_.publish;
    engine_ = std::make_unique<SnifferEngine>(engine_options, [publish](Event event) {
        if (publish) publish(std::move(event));
    });
    DeckyMap deckies;
    if (options_.deckies) deckies = options_.deckies();
    filter_ = decky_filter(addresses(deckies));
    auto capture_options = options_.capture;
    capture_options.filter = filter_;
    capture_ = std::make_unique<Capture>(capture_options);
    engine_->set_deckies(std::move(deckies));
    last_refresh_ = std::chrono::steady_clock::now();
    stats_.p0f_signatures = p0f_ ? p0f_->size() : 0;
}

SnifferWorker::~SnifferWorker() {
    stop();
}

void SnifferWorker::refresh_deckies() {
    const auto now = std::chrono::steady_clock::now();
    if (!options_.deckies || now - last_refresh_ < kRefreshInterval) return;
    last_refresh_ = now;
    auto deckies = options_.deckies();
    if (deckies.empty()) return;  // the reference ignores an empty reload too
    const auto filter = decky_filter(addresses(deckies));
    if (filter != filter_) {
        capture_->set_filter(filter);
        filter_ = filter;
    }
    engine_->set_deckies(std::move(deckies));
}

void SnifferWorker::run() {
    telemetry::Span span("sniffer.sniff_loop", {.new_root = true});
    const PacketHandler handler = [this](const wire::packet::Packet& packet, std::int64_t micros) {
        engine_->on_packet(packet, micros);
    };
    // After every dispatch (up to 1024 packets, or the 100 ms read timeout): /metrics and
    // `decnet sniffer` see counts that are at most one batch old. The dispatch may block
    // while no packet comes, so counting every Nth one left a quiet sniffer's figures stale.
    capture_->run(handler, options_.max_frames, [&] {
        refresh_deckies();
        std::lock_guard lock(stats_mutex_);
        stats_.capture = capture_->stats();
        stats_.engine = engine_->stats();
    });
    engine_->flush_all();
    std::lock_guard lock(stats_mutex_);
    stats_.capture = capture_->stats();
    stats_.engine = engine_->stats();
}

void SnifferWorker::start() {
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "decnet-sniffer");
        telemetry::Span span("sniffer.worker", {.new_root = true});
        try {
            run();
        } catch (const std::exception& e) {
            // Fault isolation (intel.md §2.1): the instance never depends on the sniffer.
            std::cerr << "decnet: sniffer stopped: " << e.what() << std::endl;
        }
    });
}

void SnifferWorker::stop() {
    if (capture_) capture_->stop();
    if (thread_.joinable()) thread_.join();
}

SnifferStats SnifferWorker::stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

}  // namespace decnet::intel::sniffer
