#!/usr/bin/env bash
# Builds the dashboard (web/) into web/dist, which the API serves. Part of `make build`.
# Without npm it says so and succeeds (the C++ build does not depend on it); `npm ci` runs
# only when web/node_modules does not match web/package-lock.json, and `npm run build`
# only when a source is newer than the last build.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "build-web: npm not found — the dashboard is not built (scripts/install-deps.sh installs nodejs and npm)"
  exit 0
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # never fetch a browser: tests use Debian's chromium

stamp=node_modules/.decnet-lock
if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "build-web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

if [[ -f dist/index.html ]] &&
   [[ -z "$(find src public index.html vite.config.ts tsconfig.json package-lock.json \
              -newer dist/index.html -print -quit 2>/dev/null)" ]]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
echo "build-web: npm run build"
npm run build --silent
