// A route: method + path pattern + who may call it + the handler. Resources export a
// list of these (e.g. `std::vector<Route> log_routes(ApiContext&)`); the server's router
// does matching (404/405/307 of api.md §0.2), CORS, body decoding before auth and the
// auth checks of §0.4/§2 before calling the handler.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/http_message.hpp"

namespace decnet::api {

enum class Access {
    kPublic,       // no token (login)
    kTokenOnly,    // a JWT that decodes and carries uuid; no DB/flag/role check (change-password)
    kViewer,       // viewer or admin, must_change_password false
    kAdmin,        // admin, must_change_password false
    kStreamToken,  // header or ?token=; no must-change check (SSE, api.md §3)
};

// Who is calling, after the auth checks passed. Empty for kPublic.
struct Principal {
    std::string uuid;
    std::string username;
    std::string role;  // "admin" | "viewer"
    bool must_change_password = false;
    // The token's exp claim (Unix seconds), when it has one.
    std::optional<double> token_expires;
    bool is_admin() const { return role == "admin"; }
};

// Most handlers answer at once (they run on an I/O thread: keep them short — DB reads
// through caches). Handlers that must wait (bcrypt on the crypto pool) take a `reply`
// callback instead and may call it from any thread, exactly once.
using SyncHandler = std::function<Response(const Request&, const Principal&)>;
using Reply = std::function<void(Response)>;
using AsyncHandler = std::function<void(const Request&, const Principal&, Reply)>;

struct Route {
    std::string method;   // "GET" ...
    std::string pattern;  // "/api/v1/attackers/{uuid}/commands"
    Access access = Access::kViewer;
    // True when the endpoint declares a JSON body: the router decodes it before auth and
    // answers 422 on malformed JSON or a non-JSON content type (api.md §0.3/§0.4).
    bool has_body = false;
    SyncHandler handler;  // exactly one of handler / async_handler is set
    AsyncHandler async_handler;
};

// A GET any viewer may call, answered at once (most read resources).
inline Route viewer_get(std::string pattern, SyncHandler handler) {
    Route route;
    route.method = "GET";
    route.pattern = std::move(pattern);
    route.access = Access::kViewer;
    route.handler = std::move(handler);
    return route;
}

}  // namespace decnet::api
