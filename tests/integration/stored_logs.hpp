// Reading what an instance stored, for the service integration tests: the `fields` of the
// rows matching a dashboard search, and waiting (bounded) until enough rows arrived.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace decnet::testing {

// The `fields` JSON of the newest rows (at most `limit`) matching `search`.
std::vector<std::string> stored_fields(store::Repository& repo, const std::string& search,
                                       int limit = 100);
// Polls until at least `n` rows match `search`, for at most 10 s.
void wait_for_logs(store::Repository& repo, const std::string& search, std::int64_t n);

}  // namespace decnet::testing
