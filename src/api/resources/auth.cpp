// POST /auth/login and POST /auth/change-password (api.md §1.1, §1.2). Both wait on the
// crypto pool, so they are async handlers: the bcrypt result arrives on a pool thread and
// the rest of the work (a token, a DB write) runs there.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/resources/core_resources.hpp"
#include "api/resources/field_checks.hpp"
#include "api/security_events.hpp"
#include "api/server/router.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr std::size_t kMaxPassword = 72;

[[noreturn]] void busy() {
    // The pool's queue is full: refuse now rather than let logins queue without bound.
    throw ApiError{503, "Authentication service busy, retry shortly", {{"Retry-After", "1"}}};
}

void login(ApiContext& context, const Request& request, Reply reply) {
    const auto body = body_object(request);
    FieldChecks checks;
    auto username = checks.field<std::string>(
        [&] { return body_string(body, "username", 0, std::string::npos); });
    auto password =
        checks.field<std::string>([&] { return body_string(body, "password", 0, kMaxPassword); });
    checks.finish();

    auto& auth = *context.auth;
    const std::string ip = request.peer_ip;
    if (auto wait = auth.rate_limiter().blocked(ip, *username)) {
        spdlog::warn("api: login locked out for ip={} username={}", ip, *username);
        if (context.security_events) context.security_events->login_lockout(ip, *username, *wait);
        throw ApiError{429,
                       "Too many failed login attempts, try again later",
                       {{"Retry-After", std::to_string(wait->count())}}};
    }
    const auto user = auth.user_for_login(*username);
    // Unknown users are checked against a dummy hash: same cost, no timing oracle.
    std::string hash = user ? user->password_hash : auth.dummy_hash();
    const bool queued = auth.verify_async(
        std::move(*password), std::move(hash), [&auth, reply, user, ip, name = *username](bool ok) {
            reply(guarded([&] {
                if (!user || !ok) {
                    auth.rate_limiter().record_failure(ip, name);
                    throw ApiError{
                        401, "Incorrect username or password", {{"WWW-Authenticate", "Bearer"}}};
                }
                auth.rate_limiter().record_success(name);
                nlohmann::ordered_json out;
                out["access_token"] = auth.jwt().issue(user->uuid);
                out["token_type"] = "bearer";
                out["must_change_password"] = user->must_change_password;
                return Response::json(out.dump());
            }));
        });
    if (!queued) busy();
}

void change_password(ApiContext& context, const Request& request, const Principal& principal,
                     Reply reply) {
    const auto body = body_object(request);
    FieldChecks checks;
    auto old_password = checks.field<std::string>(
        [&] { return body_string(body, "old_password", 0, kMaxPassword); });
    auto new_password = checks.field<std::string>(
        [&] { return body_string(body, "new_password", 0, kMaxPassword); });
    checks.finish();

    auto& auth = *context.auth;
    // §1.2: a direct read, no cache; the token alone was checked.
    const auto user = auth.repo().get_user_by_uuid(principal.uuid);
    if (!user) throw ApiError{401, "Incorrect old password", {}};
    const auto uuid = user->uuid;
    const bool queued = auth.verify_async(
        std::move(*old_password), user->password_hash,
        [&auth, reply, uuid, fresh = std::move(*new_password)](bool ok) mutable {
            if (!ok) {
                reply(Response::detail(401, "Incorrect old password"));
                return;
            }
            const bool hashing =
                auth.hash_async(std::move(fresh), [&auth, reply, uuid](std::string hash) {
                    reply(guarded([&] {
                        if (hash.empty()) throw std::runtime_error("password hashing failed");
                        if (!auth.repo().update_password(uuid, hash, false))
                            throw ApiError{401, "Incorrect old password", {}};
                        auth.invalidate_user(uuid);
                        return Response::message("Password updated successfully");
                    }));
                });
            if (!hashing)
                reply(Response::detail(503, "Authentication service busy, retry shortly")
                          .with_header("Retry-After", "1"));
        });
    if (!queued) busy();
}

}  // namespace

std::vector<Route> auth_routes(ApiContext& context) {
    std::vector<Route> routes;
    routes.push_back({"POST", "/api/v1/auth/login", Access::kPublic, true, nullptr,
                      [&context](const Request& request, const Principal&, Reply reply) {
                          login(context, request, std::move(reply));
                      }});
    routes.push_back({"POST", "/api/v1/auth/change-password", Access::kTokenOnly, true, nullptr,
                      [&context](const Request& request, const Principal& principal, Reply reply) {
                          change_password(context, request, principal, std::move(reply));
                      }});
    return routes;
}

}  // namespace decnet::api
