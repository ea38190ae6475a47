// libFuzzer target: what the docker_api and k8s emulators read out of attacker requests —
// bounded JSON bodies (depth, size), container and exec specs, image references, API version
// prefixes, Kubernetes REST paths and object bodies — must never crash, hang or overflow.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "honeypot/services/docker_api/docker_request.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/services/k8s/k8s_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace decnet::honeypot;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)http::json_depth(input);
    if (auto spec = docker::parse_container_spec(input)) (void)docker::join_command(spec->cmd);
    (void)docker::parse_exec_spec(input);
    const auto colon = input.find(':');
    if (colon == std::string_view::npos)
        (void)docker::normalize_image(input);
    else
        (void)docker::normalize_image(input.substr(0, colon), input.substr(colon + 1));
    std::string version;
    (void)docker::strip_api_version(input, version);
    (void)docker::api_version_less(version, input);
    (void)k8s::parse_resource_path(input);
    (void)k8s::summarize_object(input);
    return 0;
}
