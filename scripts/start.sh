#!/usr/bin/env bash
# idflow's main job on a fresh machine: installs what is missing, creates (or updates) the repository
# ./idflow.db with the default workflows and a small demo organisation, and serves the web console and the API
# (http://127.0.0.1:8080; docs/console.md) until Ctrl-C. Set IDFLOW_DB to use another file, IDFLOW_PORT another port.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh

# Compiled JavaScript starts in a fraction of the time tsx needs (docs/decisions/cli-start-up.md).
node scripts/build.mjs

export IDFLOW_DB="${IDFLOW_DB:-./idflow.db}"

echo "== idflow init ($IDFLOW_DB)"
node bin/idflow.js init

echo
echo "== idflow serve --demo"
exec node bin/idflow.js serve --demo --port "${IDFLOW_PORT:-8080}"
