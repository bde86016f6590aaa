#!/usr/bin/env bash
# Sets up a fresh machine and runs idflow's whole test suite. `.ci/run` calls this; so can you.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh
# The store contract suite runs every repository and engine test on PostgreSQL too: a throwaway server, stopped on exit.
source scripts/test-postgres.sh

echo "== type-checking"
npx tsc -p tsconfig.test.json --noEmit

echo "== building dist/ (bin/idflow.js runs it while it is fresh, the sources otherwise)"
node scripts/build.mjs

echo "== running tests"
# Node 20's --test takes no globs: list the files explicitly. Test files that start servers share ports,
# so they run one file at a time (the default on this 2-core machine anyway).
mapfile -d '' files < <(find test -name '*.test.ts' -print0 | sort -z)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# scripts/test-reporter.mjs: one line per file, every failure in full, node's closing `ℹ tests/pass/fail N` lines last.
# TEST_REPORTER=spec (or tap) for node's own reporters.
node --import tsx --test --test-concurrency=1 --test-reporter="${TEST_REPORTER:-./scripts/test-reporter.mjs}" "${files[@]}"
