#include "api/server/router.hpp"

#include "core/percent_encoding.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/auth/auth_service.hpp"
#include "api/validation.hpp"
#include "core/text.hpp"
#include "telemetry/metrics.hpp"
#include "telemetry/span.hpp"

namespace decnet::api {
namespace {

constexpr std::string_view kPrefix = "/api/v1";
constexpr std::string_view kCorsMethods = "GET, POST, PUT, DELETE, OPTIONS";
constexpr std::string_view kCorsHeaders =
    "Accept, Accept-Language, Authorization, Content-Language, Content-Type, Last-Event-ID";
constexpr std::array<std::string_view, 5> kCorsMethodList = {"GET", "POST", "PUT", "DELETE",
                                                             "OPTIONS"};
constexpr std::array<std::string_view, 6> kCorsHeaderList = {"accept",        "accept-language",
                                                             "authorization", "content-language",
                                                             "content-type",  "last-event-id"};

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    if (path.starts_with('/')) path.remove_prefix(1);
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        segments.emplace_back(path.substr(start, slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return segments;
}

// A path's segments as views into it, without allocating. No route is deeper than
// kMaxSegments, so a deeper path only needs to be known as such (it matches nothing).
struct PathSegments {
    static constexpr std::size_t kMaxSegments = 16;
    std::array<std::string_view, kMaxSegments> items{};
    std::size_t count = 0;
    bool too_deep = false;
};

PathSegments split_path_view(std::string_view path) {
    PathSegments out;
    if (path.starts_with('/')) path.remove_prefix(1);
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        if (out.count == PathSegments::kMaxSegments) {
            out.too_deep = true;
            break;
        }
        out.items[out.count++] = path.substr(start, slash - start);
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

bool is_capture(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// FastAPI's strict content type: application/json or application/<x>+json.
bool is_json_content_type(const std::optional<std::string>& header) {
    if (!header) return false;
    auto media = ascii_lower(trim(std::string_view(*header).substr(0, header->find(';'))));
    return media == "application/json" ||
           (media.starts_with("application/") && media.ends_with("+json"));
}

std::string invalid_body_detail(const std::string& path) {
    return path.find("/deckies/deploy") != std::string::npos ? "Invalid INI config"
                                                             : std::string(kInvalidParamsDetail);
}

// The 422 of a body that is not JSON: the production text, or in developer mode the
// framework's error list.
Response invalid_body(const Request& request, bool json_content_type) {
    if (developer_validation_errors())
        return Response::json(
            developer_error_body({developer_body_issue(request.body, json_content_type)}), 422);
    return Response::detail(422, invalid_body_detail(request.path));
}

Response internal_error() {
    Response response;
    response.status = 500;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "Internal Server Error";
    return response;
}

Response plain(int status, std::string body) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(body);
    return response;
}

}  // namespace

// Counts and times each answer by route pattern, not raw path, so label values stay
// bounded. The series are found once per route (and per status the first time it is
// answered), not per request: a labelled lookup locks and compares strings.
struct RouteMetrics {
    explicit RouteMetrics(const Route& r)
        : route(r),
          latency(telemetry::metrics::standard().http_request_seconds.with({r.method, r.pattern})) {
    }

    telemetry::metrics::Counter& answered(int status) {
        if (status < 100 || status > 599) return lookup(status);
        auto& slot = by_status[static_cast<std::size_t>(status - 100)];
        auto* counter = slot.load(std::memory_order_acquire);
        if (!counter) {
            counter = &lookup(status);
            slot.store(counter, std::memory_order_release);
        }
        return *counter;
    }

    const Route& route;
    telemetry::metrics::Histogram& latency;
    std::array<std::atomic<telemetry::metrics::Counter*>, 500> by_status{};

  private:
    telemetry::metrics::Counter& lookup(int status) {
        return telemetry::metrics::standard().http_requests.with(
            {route.method, route.pattern, std::to_string(status)});
    }
};

namespace {

// Routes (and their metrics) live as long as the router, which outlives every reply it
// hands out.
Reply observed(Reply reply, RouteMetrics& metrics) {
    return [reply = std::move(reply), &metrics,
            started = std::chrono::steady_clock::now()](Response response) {
        metrics.latency.observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        metrics.answered(response.status).inc();
        if (response.reuse) response.reuse->metrics = &metrics;
        reply(std::move(response));
    };
}

// A repeat may be answered no later than the caller's token allows.
void bound_by_token(Response::Reuse& reuse, const Principal& principal) {
    if (!principal.token_expires) return;
    const auto unix_now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto left = std::chrono::duration<double>(*principal.token_expires - unix_now);
    if (left.count() <= 0) {
        reuse.expires = std::chrono::steady_clock::time_point::min();
        return;
    }
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
    reuse.expires = std::min(reuse.expires, until);
}

// Runs `call`; a std::exception it throws is recorded on the request's span first.
template <class Call>
auto recording_exceptions(RequestSpan* span, Call&& call) -> decltype(call());

}  // namespace

// One request's server span. The reply may come from another thread (crypto pool) while
// the I/O thread still holds the span, so every use after the start takes the lock, and
// the first reply ends it.
struct RequestSpan {
    RequestSpan(std::string_view name, const telemetry::SpanStart& start) : span(name, start) {}

    void caller(const Principal& principal) {
        const std::lock_guard lock(mutex);
        if (ended || !span.recording() || principal.uuid.empty()) return;
        span.set_attributes({{"enduser.id", principal.uuid}, {"enduser.role", principal.role}});
    }
    void exception(const std::exception& error) {
        const std::lock_guard lock(mutex);
        if (!ended) span.record_exception(error);
    }
    // Ends the span; returns its traceparent for the traceresponse header ("" if it had
    // already ended).
    std::string answered(int status) {
        const std::lock_guard lock(mutex);
        if (ended) return {};
        ended = true;
        span.set_attribute("http.response.status_code", status);
        // OpenTelemetry's HTTP server rule: only 5xx is an error of the server.
        if (status >= 500) span.set_status(telemetry::StatusCode::error);
        auto traceparent = span.traceparent();
        span.end();
        return traceparent;
    }

    std::mutex mutex;
    telemetry::Span span;
    bool ended = false;
};

namespace {
template <class Call>
auto recording_exceptions(RequestSpan* span, Call&& call) -> decltype(call()) {
    if (span == nullptr) return call();
    try {
        return call();
    } catch (const std::exception& error) {
        span->exception(error);
        throw;
    }
}
}  // namespace

void count_repeated_answer(RouteMetrics& metrics, double seconds) {
    metrics.latency.observe(seconds);
    metrics.answered(200).inc();
}

std::string route_span_name(std::string_view method, std::string_view pattern) {
    struct Known {
        std::string_view method, pattern, name;
    };
    static constexpr Known kKnown[] = {
        {"POST", "/api/v1/auth/login", "api.login"},
        {"POST", "/api/v1/auth/change-password", "api.change_password"},
        {"GET", "/api/v1/logs", "api.get_logs"},
        {"GET", "/api/v1/logs/histogram", "api.get_logs_histogram"},
        {"GET", "/api/v1/bounty", "api.get_bounties"},
        {"GET", "/api/v1/attackers", "api.get_attackers"},
        {"GET", "/api/v1/attackers/{uuid}", "api.get_attacker_detail"},
        {"GET", "/api/v1/attackers/{uuid}/commands", "api.get_attacker_commands"},
        {"GET", "/api/v1/stats", "api.get_stats"},
        {"GET", "/api/v1/deckies", "api.get_deckies"},
        {"POST", "/api/v1/deckies/deploy", "api.deploy_deckies"},
        {"POST", "/api/v1/deckies/{decky_name}/mutate", "api.mutate_decky"},
        {"PUT", "/api/v1/deckies/{decky_name}/mutate-interval", "api.update_mutate_interval"},
        {"GET", "/api/v1/config", "api.get_config"},
        {"PUT", "/api/v1/config/deployment-limit", "api.update_deployment_limit"},
        {"PUT", "/api/v1/config/global-mutation-interval", "api.update_global_mutation_interval"},
        {"POST", "/api/v1/config/users", "api.create_user"},
        {"DELETE", "/api/v1/config/users/{user_uuid}", "api.delete_user"},
        {"PUT", "/api/v1/config/users/{user_uuid}/role", "api.update_user_role"},
        {"PUT", "/api/v1/config/users/{user_uuid}/reset-password", "api.reset_user_password"},
        {"DELETE", "/api/v1/config/reinit", "api.reinit"},
        {"GET", "/api/v1/health", "api.get_health"},
        {"GET", "/api/v1/stream", "api.stream_events"},
        {"GET", "/api/v1/openapi.json", "api.get_openapi"},
    };
    for (const auto& known : kKnown)
        if (known.method == method && known.pattern == pattern) return std::string(known.name);
    // Not one of the reference's: "api.<method>_<path words>", e.g. api.get_foo_bar.
    std::string name = "api." + ascii_lower(method);
    auto rest = pattern.starts_with(kPrefix) ? pattern.substr(kPrefix.size()) : pattern;
    for (const char c : rest) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (c == '/' || c == '-' || c == '.')
            name += '_';
    }
    return name;
}

bool CorsPolicy::allows(const std::string& origin) const {
    return std::any_of(allowed_origins.begin(), allowed_origins.end(),
                       [&](const std::string& o) { return o == "*" || o == origin; });
}

Response guarded(const std::function<Response()>& body) {
    try {
        return body();
    } catch (const ValidationError& error) {
        if (error.developer_issues.empty()) return Response::detail(error.status, error.detail);
        return Response::json(developer_error_body(error.developer_issues), error.status);
    } catch (const ApiError& error) {
        auto response = Response::detail(error.status, error.detail);
        for (const auto& [name, value] : error.headers) response.with_header(name, value);
        return response;
    } catch (const std::exception& e) {
        spdlog::error("api: unhandled error: {}", e.what());
        return internal_error();
    } catch (...) {
        spdlog::error("api: unhandled non-standard exception");
        return internal_error();
    }
}

Router::Router(std::vector<Route> routes, auth::AuthService& auth, CorsPolicy cors)
    : auth_(auth), cors_(std::move(cors)) {
    for (auto& route : routes) {
        auto segments = split_path(route.pattern);
        auto span_name = route_span_name(route.method, route.pattern);
        routes_.push_back({std::move(route), std::move(segments), std::move(span_name), nullptr});
    }
    // After the vector stopped moving: the metrics keep a reference to their route.
    for (auto& compiled : routes_)
        compiled.metrics = std::make_shared<RouteMetrics>(compiled.route);
}

std::vector<const Router::Compiled*> Router::match(std::string_view path) const {
    std::vector<const Compiled*> found;
    if (!path.starts_with(kPrefix)) return found;
    const auto segments = split_path_view(path);
    if (segments.too_deep) return found;
    for (const auto& compiled : routes_) {
        if (compiled.segments.size() != segments.count) continue;
        bool ok = true;
        for (std::size_t i = 0; i < segments.count && ok; ++i) {
            const auto& want = compiled.segments[i];
            // Starlette's default convertor: one non-empty segment.
            ok = is_capture(want) ? !segments.items[i].empty() : want == segments.items[i];
        }
        if (ok) found.push_back(&compiled);
    }
    return found;
}

Response Router::preflight(const Request& request) const {
    const auto origin = request.header("origin").value_or("");
    const auto method = request.header("access-control-request-method").value_or("");
    std::vector<std::string> failures;
    if (!cors_.allows(origin)) failures.emplace_back("origin");
    if (std::find(kCorsMethodList.begin(), kCorsMethodList.end(), method) == kCorsMethodList.end())
        failures.emplace_back("method");
    if (auto requested = request.header("access-control-request-headers")) {
        std::string_view rest = *requested;
        for (std::size_t guard = 0; guard < 256 && !rest.empty(); ++guard) {
            const auto comma = rest.find(',');
            const auto name = ascii_lower(trim(rest.substr(0, comma)));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            if (!name.empty() && std::find(kCorsHeaderList.begin(), kCorsHeaderList.end(), name) ==
                                     kCorsHeaderList.end()) {
                failures.emplace_back("headers");
                break;
            }
        }
    }
    Response response;
    if (failures.empty()) {
        response = plain(200, "OK");
        response.with_header("Access-Control-Allow-Origin", origin).with_header("Vary", "Origin");
    } else {
        std::string text = "Disallowed CORS ";
        for (std::size_t i = 0; i < failures.size(); ++i) text += (i ? ", " : "") + failures[i];
        response = plain(400, text);
    }
    response.with_header("Access-Control-Allow-Methods", std::string(kCorsMethods))
        .with_header("Access-Control-Max-Age", "600")
        .with_header("Access-Control-Allow-Headers", std::string(kCorsHeaders));
    return response;
}

void Router::handle(Request request, Reply reply) const {
    const auto origin = request.header("origin");
    if (request.method == "OPTIONS" && origin && request.header("access-control-request-method")) {
        reply(preflight(request));
        return;
    }
    // Simple CORS: every answer to an allowed origin names it.
    Reply answer = std::move(reply);
    if (origin && cors_.allows(*origin)) {
        answer = [inner = std::move(answer), origin = *origin](Response response) {
            response.with_header("Access-Control-Allow-Origin", origin)
                .with_header("Vary", "Origin");
            response.reuse.reset();  // its headers depend on the Origin
            inner(std::move(response));
        };
    }

    const auto candidates = match(request.path);
    if (candidates.empty()) {
        // Starlette's redirect_slashes: the other spelling of the path exists → 307.
        std::string other = request.path;
        if (other.size() > 1 && other.back() == '/')
            other.pop_back();
        else
            other += '/';
        if (!match(other).empty()) {
            std::string location = percent_encode(other, true);
            if (!request.query.empty()) {
                location += '?';
                for (std::size_t i = 0; i < request.query.size(); ++i)
                    location += (i ? "&" : "") + percent_encode(request.query[i].first, false) +
                                "=" + percent_encode(request.query[i].second, false);
            }
            if (auto host = request.header("host")) location = "http://" + *host + location;
            Response redirect;
            redirect.status = 307;
            redirect.with_header("Location", location);
            answer(std::move(redirect));
            return;
        }
        answer(Response::detail(404, "Not Found"));
        return;
    }
    const Compiled* chosen = nullptr;
    std::string allow;
    for (const auto* candidate : candidates) {
        if (candidate->route.method == request.method && !chosen) chosen = candidate;
        if (allow.find(candidate->route.method) == std::string::npos)
            allow += (allow.empty() ? "" : ", ") + candidate->route.method;
    }
    if (!chosen) {
        answer(Response::detail(405, "Method Not Allowed").with_header("Allow", allow));
        return;
    }
    request.path_params.clear();
    {
        // Captures of the chosen route (candidates share the shape, names may differ).
        const auto segments = split_path_view(request.path);
        for (std::size_t i = 0; i < segments.count; ++i) {
            const auto& want = chosen->segments[i];
            if (is_capture(want))
                request.path_params[want.substr(1, want.size() - 2)] = segments.items[i];
        }
    }
    dispatch(*chosen, std::move(request), observed(std::move(answer), *chosen->metrics));
}

void Router::dispatch(const Compiled& compiled, Request request, const Reply& reply) const {
    // Tracing off: this test is all the request pays.
    if (telemetry::tracing_enabled()) return dispatch_traced(compiled, std::move(request), reply);
    run(compiled.route, request, reply, nullptr);
}

void Router::dispatch_traced(const Compiled& compiled, Request request, const Reply& reply) const {
    // Continue the caller's trace when it sent a valid traceparent (W3C), else a new one:
    // an I/O thread has no span of its own to inherit.
    const auto traceparent = request.header("traceparent");
    std::optional<telemetry::SpanContext> remote;
    if (traceparent) remote = telemetry::SpanContext::from_traceparent(*traceparent);
    const std::string trace_state = remote ? request.header("tracestate").value_or("") : "";
    // Not made current: an async handler's reply comes later on another thread; the
    // ContextScope below covers the synchronous stretch on this one.
    const telemetry::SpanStart start{.kind = telemetry::SpanKind::server,
                                     .parent = remote ? &*remote : nullptr,
                                     .trace_state = trace_state,
                                     .new_root = !remote,
                                     .make_current = false};
    auto span = std::make_shared<RequestSpan>(compiled.span_name, start);
    if (span->span.recording()) {
        span->span.set_attributes({{"http.request.method", request.method},
                                   {"http.route", compiled.route.pattern},
                                   {"url.path", request.path},
                                   {"client.address", request.peer_ip}});
    }
    Reply traced = [span, reply](Response response) {
        // W3C Trace Context level 2: tells the caller which trace its request landed in.
        if (auto traceparent = span->answered(response.status); !traceparent.empty())
            response.with_header("traceresponse", std::move(traceparent));
        reply(std::move(response));
    };
    const telemetry::ContextScope scope(span->span);
    run(compiled.route, request, traced, span.get());
}

void Router::run(const Route& route, const Request& request, const Reply& reply,
                 RequestSpan* span) const {
    // §0.4 step 1: a JSON body that does not decode is refused before authentication.
    bool non_json_body = false;
    if (route.has_body && !request.body.empty()) {
        if (is_json_content_type(request.header("content-type"))) {
            if (!nlohmann::json::accept(request.body)) {
                reply(invalid_body(request, true));
                return;
            }
        } else {
            non_json_body = true;  // validated as raw bytes after auth: always fails
        }
    }
    Principal principal;
    auto auth_result = guarded([&] {
        principal =
            recording_exceptions(span, [&] { return auth_.authenticate(request, route.access); });
        return Response{};
    });
    if (auth_result.status != 200) {
        reply(std::move(auth_result));
        return;
    }
    if (span) span->caller(principal);
    if (non_json_body) {
        reply(invalid_body(request, false));
        return;
    }
    if (route.handler) {
        auto response = guarded([&] {
            return recording_exceptions(span, [&] { return route.handler(request, principal); });
        });
        if (response.reuse) {
            // A traced answer carries its own traceresponse: never repeated.
            if (span)
                response.reuse.reset();
            else
                bound_by_token(*response.reuse, principal);
        }
        reply(std::move(response));
        return;
    }
    // Exactly once, even if the handler both replies and then throws.
    auto once = std::make_shared<std::atomic<bool>>(false);
    Reply reply_once = [once, reply](Response response) {
        if (!once->exchange(true)) reply(std::move(response));
    };
    auto failure = guarded([&] {
        recording_exceptions(span, [&] { route.async_handler(request, principal, reply_once); });
        return Response{};
    });
    if (failure.status != 200) reply_once(std::move(failure));
}

}  // namespace decnet::api
