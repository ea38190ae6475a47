#include "bench_http.hpp"

#include <cstdio>
#include <stdexcept>

namespace decnet::bench {

std::string run_command(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + command);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    return out;
}

nlohmann::json post_json(const std::string& url, const nlohmann::json& body,
                         const std::string& token) {
    std::string command = "curl -s -X POST -H 'Content-Type: application/json' ";
    if (!token.empty()) command += "-H 'Authorization: Bearer " + token + "' ";
    command += "-d '" + body.dump() + "' " + url;
    return nlohmann::json::parse(run_command(command));
}

std::string login(const std::string& base, const std::string& password) {
    const nlohmann::json credentials = {{"username", "admin"}, {"password", password}};
    auto answer = post_json(base + "/api/v1/auth/login", credentials);
    if (!answer.contains("access_token")) throw std::runtime_error("login: " + answer.dump());
    if (answer.value("must_change_password", false)) {
        post_json(base + "/api/v1/auth/change-password",
                  {{"old_password", password}, {"new_password", password}},
                  answer["access_token"].get<std::string>());
        answer = post_json(base + "/api/v1/auth/login", credentials);
    }
    return answer.at("access_token").get<std::string>();
}

}  // namespace decnet::bench
