// Bounty extraction (api.md §5.5): captured credentials and attacker fingerprints pulled
// out of stored log rows, all ten rules of the reference, and captured payloads
// (`file_captured` events → type `artifact`).
#pragma once

#include <vector>

#include "store/repository.hpp"

namespace decnet::store {

// Every bounty the row yields (several rules may fire). Payloads are compact JSON in the
// reference's key order; `timestamp` is left empty for the store to fill.
std::vector<BountyRecord> extract_bounties(const LogRecord& row);

}  // namespace decnet::store
