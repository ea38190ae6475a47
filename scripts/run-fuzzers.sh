#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each (or, with `long`, to 10 million
# executions each), on a corpus kept in tests/corpus/<target>/ (seeds committed there).
# Fails on the first finding; prints each target's last status line (executions reached).
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for target in "$build"/fuzz/fuzz_*; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  corpus="$root/tests/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  mkdir -p "$corpus"
  if [[ "$seconds" == long ]]; then
    limit=(-runs=10000000)
    echo "fuzz: $name to 10M executions"
  else
    limit=(-max_total_time="$seconds")
    echo "fuzz: $name for ${seconds}s"
  fi
  if ! "$target" "${limit[@]}" -max_len=70000 -artifact_prefix="$work/" \
      "$work" "$corpus" >"$work/log" 2>&1; then
    echo "fuzz: $name FOUND A CRASH — artifacts in $work"; tail -40 "$work/log"; status=1
  else
    tail -1 "$work/log"; rm -rf "$work"
  fi
done
exit $status
