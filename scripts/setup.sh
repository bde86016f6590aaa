# Sourced by start.sh and test.sh: installs the npm packages on a fresh machine (or when the lockfile changed).
# Native addons (better-sqlite3) build against Node's own headers; never download them.
export npm_config_nodedir="${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath,'../..')")}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
fi
