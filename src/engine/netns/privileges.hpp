// Whether this process may create namespaces and links: netns mode checks it before it
// creates anything, so a user without root gets one clear error and nothing half-made.
#pragma once

namespace decnet::engine::netns {

// Throws ConfigError "netns mode needs root (CAP_NET_ADMIN) …" unless the effective
// capability set has CAP_NET_ADMIN and CAP_SYS_ADMIN (`ip netns add` mounts).
void require_netns_privileges();

}  // namespace decnet::engine::netns
