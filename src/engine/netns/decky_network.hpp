// netns mode's host side: one network namespace per decky, attached to the LAN by a veth
// pair on a bridge (default; decnet creates "decnet0" holding the gateway address unless
// the named bridge already exists, which is then used as the LAN uplink) or by a
// macvlan/ipvlan child of --interface. Inside each namespace: lo up, the decky's IP on
// eth0 with its own MAC, a default route via the gateway, and the OS family's sysctls.
// Everything created is recorded (see created_objects.hpp) and removed on teardown.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/service_catalog.hpp"
#include "engine/decky_networking.hpp"
#include "engine/netns/created_objects.hpp"
#include "engine/netns/mac_address.hpp"

namespace decnet::engine::netns {

enum class Attach { bridge, macvlan, ipvlan };

struct NetnsOptions {
    Attach attach = Attach::bridge;
    std::string bridge = "decnet0";  // bridge mode
    std::string parent;              // macvlan/ipvlan: the LAN interface
};

// From --attach (bridge|macvlan|ipvlan), --bridge and the plan (--ipvlan, --interface).
// Throws ConfigError for an unknown attach mode or an invalid interface name.
NetnsOptions netns_options(const std::optional<std::string>& attach,
                           const std::optional<std::string>& bridge,
                           const DeploymentConfig& config);

struct DeckyNetwork {
    std::string decky;
    std::string namespace_name;
    std::string ip;
    std::optional<std::string> mac;  // none with ipvlan (children share the parent's MAC)
    std::string vendor;
};

// The record file in a state directory.
std::string record_path(const std::string& state_dir);

// Thread-safe: the REST API, the control socket and the runtime's socket opener may call
// in from different threads.
class DeckyNetworks final : public DeckyNetworking {
  public:
    // Checks privileges first (ConfigError before anything exists), then creates every
    // namespace and link. On any failure everything made so far is removed and the error
    // rethrown.
    static std::unique_ptr<DeckyNetworks> create(const DeploymentConfig& config,
                                                 const NetnsOptions& options,
                                                 const std::string& state_dir);
    ~DeckyNetworks() override;
    DeckyNetworks(const DeckyNetworks&) = delete;
    DeckyNetworks& operator=(const DeckyNetworks&) = delete;

    // Removes every namespace and interface created (idempotent).
    void teardown();

    // A decky added while the instance runs: its namespace and link, like one created at
    // start-up (a MAC distinct from the fleet's). No-op for a decky that has one.
    void add(const DeckyConfig& decky, const DeploymentConfig& deployment) override;
    // One decky's namespace and links, and their lines in the record file.
    void remove(std::string_view decky) noexcept override;
    std::optional<std::string> mac(std::string_view decky) const override;

    std::vector<DeckyNetwork> deckies() const;
    std::optional<DeckyNetwork> find(std::string_view decky) const;
    // Sockets bound (and for TCP listening) on the decky's address inside its namespace,
    // `copies` of them in one SO_REUSEPORT group; the fds are for Runtime's socket opener.
    // Throws ConfigError naming the decky and port.
    std::vector<int> open_listeners(const DeckyConfig& decky, std::uint16_t port,
                                    Transport transport = Transport::tcp,
                                    std::size_t copies = 1) const;

  private:
    DeckyNetworks(const NetnsOptions& options, const std::string& record);
    // These three: caller holds mutex_.
    void create_bridge(const DeploymentConfig& config);
    void create_decky(const DeckyConfig& decky, const DeploymentConfig& config,
                      const MacChoice& mac);
    void remove_objects_of(std::string_view decky);

    const NetnsOptions options_;
    mutable std::mutex mutex_;
    CreatedObjects created_;             // guarded by mutex_
    std::vector<DeckyNetwork> deckies_;  // guarded by mutex_
};

}  // namespace decnet::engine::netns
