// The bench store of issue #5: ≈20,000 logs, 200 attackers with behaviour rows, 1,500
// bounty rows and a 10-decky deployment — the size the reference profiled against.
#pragma once

#include <string>

namespace decnet::bench {

struct SeedCounts {
    int logs = 20000;
    int attackers = 200;
    int bounties = 1500;
    int deckies = 10;
};

// Creates (replacing) a SQLite database at `path` with the reference-shaped data.
void seed_database(const std::string& path, const SeedCounts& counts = {});

}  // namespace decnet::bench
