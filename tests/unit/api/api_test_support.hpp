// Shared by the api unit tests: a fresh SQLite store in a temp dir and an AuthService
// over it with a cheap bcrypt cost.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "api/auth/auth_service.hpp"
#include "store/repository.hpp"

namespace decnet::api::testing {

struct TempStore {
    std::string dir;
    std::unique_ptr<store::Repository> repo;
    TempStore() {
        char pattern[] = "/tmp/decnet-api-test-XXXXXX";
        dir = ::mkdtemp(pattern);
        repo = store::open_sqlite(dir + "/t.db");
    }
    ~TempStore() {
        repo.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

inline auth::AuthSettings cheap_settings() {
    auth::AuthSettings settings;
    settings.jwt_secret = "0123456789abcdef0123456789abcdef";
    settings.bcrypt_cost = 4;  // the minimum: these tests are about logic, not cost
    settings.crypto_threads = 2;
    return settings;
}

}  // namespace decnet::api::testing
