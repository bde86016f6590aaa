#!/usr/bin/env bash
# Sets up a fresh machine and runs idflow's whole test suite. `.ci/run` calls this; so can you.
set -euo pipefail
cd "$(dirname "$0")/.."

# Native addons (better-sqlite3) build against Node's own headers; never download them.
export npm_config_nodedir="${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath,'../..')")}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
fi

echo "== type-checking"
npx tsc -p tsconfig.test.json --noEmit

echo "== running tests"
# Node 20's --test takes no globs: list the files explicitly. Test files that start servers share ports,
# so they run one file at a time (the default on this 2-core machine anyway).
mapfile -d '' files < <(find test -name '*.test.ts' -print0 | sort -z)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
node --import tsx --test --test-concurrency=1 "${files[@]}"
