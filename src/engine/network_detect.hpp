// Host network discovery for LAN modes (engine.md §5.1): default interface, its subnet,
// the default gateway and this host's address, read from `ip route` / `ip addr`.
// Tests and air-gapped planning set DECNET_NETWORK="<if> <cidr> <gateway> <host-ip>"
// to skip detection entirely.
#pragma once

#include <string>

namespace decnet::engine {

struct HostNetwork {
    std::string interface;
    std::string subnet;   // network CIDR of the interface address
    std::string gateway;  // may be empty when there is no default route
    std::string host_ip;
};

class NetworkDetector {
  public:
    virtual ~NetworkDetector() = default;
    // Each throws ConfigError with the reference's messages when detection fails.
    virtual std::string default_interface() = 0;
    virtual std::string subnet_of(const std::string& interface) = 0;
    virtual std::string default_gateway() = 0;
    virtual std::string host_ip_of(const std::string& interface) = 0;
};

// Runs `ip`, or answers from DECNET_NETWORK when it is set.
class SystemNetworkDetector : public NetworkDetector {
  public:
    std::string default_interface() override;
    std::string subnet_of(const std::string& interface) override;
    std::string default_gateway() override;
    std::string host_ip_of(const std::string& interface) override;
};

}  // namespace decnet::engine
