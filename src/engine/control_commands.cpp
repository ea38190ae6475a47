// Control verbs → Fleet calls.
#include "engine/control_commands.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/fleet.hpp"
#include "engine/mutator.hpp"
#include "telemetry/span.hpp"

namespace decnet::engine {
namespace {

using json = nlohmann::ordered_json;

json error(const std::string& message) {
    return {{"ok", false}, {"error", message}};
}

json mutations_json(const std::vector<MutationResult>& results) {
    json list = json::array();
    for (const auto& r : results) {
        json one = {{"decky", r.decky}, {"ok", r.ok}};
        if (r.ok) {
            one["old_services"] = r.old_services;
            one["new_services"] = r.new_services;
        } else {
            one["error"] = r.error;
        }
        list.push_back(std::move(one));
    }
    return {{"ok", true}, {"mutations", list}};
}

json run(Fleet& fleet, const json& request, bool& shutdown) {
    const auto cmd = request.value("cmd", std::string());
    if (cmd == "ping") return {{"ok", true}, {"pid", static_cast<long>(::getpid())}};
    if (cmd == "status")
        return {{"ok", true}, {"state", json::parse(instance_state_to_json(fleet.snapshot(), -1))}};
    if (cmd == "teardown") {
        const auto name = request.value("decky", std::string());
        if (name.empty()) return error("teardown needs \"decky\"");
        if (!fleet.remove_decky(name))
            return error("Decky '" + name + "' not found in current deployment.");
        // The mode tells the client what went with the listeners (netns: the namespace).
        return {
            {"ok", true}, {"removed", name}, {"mode", std::string(to_string(fleet.config().mode))}};
    }
    if (cmd == "shutdown") {
        shutdown = true;
        return {{"ok", true}, {"pid", static_cast<long>(::getpid())}};
    }
    if (cmd == "mutate") {
        if (request.contains("decky")) {
            const auto result = fleet.mutate_decky(request.at("decky").get<std::string>());
            return mutations_json({result});
        }
        if (request.value("all", false)) return mutations_json(fleet.mutate_all());
        return mutations_json(fleet.mutate_due(epoch_seconds(), mutate_minute_seconds()));
    }
    return error("unknown command '" + cmd + "'");
}

}  // namespace

std::string handle_control_request(Fleet& fleet, std::string_view request,
                                   const std::function<void()>& request_shutdown) {
    bool shutdown = false;
    json response;
    try {
        const auto parsed = json::parse(request);
        if (!parsed.is_object()) {
            response = error("request must be a JSON object");
        } else {
            // A client that sends its "traceparent" (W3C) gets the verb's spans in its trace.
            std::optional<telemetry::SpanContext> parent;
            if (telemetry::tracing_enabled())
                if (const auto it = parsed.find("traceparent");
                    it != parsed.end() && it->is_string())
                    parent = telemetry::SpanContext::from_traceparent(it->get<std::string>());
            telemetry::Span span("engine.control",
                                 telemetry::SpanStart{.kind = telemetry::SpanKind::server,
                                                      .parent = parent ? &*parent : nullptr});
            if (span.recording())
                span.set_attribute("control.command", parsed.value("cmd", std::string()));
            response = run(fleet, parsed, shutdown);
            if (!response.value("ok", false))
                span.set_status(telemetry::StatusCode::error,
                                response.value("error", std::string()));
        }
    } catch (const std::exception& e) {
        response = error(e.what());
    }
    if (shutdown && request_shutdown) request_shutdown();
    return response.dump();
}

}  // namespace decnet::engine
