// TracedRepository: a decorator that gives every Repository call a `db.<method>` client
// span (docs/TRACING.md), whichever backend it wraps, like the reference's repository
// proxy. open_repository() installs it, so SQLite and MariaDB are covered alike; with
// tracing off a call costs the forwarding virtual call and one branch.
#pragma once

#include <memory>
#include <string>

#include "store/repository.hpp"

namespace decnet::store {

// `db_system` is the OpenTelemetry db.system value: "sqlite" or "mysql".
std::unique_ptr<Repository> make_traced_repository(std::unique_ptr<Repository> inner,
                                                   std::string db_system);

}  // namespace decnet::store
