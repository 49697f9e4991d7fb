#!/usr/bin/env bash
# `npm run -s pulumi-cli`: the Pulumi CLI built from source (tools/pulumi-cli/go.mod pins the version), in a
# cache folder outside the checkout, so every clone on this machine (CI's too) reuses one build. Prints the
# folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` as its last line;
# returns at once when that folder is already complete.
#
#   pulumi                         go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the pinned version
#   pulumi-language-nodejs         tools/pulumi-cli/pulumi-language-nodejs.js (see why there), behind a sh launcher
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped in the @pulumi/pulumi npm package
#
# PULUMI_CLI_CACHE overrides the cache root (default: $XDG_CACHE_HOME or ~/.cache, then
# pulumi-materialize-connections). Progress goes to stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/tools/pulumi-cli"
VERSION=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\).*#\1#p' "$TOOLS/go.mod")
[ -n "$VERSION" ] || { echo "pulumi-cli: no github.com/pulumi/pulumi/pkg/v3 version in $TOOLS/go.mod" >&2; exit 1; }
LAUNCHER_SRC="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$LAUNCHER_SRC" ] || { echo "pulumi-cli: $LAUNCHER_SRC is missing; run npm ci first" >&2; exit 1; }

# The folder's name changes with anything that changes its contents.
KEY=$(cat "$TOOLS/go.mod" "$TOOLS/go.sum" "$TOOLS/pulumi-language-nodejs.js" "$LAUNCHER_SRC" | sha256sum | cut -c1-12)
CACHE=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-materialize-connections}
DIR="$CACHE/pulumi-$VERSION-$KEY"
complete() { [ -x "$DIR/pulumi" ] && [ -x "$DIR/pulumi-language-nodejs" ] && [ -x "$DIR/pulumi-resource-pulumi-nodejs" ]; }
if complete; then
  echo "$DIR"
  exit 0
fi

command -v go >/dev/null || { echo "pulumi-cli: Go is needed to build the Pulumi CLI (go.dev/dl)" >&2; exit 1; }
mkdir -p "$CACHE"
STAGE=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
echo "pulumi-cli: building the Pulumi CLI $VERSION from source (go $(go env GOVERSION)); the first build takes minutes" >&2
start=$(date +%s)
(
  cd "$TOOLS"
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
    -o "$STAGE/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
cp "$TOOLS/pulumi-language-nodejs.js" "$STAGE/pulumi-language-nodejs.js"
printf '#!/bin/sh\nexec node "$(dirname "$0")/pulumi-language-nodejs.js" "$@"\n' >"$STAGE/pulumi-language-nodejs"
cp "$LAUNCHER_SRC" "$STAGE/pulumi-resource-pulumi-nodejs"
chmod 755 "$STAGE/pulumi" "$STAGE/pulumi-language-nodejs" "$STAGE/pulumi-resource-pulumi-nodejs"
"$STAGE/pulumi" version >/dev/null
rm -rf "$DIR"
mv "$STAGE" "$DIR"
trap - EXIT
echo "pulumi-cli: built in $(($(date +%s) - start)) s" >&2
echo "$DIR"
