#!/usr/bin/env bash
# idflow's main job on a fresh machine: installs what is missing, creates (or updates) the repository
# ./idflow.db with the default workflows, and shows the definitions it holds.
# Set IDFLOW_DB to use another file. Later milestones turn this into the server.
set -euo pipefail
cd "$(dirname "$0")/.."

# Native addons (better-sqlite3) build against Node's own headers; never download them.
export npm_config_nodedir="${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath,'../..')")}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
fi

export IDFLOW_DB="${IDFLOW_DB:-./idflow.db}"

echo "== idflow init ($IDFLOW_DB)"
node bin/idflow.js init

echo
echo "== TaskDefinitions"
node bin/idflow.js list TaskDefinition

echo
echo "== Workflows"
node bin/idflow.js list Workflow
