#include "api/auth/auth_service.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <stdexcept>

#include "api/auth/password.hpp"
#include "store/repository.hpp"

namespace decnet::api::auth {
namespace {

[[noreturn]] void unauthorized() {
    throw ApiError{401, std::string(kCredentialsDetail), {{"WWW-Authenticate", "Bearer"}}};
}
[[noreturn]] void forbidden(std::string_view detail) {
    throw ApiError{403, std::string(detail), {}};
}

// §2.2: exactly "Bearer " (case-sensitive, one space), the token is the rest.
std::optional<std::string> bearer_token(const Request& request) {
    auto header = request.header("authorization");
    if (!header || !header->starts_with("Bearer ")) return std::nullopt;
    return header->substr(7);
}

std::string random_bytes(std::size_t n) {
    std::string bytes(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return bytes;
}

}  // namespace

std::string new_uuid_v4() {
    auto b = random_bytes(16);
    b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
    char text[37];
    const auto* u = reinterpret_cast<const unsigned char*>(b.data());
    std::snprintf(text, sizeof text,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                  u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                  u[14], u[15]);
    return text;
}

AuthService::AuthService(store::Repository& repo, AuthSettings settings)
    : repo_(repo),
      settings_(std::move(settings)),
      jwt_(settings_.jwt_secret, settings_.token_lifetime),
      limiter_(settings_.rate_limit),
      by_uuid_(settings_.uuid_cache_ttl),
      by_username_(settings_.login_cache_ttl),
      user_list_(settings_.user_list_ttl),
      dummy_hash_(bcrypt_hash(base64url_encode(random_bytes(24)), settings_.bcrypt_cost)),
      pool_(settings_.crypto_threads, settings_.crypto_max_queued) {}

Principal AuthService::authenticate(const Request& request, Access access) {
    if (access == Access::kPublic) return {};
    auto token = bearer_token(request);
    if (!token && access == Access::kStreamToken) token = request.query_param("token");
    if (!token) unauthorized();
    auto verified = verified_token(*token);
    if (!verified) unauthorized();
    if (access == Access::kTokenOnly)
        return Principal{verified->uuid, {}, {}, false, verified->expires};

    const auto user = user_by_uuid(verified->uuid);  // exactly one lookup per request (§2.3)
    const bool known_role = user && (user->role == "admin" || user->role == "viewer");
    if (access == Access::kStreamToken) {
        // §2.3: the stream answers 403 for a vanished user and skips the must-change check.
        if (!known_role) forbidden(kForbiddenDetail);
    } else {
        if (!user) unauthorized();
        if (user->must_change_password) forbidden(kMustChangeDetail);
        if (!known_role || (access == Access::kAdmin && user->role != "admin"))
            forbidden(kForbiddenDetail);
    }
    return Principal{user->uuid, user->username, user->role, user->must_change_password,
                     verified->expires};
}

std::optional<VerifiedToken> AuthService::verified_token(const std::string& token) {
    const auto now = unix_now();
    const auto live = [&](const VerifiedToken& t) {
        return !t.expires || static_cast<double>(now) < *t.expires;  // as JwtCodec checks
    };
    {
        std::lock_guard lock(tokens_mutex_);
        if (auto it = verified_tokens_.find(token); it != verified_tokens_.end()) {
            if (live(it->second)) return it->second;
            verified_tokens_.erase(it);
        }
    }
    auto verified = jwt_.verify_token(token, now);
    if (!verified) return std::nullopt;
    std::lock_guard lock(tokens_mutex_);
    // Full means many live tokens at once (or a flood of valid ones): start over rather
    // than track recency on this hot path.
    if (verified_tokens_.size() >= kMaxVerifiedTokens) verified_tokens_.clear();
    verified_tokens_.emplace(token, *verified);
    return verified;
}

std::optional<AuthService::User> AuthService::user_by_uuid(const std::string& uuid) {
    return by_uuid_.get(uuid, [&] { return repo_.get_user_by_uuid(uuid); });
}

std::optional<AuthService::User> AuthService::user_for_login(const std::string& username) {
    auto user = by_username_.get(username, [&] { return repo_.get_user_by_username(username); });
    if (!user) by_username_.invalidate(username);  // positive hits only
    return user;
}

std::vector<AuthService::User> AuthService::users() {
    return user_list_.get(0, [&] { return repo_.list_users(); });
}

void AuthService::invalidate_user(const std::string& uuid) {
    by_uuid_.invalidate(uuid);
    by_username_.clear();  // no uuid → username map: the whole login cache goes
    user_list_.clear();    // also on self password change (the reference's Q9)
}

void AuthService::invalidate_user_list() {
    by_username_.clear();
    user_list_.clear();
}

bool AuthService::hash_async(std::string password, std::function<void(std::string)> done) {
    return pool_.try_submit([this, password = std::move(password), done = std::move(done)] {
        std::string hash;
        try {
            hash = bcrypt_hash(password, settings_.bcrypt_cost);
        } catch (const std::exception& e) {
            spdlog::error("api: bcrypt hash failed: {}", e.what());
        }
        done(std::move(hash));
    });
}

bool AuthService::verify_async(std::string password, std::string hash,
                               std::function<void(bool)> done) {
    return pool_.try_submit([password = std::move(password), hash = std::move(hash),
                             done = std::move(done)] { done(bcrypt_verify(password, hash)); });
}

void AuthService::seed_admin(const std::string& username, const std::string& password) {
    const auto existing = repo_.get_user_by_username(username);
    if (!existing) {
        const bool created = repo_.create_user(
            {new_uuid_v4(), username, bcrypt_hash(password, settings_.bcrypt_cost), "admin", true});
        if (created) spdlog::info("api: created admin user '{}'", username);
    } else if (existing->must_change_password) {
        // Self-heal: the seed password follows the environment until the admin finalises.
        repo_.update_password(existing->uuid, bcrypt_hash(password, settings_.bcrypt_cost), true);
    }
    invalidate_user_list();
    if (existing) invalidate_user(existing->uuid);
}

std::vector<AuthService::CacheCounts> AuthService::cache_counts() const {
    return {{"user_by_uuid", by_uuid_.hits(), by_uuid_.misses()},
            {"user_for_login", by_username_.hits(), by_username_.misses()},
            {"user_list", user_list_.hits(), user_list_.misses()}};
}

}  // namespace decnet::api::auth
