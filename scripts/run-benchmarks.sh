#!/usr/bin/env bash
# Runs every benchmark binary under BUILD/bench; each prints its figure as its last line.
# store_10m_bench builds a 10M-row store once (~10 min, ~6 GB in BUILD/bench/store_10m/).
set -euo pipefail
build=${1:-build}
found=0
for bench in "$build"/bench/*_bench; do
  [[ -x "$bench" ]] || continue
  # The soak runs for ten minutes on its own: `make soak`.
  [[ "$(basename "$bench")" == soak_bench ]] && continue
  found=1
  echo "== $(basename "$bench")"
  "$bench"
done
# The dashboard's (bench/dashboard/bench.mjs: bundle size, first page, live feed frames).
if command -v node >/dev/null 2>&1 && [[ -x "$build/decnet" ]]; then
  found=1
  echo "== dashboard_bench"
  status=0
  node "$(dirname "$0")/../bench/dashboard/bench.mjs" --decnet "$build/decnet" || status=$?
  [[ $status -eq 0 || $status -eq 77 ]] || exit $status
fi
[[ $found -eq 1 ]] || echo "bench: no benchmarks built yet"
