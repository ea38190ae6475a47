// ApiServer: the HTTP/1.1 front of the REST API on Boost.Beast (kept out of this header).
// Binds at construction, serves from one io_context per I/O thread (one per core), keeps
// connections alive, enforces header/body limits and read/idle timeouts, and shuts down
// gracefully. `decnet api` runs it alone; `decnet up` can embed it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/route.hpp"
#include "api/server/router.hpp"

namespace decnet::api {

namespace auth {
class AuthService;
}

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8000;  // 0: any free port (see ApiServer::port())
    std::size_t threads = 0;     // 0: one per core
    std::size_t header_limit = std::size_t{16} * 1024;
    // The deploy endpoint takes 512 KiB of INI, which JSON escaping can nearly double.
    std::size_t body_limit = std::size_t{1024} * 1024;
    // Waiting for the next request head on a kept-alive connection.
    std::chrono::seconds idle_timeout{60};
    // Receiving a body once its head arrived, and sending a response.
    std::chrono::seconds io_timeout{30};
    // How long stop() lets in-flight requests finish.
    std::chrono::seconds shutdown_grace{5};
    // Asked first for every path outside /api (the dashboard's files, /openapi.json in
    // developer mode); nullopt lets the router answer. Runs on an I/O thread.
    std::function<std::optional<Response>(const Request&)> outside_api{};
    // The store's data version (Repository::data_version). Set: an answer the router
    // marks reusable (Response::reuse) is repeated by the I/O thread to the same request
    // from the same caller while the version holds (server/fast_answers.hpp).
    std::function<std::optional<std::uint64_t>()> data_version{};
};

class ApiServer {
  public:
    // Binds and listens; throws std::runtime_error when the address cannot be used.
    ApiServer(std::vector<Route> routes, auth::AuthService& auth, CorsPolicy cors,
              const ServerOptions& options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Starts accepting on the I/O threads.
    void start();
    // Stops accepting, closes idle connections, lets running requests answer (within the
    // grace period), then joins the threads. Idempotent.
    void stop();

    unsigned short port() const;
    // "http://host:port"
    std::string url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::api
