// What every resource handler may use: the store, the settings, and the shared services
// (auth, caches, fleet control) the server owns. Handlers get it by reference when their
// routes are built; it outlives the server.
#pragma once

#include <string>

namespace decnet::store {
class Repository;
}

namespace decnet::api {

// From the environment (api.md §9) and the command line.
struct ApiSettings {
    std::string host = "127.0.0.1";
    int port = 8000;
    bool developer_mode = false;  // DECNET_DEVELOPER=true
    bool contract_test = false;   // DECNET_CONTRACT_TEST=true
};

struct ApiContext {
    store::Repository& repo;
    ApiSettings settings;
};

}  // namespace decnet::api
