// Everything between a request and "who is this" (api.md §2): token extraction and JWT
// checks, the user caches of §2.6 with synchronous invalidation, the crypto pool every
// bcrypt call goes through, login throttling and admin seeding. One per server; shared
// by the router and the auth/users/config resources.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/auth/crypto_pool.hpp"
#include "api/auth/jwt.hpp"
#include "api/auth/rate_limiter.hpp"
#include "api/route.hpp"
#include "api/single_flight_cache.hpp"
#include "store/user_records.hpp"

namespace decnet::store {
class Repository;
}

namespace decnet::api::auth {

inline constexpr std::string_view kCredentialsDetail = "Could not validate credentials";
inline constexpr std::string_view kMustChangeDetail =
    "Password change required before accessing this resource";
inline constexpr std::string_view kForbiddenDetail = "Insufficient permissions";

struct AuthSettings {
    std::string jwt_secret;
    std::chrono::seconds token_lifetime{24 * 3600};
    int bcrypt_cost = 12;
    std::size_t crypto_threads = 0;  // 0: one per core
    std::size_t crypto_max_queued = 64;
    RateLimitOptions rate_limit;
    std::chrono::milliseconds uuid_cache_ttl{10'000};
    std::chrono::milliseconds login_cache_ttl{5'000};
    std::chrono::milliseconds user_list_ttl{5'000};
};

class AuthService {
  public:
    using User = store::UserRecord;

    AuthService(store::Repository& repo, AuthSettings settings);

    // The §0.4 step 2 checks for a route's access level; throws ApiError (401/403).
    Principal authenticate(const Request& request, Access access);

    // --- caches (§2.6) ---
    // uuid → user, misses cached too (deletes invalidate them).
    std::optional<User> user_by_uuid(const std::string& uuid);
    // username → user for login; only hits are kept, so a new user can log in at once.
    std::optional<User> user_for_login(const std::string& username);
    // /config's list (never exposes hashes: the resource picks the fields).
    std::vector<User> users();
    // After any write to a user: that uuid, every username entry and the list.
    void invalidate_user(const std::string& uuid);
    // After a create: the list (and usernames, whose misses are never cached anyway).
    void invalidate_user_list();
    // Hits and misses of the three caches above, for /metrics.
    struct CacheCounts {
        const char* name;
        std::uint64_t hits;
        std::uint64_t misses;
    };
    std::vector<CacheCounts> cache_counts() const;

    // --- bcrypt on the pool; false when the pool's queue is full (→ 503). `done` runs on
    // a pool thread; an empty hash means hashing failed. ---
    bool hash_async(std::string password, std::function<void(std::string hash)> done);
    bool verify_async(std::string password, std::string hash, std::function<void(bool ok)> done);
    // A hash of a random secret: unknown users are verified against it so a login takes
    // the same time whether or not the name exists (fixes the reference's Q12).
    const std::string& dummy_hash() const { return dummy_hash_; }

    // §2.7, synchronous (start-up).
    void seed_admin(const std::string& username, const std::string& password);

    const JwtCodec& jwt() const { return jwt_; }
    LoginRateLimiter& rate_limiter() { return limiter_; }
    CryptoPool& crypto_pool() { return pool_; }
    store::Repository& repo() { return repo_; }
    int bcrypt_cost() const { return settings_.bcrypt_cost; }

  private:
    // The uuid and exp of a token that verifies, remembered until its exp: the HMAC and
    // the JSON parsing then run once per token instead of once per request. Only valid
    // tokens are kept (the secret never changes while running), at most
    // kMaxVerifiedTokens of them.
    std::optional<VerifiedToken> verified_token(const std::string& token);
    static constexpr std::size_t kMaxVerifiedTokens = 4096;

    store::Repository& repo_;
    const AuthSettings settings_;
    JwtCodec jwt_;
    LoginRateLimiter limiter_;
    SingleFlightCache<std::string, std::optional<User>> by_uuid_;
    SingleFlightCache<std::string, std::optional<User>> by_username_;
    SingleFlightCache<int, std::vector<User>> user_list_;
    std::string dummy_hash_;
    std::mutex tokens_mutex_;
    std::unordered_map<std::string, VerifiedToken> verified_tokens_;
    CryptoPool pool_;  // last: its workers may still run jobs that use the members above
};

// A canonical lower-case UUIDv4 from the OS's random source.
std::string new_uuid_v4();

}  // namespace decnet::api::auth
