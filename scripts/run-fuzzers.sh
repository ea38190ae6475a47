#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each (or, with `long`, to 10 million
# executions each, guarded by FUZZ_LONG_MAX_SECONDS so one slow target cannot run forever),
# one at a time, on a corpus kept in tests/corpus/<target>/ (seeds committed there; what a
# run finds stays in a scratch directory). FUZZ_TARGETS="fuzz_a fuzz_b" runs only those.
# Prints each target's last status line and one summary line per target:
#   fuzz-summary target=<name> execs=<N> corpus=<units> seeds=<files> seconds=<S> result=<R>
# (R: ok, crash, leak, timeout, oom), also appended as a tab-separated row to FUZZ_SUMMARY
# (default BUILD/fuzz-summary.tsv, rewritten per run) for docs/HARDENING.md's table.
# Exits 1 when any target found something (its artifacts are kept and named).
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
summary=${FUZZ_SUMMARY:-$build/fuzz-summary.tsv}
long_guard=${FUZZ_LONG_MAX_SECONDS:-7200}
printf 'target\texecutions\tcorpus_units\tseed_files\tseconds\tresult\n' >"$summary"
status=0
for target in "$build"/fuzz/fuzz_*; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  if [[ -n "${FUZZ_TARGETS:-}" && " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  corpus="$root/tests/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  mkdir -p "$corpus"
  if [[ "$seconds" == long ]]; then
    limit=(-runs=10000000 -max_total_time="$long_guard")
    echo "fuzz: $name to 10M executions (at most ${long_guard}s)"
  else
    limit=(-max_total_time="$seconds")
    echo "fuzz: $name for ${seconds}s"
  fi
  # A whole emulator shows libFuzzer 60-90k features per input, and the entropic schedule's
  # per-input table of rare features then costs 50-70 % of the time: without it these
  # targets ran 16-20x more inputs and reached more features in the same 15 s (telnet
  # 6 -> 96 exec/s, docker_api 15 -> 306). fuzz_ssh_channel runs the whole shell and sftp
  # (100k features): 9 -> 111 exec/s, 105k -> 110k features in 20 s. The parser targets
  # run alike either way.
  schedule=()
  [[ "$name" == fuzz_dialogue_* || "$name" == fuzz_ssh_channel ]] && schedule=(-entropic=0)
  started=$(date +%s)
  result=ok
  if ! "$target" "${limit[@]}" "${schedule[@]}" -max_len=70000 -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" "$corpus" >"$work/log" 2>&1; then
    result=crash
    grep -q "ERROR: libFuzzer: timeout" "$work/log" && result=timeout
    grep -q "out-of-memory" "$work/log" && result=oom
    grep -q "ERROR: LeakSanitizer" "$work/log" && result=leak
    echo "fuzz: $name FOUND A ${result^^} — artifacts in $work"; tail -40 "$work/log"; status=1
  else
    grep -E '^#[0-9]+' "$work/log" | tail -1
  fi
  elapsed=$(($(date +%s) - started))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  units=$(grep -oE 'corp: [0-9]+' "$work/log" | tail -1 | grep -oE '[0-9]+' || true)
  seeds=$(find "$corpus" -type f | wc -l)
  echo "fuzz-summary target=$name execs=${execs:-0} corpus=${units:-0} seeds=$seeds seconds=$elapsed result=$result"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${execs:-0}" "${units:-0}" "$seeds" "$elapsed" \
    "$result" >>"$summary"
  [[ "$result" == ok ]] && rm -rf "$work"
done
echo "fuzz: summary in $summary"
exit $status
