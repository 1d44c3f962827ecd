#!/usr/bin/env bash
# The project's test command (README, .ci/run): type-check, then every test.
# The tests start their own private redis-server (installed from Debian when
# missing and we are root) and the simulated Asterisk; nothing else is needed.
# (npm install rather than npm ci: npm 11.19 refuses its own lock file in ci
# mode when optional platform packages of other systems are left out of it.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
