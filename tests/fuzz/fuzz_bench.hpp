// What a whole-emulator fuzz target needs around a module (tests/fuzz/dialogue_fuzz.cpp):
// the decky it serves — world, persona and typed settings built once,
// as `deploy` builds them — and its ServiceContext, with logins accepted where the persona
// can say so and session limits short enough for a fuzzer. tests/support/dialogue.hpp's
// ServiceBench without gtest.
#pragma once

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/session.hpp"
#include "honeypot/session_limits.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::fuzzing {

// The decky the module serves, built once (world, persona, settings) as `deploy` does.
struct Bench {
    PersonaConfig persona;
    EventBus bus;
    std::atomic<std::uint64_t> counted{0};
    std::shared_ptr<const honeypot::DeckyWorld> world;
    std::shared_ptr<const honeypot::ServiceSettings> settings;
    const honeypot::ServiceModule* module = nullptr;
    honeypot::ServiceContext context;
    honeypot::SessionLimits limits;

    explicit Bench(const honeypot::ServiceModule& served) {
        module = &served;
        const std::string slug(served.slug);
        const auto* info = find_service(slug);
        if (!info) std::abort();
        // Logins succeed where the persona can say so (what lies behind them is parsed
        // too), and nothing waits out pam's delay.
        if (info->find_persona_key("accept")) persona["accept"] = "any";
        if (info->find_persona_key("auth_delay_ms")) persona["auth_delay_ms"] = "0";
        DeckyConfig decky;
        decky.name = "decky-01";
        decky.hostname = "web-prod-03";
        decky.distro = "ubuntu22";
        decky.ip = "127.0.0.1";
        decky.service_config[slug] = persona;
        world = honeypot::make_decky_world(decky, "");
        // What the registry's configure_service does: the typed persona, parsed once.
        if (module->configure)
            settings = module->configure(honeypot::PersonaReader(*info, decky, persona));
        context.decky = decky.name;
        context.hostname = decky.hostname;
        context.service = slug;
        context.log_name = slug;
        context.persona = &persona;
        context.bus = &bus;  // nobody subscribes: events are counted as unrouted, not kept
        context.events = &counted;
        context.world = world.get();
        context.settings = settings.get();
        // Short enough that a session waiting on a silent peer ends within the run's bound.
        limits.idle_timeout = std::chrono::seconds(1);
        limits.max_session_time = std::chrono::seconds(2);
        if (module->session_limits) limits = module->session_limits(limits);
        limits.idle_timeout = std::min(limits.idle_timeout, std::chrono::seconds(1));
        limits.max_session_time = std::min(limits.max_session_time, std::chrono::seconds(2));
        // The product's own pauses (mongod's awaited hello, a pull's progress, login's
        // failure delay, FTP's wait for a data connection) would be all an input costs.
        limits.instant_waits = true;
    }
};

// Runs `io` until `ended` or `limit` has passed; then stops it and destroys it (which
// destroys a still-suspended coroutine's frame while the context lives).
inline void run_bounded(std::unique_ptr<boost::asio::io_context>& io, const bool& ended,
                        std::chrono::milliseconds limit = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ended && std::chrono::steady_clock::now() < deadline)
        if (io->run_one_for(std::chrono::milliseconds(100)) == 0 && io->stopped()) break;
    io->stop();
    io.reset();
}

}  // namespace decnet::fuzzing
