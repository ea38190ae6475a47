#!/usr/bin/env bash
# Runs the reference's Locust workload headless against a running decnet API.
# Usage: bench/api/run-locust.sh [URL] — env: USERS (500), SPAWN_RATE (50), DURATION (60s).
set -euo pipefail
url=${1:-http://127.0.0.1:8000}
here=$(cd "$(dirname "$0")" && pwd)
exec locust -f "$here/locustfile.py" --headless --host "$url" \
  --users "${USERS:-500}" --spawn-rate "${SPAWN_RATE:-50}" --run-time "${DURATION:-60s}" \
  --only-summary
