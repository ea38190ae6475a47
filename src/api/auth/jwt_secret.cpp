#include "api/auth/jwt_secret.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "events/event.hpp"

namespace decnet::api::auth {
namespace {

constexpr std::array<std::string_view, 5> kWeakSecrets = {"fallback-secret-key-change-me", "admin",
                                                          "secret", "password", "changeme"};

std::string read_secret_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string secret;
    std::getline(in, secret);
    return secret;
}

// Created with O_EXCL so two processes starting at once agree on one key: the loser
// reads the winner's file.
std::string generated_secret(const std::string& state_dir) {
    namespace fs = std::filesystem;
    const fs::path dir = state_dir.empty() ? fs::path(".") : fs::path(state_dir);
    const fs::path path = dir / "jwt_secret";
    if (fs::exists(path)) {
        auto secret = read_secret_file(path);
        if (secret.size() >= 32) return secret;
        throw std::runtime_error("JWT secret file " + path.string() + " is too short");
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    const auto secret = to_hex({bytes, sizeof bytes});
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return read_secret_file(path);
        throw std::runtime_error("cannot create JWT secret file " + path.string());
    }
    const std::string line = secret + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write JWT secret file " + path.string());
    return secret;
}

}  // namespace

std::string jwt_secret_problem(const std::string& secret, bool developer_mode) {
    std::string lower = secret;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(kWeakSecrets.begin(), kWeakSecrets.end(), lower) != kWeakSecrets.end())
        return "DECNET_JWT_SECRET is a known weak value";
    if (secret.size() < 32 && !developer_mode)
        return "DECNET_JWT_SECRET must be at least 32 characters (or set DECNET_DEVELOPER=true)";
    return {};
}

std::string resolve_jwt_secret(const std::string& state_dir, bool developer_mode) {
    const char* env = std::getenv("DECNET_JWT_SECRET");
    if (env == nullptr || *env == '\0') return generated_secret(state_dir);
    const std::string secret = env;
    if (auto problem = jwt_secret_problem(secret, developer_mode); !problem.empty())
        throw std::runtime_error(problem);
    return secret;
}

}  // namespace decnet::api::auth
