#!/usr/bin/env bash
# The project's test command (README, .ci/run): type-check, lint, then every test
# (the unit project, and the integration project, whose global setup installs the
# missing Debian packages through scripts/system-packages.sh when we are root and
# starts a private redis-server; the tests start the simulated Asterisk themselves).
# (npm install rather than npm ci: npm 11.19 refuses its own lock file in ci
# mode when optional platform packages of other systems are left out of it.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc -p tsconfig.json --noEmit
npx biome lint
npx vitest run "$@"
