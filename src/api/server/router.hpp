// The /api/v1 router, independent of the HTTP library (unit-testable without a socket):
// route matching with {name} captures, 404/405/307 (api.md §0.2), CORS (§0.5), the
// evaluation order of §0.4 (JSON decoded before auth, then auth, then the handler), and
// the mapping of ApiError / other exceptions to responses.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/route.hpp"
#include "api/server/query_string.hpp"

namespace decnet::api {

namespace auth {
class AuthService;
}
// The server span of one request while tracing is on (router.cpp).
struct RequestSpan;
// A route's metric series, looked up once instead of per request (router.cpp).
struct RouteMetrics;

struct CorsPolicy {
    std::vector<std::string> allowed_origins;  // exact origins; "*" allows any
    bool allows(const std::string& origin) const;
};

// Runs `body`; ApiError → {"detail"} with its status and headers; any other exception →
// 500 text/plain "Internal Server Error", logged. Async handlers use it for the work they
// do after the crypto pool answers.
Response guarded(const std::function<Response()>& body);

class Router {
  public:
    Router(std::vector<Route> routes, auth::AuthService& auth, CorsPolicy cors);

    // Answers through `reply` exactly once: at once for sync routes, later and from any
    // thread for async ones.
    void handle(Request request, Reply reply) const;

  private:
    struct Compiled {
        Route route;
        std::vector<std::string> segments;  // "{name}" marks a capture
        std::string span_name;              // "api.get_logs" (route_span_name)
        std::shared_ptr<RouteMetrics> metrics;
    };
    // Routes whose pattern matches `path`, in declaration order.
    std::vector<const Compiled*> match(std::string_view path) const;
    Response preflight(const Request& request) const;
    void dispatch(const Compiled& compiled, Request request, const Reply& reply) const;
    void dispatch_traced(const Compiled& compiled, Request request, const Reply& reply) const;
    // `span` (may be null) hears about the caller and any exception a handler throws.
    void run(const Route& route, const Request& request, const Reply& reply,
             RequestSpan* span) const;

    std::vector<Compiled> routes_;
    auth::AuthService& auth_;
    CorsPolicy cors_;
};

// Counts a 200 the server answered again from its fast path (server/fast_answers.hpp)
// as the router counts the answers it routes: same series, same latency histogram.
void count_repeated_answer(RouteMetrics& metrics, double seconds);

// The span name of a route: the reference's handler span names (api.get_logs…,
// tracing.md §3.1) for its 23 endpoints, "api.<method>_<path>" for any other.
std::string route_span_name(std::string_view method, std::string_view pattern);

}  // namespace decnet::api
