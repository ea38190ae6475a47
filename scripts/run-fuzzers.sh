#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, on a corpus kept in
# tests/corpus/<target>/ (seeds committed there). Fails on the first finding.
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
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -max_len=70000 -artifact_prefix="$work/" \
      "$work" "$corpus" >"$work/log" 2>&1; then
    echo "fuzz: $name FOUND A CRASH — artifacts in $work"; tail -40 "$work/log"; status=1
  else
    tail -1 "$work/log"; rm -rf "$work"
  fi
done
exit $status
