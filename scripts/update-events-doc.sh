#!/usr/bin/env bash
# Rewrites the per-service event table of docs/EVENTS.md from the modules' declarations
# (what ServiceRegistry.EventsMdListsEveryDeclaredEvent checks). Usage: scripts/update-events-doc.sh [BUILD]
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
doc="$root/docs/EVENTS.md"
# Empty the table (rows after the header), then ask the test which rows are missing: all of them.
python3 - "$doc" <<'PY'
import sys
p = sys.argv[1]; lines = open(p).read().split("\n")
start = lines.index("| service | event | fields | meaning |") + 2
end = start
while end < len(lines) and lines[end].startswith("| "): end += 1
open(p, "w").write("\n".join(lines[:start] + lines[end:]))
PY
rows=$("$build/tests/unit_honeypot" --gtest_filter=ServiceRegistry.EventsMdListsEveryDeclaredEvent 2>&1 | grep '^| ' || true)
ROWS="$rows" python3 - "$doc" <<'PY'
import os, sys
p = sys.argv[1]; lines = open(p).read().split("\n")
start = lines.index("| service | event | fields | meaning |") + 2
rows = list(dict.fromkeys(r for r in os.environ["ROWS"].split("\n") if r))  # the test may print a row more than once
open(p, "w").write("\n".join(lines[:start] + rows + lines[start:]))
PY
