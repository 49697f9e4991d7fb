#!/usr/bin/env bash
# `npm run plugin:pack [-- <out-dir>]`: the native provider as a Pulumi plugin tarball, for
#   pulumi plugin install resource materialize-connections <version> --file <tarball>
# The tarball holds `pulumi-resource-materialize-connections` (a sh launcher: Node.js must be on PATH) beside a
# node_modules with this package (npm pack of this checkout, built) and its production dependencies, @pulumi/pulumi
# at the version the package is developed against included (the plugin loads Pulumi's gRPC stubs from it).
# Prints the tarball's path as its last line. Needs the npm registry (or npm's cache) for the dependencies.
# PLUGIN_PACK_BUILT=1 packs lib/ as it is (a caller that has just built it, e.g. the acceptance suite).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT}" && cd "${1:-$ROOT}" && pwd)
VERSION=$(node -p "require('$ROOT/package.json').version")
PULUMI_VERSION=$(node -p "require('$ROOT/package.json').devDependencies['@pulumi/pulumi']")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/plugin-pack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ "${PLUGIN_PACK_BUILT:-}" = 1 ] || (cd "$ROOT" && npm run -s build >&2)
(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" >/dev/null)
mkdir "$WORK/plugin"
cd "$WORK/plugin"
echo '{ "name": "materialize-connections-plugin", "private": true }' >package.json
npm install --silent --no-audit --no-fund --omit=dev --ignore-scripts \
  "$WORK/pulumi-materialize-connections-$VERSION.tgz" "@pulumi/pulumi@$PULUMI_VERSION" >&2
rm package.json package-lock.json
cat >pulumi-resource-materialize-connections <<'SH'
#!/bin/sh
exec node "$(dirname "$0")/node_modules/pulumi-materialize-connections/lib/provider/native/main.js" "$@"
SH
chmod 755 pulumi-resource-materialize-connections
TARBALL="$OUT/pulumi-resource-materialize-connections-v$VERSION.tar.gz"
tar -czf "$TARBALL" .
echo "plugin-pack: $(du -h "$TARBALL" | cut -f1) for pulumi plugin install resource materialize-connections $VERSION --file <it>" >&2
echo "$TARBALL"
