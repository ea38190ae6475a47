#!/usr/bin/env bash
# Runs every benchmark binary under BUILD/bench; each prints its figure as its last line.
set -euo pipefail
build=${1:-build}
found=0
for bench in "$build"/bench/*_bench; do
  [[ -x "$bench" ]] || continue
  found=1
  echo "== $(basename "$bench")"
  "$bench"
done
[[ $found -eq 1 ]] || echo "bench: no benchmarks built yet"
