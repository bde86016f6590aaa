# Sourced by start.sh and test.sh: installs the npm packages on a fresh machine (or when the lockfile changed).
# Native addons (better-sqlite3) build against Node's own headers; never download them.
export npm_config_nodedir="${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath,'../..')")}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# The lockfile's content decides, not its modification time (a checkout or merge touches the file without
# changing it, and `npm ci` would rebuild better-sqlite3 for nothing): the installed tree records the digest of
# the lockfile it was installed from.
lock_digest="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.idflow-lock-digest ] || [ "$(cat node_modules/.idflow-lock-digest)" != "$lock_digest" ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
  echo "$lock_digest" > node_modules/.idflow-lock-digest
fi

# The LDAP connector's tests start a slapd of their own (test/support/slapd.ts): Debian's slapd and ldap-utils,
# installed when missing, like PostgreSQL in test-postgres.sh. apt does not start Debian's default instance.
if [ ! -x /usr/sbin/slapd ] && ! command -v slapd >/dev/null 2>&1 || ! command -v ldapsearch >/dev/null 2>&1; then
  echo "== installing slapd and ldap-utils (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slapd ldap-utils >/dev/null
fi

# The console's browser tests (test/web/) drive Debian's Chromium through playwright-core: installed when missing.
# Never `npx playwright install` (it downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
