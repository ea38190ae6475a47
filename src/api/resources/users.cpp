// User management under /config/users (api.md §1.19–§1.22), admin only. Every write
// invalidates the auth caches before answering, so its effect on existing tokens and on
// logins is immediate. Create and reset hash on the crypto pool (async handlers).
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/resources/core_resources.hpp"
#include "api/resources/field_checks.hpp"
#include "api/server/router.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 72;

[[noreturn]] void busy() {
    throw ApiError{503, "Authentication service busy, retry shortly", {{"Retry-After", "1"}}};
}

// The role Literal: anything but "admin"/"viewer" (any type, null included) → 422.
std::string role_field(const nlohmann::json& body, bool required) {
    auto it = body.find("role");
    if (it == body.end()) {
        if (required) fail_structural();
        return "viewer";
    }
    if (!it->is_string() || (*it != "admin" && *it != "viewer"))
        fail_literal("body", "role", *it, "'admin' or 'viewer'");
    return it->get<std::string>();
}

void create_user(ApiContext& context, const Request& request, Reply reply) {
    const auto body = body_object(request);
    FieldChecks checks;
    auto username = checks.field<std::string>([&] { return body_string(body, "username", 1, 64); });
    auto password = checks.field<std::string>(
        [&] { return body_string(body, "password", kMinPassword, kMaxPassword); });
    auto role = checks.field<std::string>([&] { return role_field(body, false); });
    checks.finish();

    auto& auth = *context.auth;
    // Checked before hashing so a duplicate costs no bcrypt; the unique index still
    // decides a race between two creates.
    if (context.repo.get_user_by_username(*username))
        throw ApiError{409, "Username already exists", {}};
    const bool queued = auth.hash_async(
        std::move(*password), [&auth, reply, name = *username, role = *role](std::string hash) {
            reply(guarded([&] {
                if (hash.empty()) throw std::runtime_error("password hashing failed");
                store::UserRecord user{auth::new_uuid_v4(), name, hash, role, true};
                if (!auth.repo().create_user(user))
                    throw ApiError{409, "Username already exists", {}};
                auth.invalidate_user_list();
                nlohmann::ordered_json out;
                out["uuid"] = user.uuid;
                out["username"] = user.username;
                out["role"] = user.role;
                out["must_change_password"] = true;
                return Response::json(out.dump());
            }));
        });
    if (!queued) busy();
}

Response delete_user(ApiContext& context, const Request& request, const Principal& principal) {
    const auto& uuid = request.path_param("user_uuid");
    if (uuid == principal.uuid) throw ApiError{403, "Cannot delete your own account", {}};
    if (!context.repo.delete_user(uuid)) throw ApiError{404, "User not found", {}};
    context.auth->invalidate_user(uuid);
    return Response::message("User deleted");
}

Response update_role(ApiContext& context, const Request& request, const Principal& principal) {
    const auto body = body_object(request);
    const auto role = role_field(body, true);  // validated before the self check (§0.4)
    const auto& uuid = request.path_param("user_uuid");
    if (uuid == principal.uuid) throw ApiError{403, "Cannot change your own role", {}};
    if (!context.repo.update_role(uuid, role)) throw ApiError{404, "User not found", {}};
    context.auth->invalidate_user(uuid);
    return Response::message("User role updated");
}

void reset_password(ApiContext& context, const Request& request, Reply reply) {
    const auto body = body_object(request);
    auto password = body_string(body, "new_password", kMinPassword, kMaxPassword);
    const auto uuid = request.path_param("user_uuid");
    auto& auth = *context.auth;
    if (!context.repo.get_user_by_uuid(uuid)) throw ApiError{404, "User not found", {}};
    const bool queued =
        auth.hash_async(std::move(password), [&auth, reply, uuid](std::string hash) {
            reply(guarded([&] {
                if (hash.empty()) throw std::runtime_error("password hashing failed");
                // The flag forces the user through change-password, even with old tokens.
                if (!auth.repo().update_password(uuid, hash, true))
                    throw ApiError{404, "User not found", {}};
                auth.invalidate_user(uuid);
                return Response::message("Password reset successfully");
            }));
        });
    if (!queued) busy();
}

}  // namespace

std::vector<Route> users_routes(ApiContext& context) {
    std::vector<Route> routes;
    routes.push_back({"POST", "/api/v1/config/users", Access::kAdmin, true, nullptr,
                      [&context](const Request& request, const Principal&, Reply reply) {
                          create_user(context, request, std::move(reply));
                      }});
    routes.push_back({"DELETE", "/api/v1/config/users/{user_uuid}", Access::kAdmin, false,
                      [&context](const Request& request, const Principal& principal) {
                          return delete_user(context, request, principal);
                      },
                      nullptr});
    routes.push_back({"PUT", "/api/v1/config/users/{user_uuid}/role", Access::kAdmin, true,
                      [&context](const Request& request, const Principal& principal) {
                          return update_role(context, request, principal);
                      },
                      nullptr});
    routes.push_back({"PUT", "/api/v1/config/users/{user_uuid}/reset-password", Access::kAdmin,
                      true, nullptr,
                      [&context](const Request& request, const Principal&, Reply reply) {
                          reset_password(context, request, std::move(reply));
                      }});
    return routes;
}

}  // namespace decnet::api
