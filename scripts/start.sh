#!/usr/bin/env bash
# idflow's main job on a fresh machine: installs what is missing, creates (or updates) the repository
# ./idflow.db with the default workflows, and shows the definitions it holds.
# Set IDFLOW_DB to use another file. Later milestones turn this into the server.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh

# Compiled JavaScript starts in a fraction of the time tsx needs (docs/decisions/cli-start-up.md).
node scripts/build.mjs

export IDFLOW_DB="${IDFLOW_DB:-./idflow.db}"

echo "== idflow init ($IDFLOW_DB)"
node bin/idflow.js init

echo
echo "== TaskDefinitions"
node bin/idflow.js list TaskDefinition

echo
echo "== Workflows"
node bin/idflow.js list Workflow
