#!/usr/bin/env bash
# `npm run -s pulumi-cli`: the Pulumi CLI built from source (tools/pulumi-cli/go.mod pins the version), in a
# cache folder outside the checkout, so every clone on this machine (CI's too) reuses one build. Prints the
# folder holding `pulumi`, its language hosts and `pulumi-resource-pulumi-nodejs` as its last line; returns at
# once when that folder is already complete.
#
#   pulumi                         go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the pinned version
#   pulumi-language-nodejs         tools/pulumi-cli/pulumi-language-nodejs.js (see why there), behind a sh launcher
#   pulumi-language-yaml           go install of github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml at
#                                  $YAML_VERSION (Pulumi YAML programs, e.g. of the native provider)
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped in the @pulumi/pulumi npm package
#
# Two cache levels: each Go build (minutes) is keyed by what pins it only: the CLI by go.mod and go.sum
# (go-$VERSION-<key>/pulumi), the YAML host by its version (yaml-$YAML_VERSION/pulumi-language-yaml, whose
# module checksums `go install` verifies against the checksum database). The folder printed is keyed by all of
# them and the two scripts, and holds hard links to those binaries (copies across file systems) beside the
# scripts. So an edit of the language host costs a link and two copies, not a Go build, and
# clones with different language hosts never share (or overwrite) one folder. The CLI finds its plugins beside
# its own path, which is why the binary is linked and not symlinked (a symlink would resolve to the Go folder).
#
# PULUMI_CLI_CACHE overrides the cache root (default: $XDG_CACHE_HOME or ~/.cache, then
# pulumi-materialize-connections). Progress goes to stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/tools/pulumi-cli"
VERSION=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\).*#\1#p' "$TOOLS/go.mod")
[ -n "$VERSION" ] || { echo "pulumi-cli: no github.com/pulumi/pulumi/pkg/v3 version in $TOOLS/go.mod" >&2; exit 1; }
YAML_VERSION=v1.25.0
LAUNCHER_SRC="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$LAUNCHER_SRC" ] || { echo "pulumi-cli: $LAUNCHER_SRC is missing; run npm ci first" >&2; exit 1; }

# Each folder's name changes with anything that changes its contents.
GO_KEY=$(cat "$TOOLS/go.mod" "$TOOLS/go.sum" | sha256sum | cut -c1-12)
KEY=$( (echo "$GO_KEY $YAML_VERSION" && cat "$TOOLS/pulumi-language-nodejs.js" "$LAUNCHER_SRC") | sha256sum | cut -c1-12)
CACHE=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-materialize-connections}
GO_DIR="$CACHE/go-$VERSION-$GO_KEY"
YAML_DIR="$CACHE/yaml-$YAML_VERSION"
DIR="$CACHE/pulumi-$VERSION-$KEY"
# Complete: the binary, and both scripts byte for byte what this checkout has.
complete() {
  [ -x "$DIR/pulumi" ] && [ -x "$DIR/pulumi-language-nodejs" ] && [ -x "$DIR/pulumi-language-yaml" ] &&
    [ -x "$DIR/pulumi-resource-pulumi-nodejs" ] &&
    cmp -s "$DIR/pulumi-language-nodejs.js" "$TOOLS/pulumi-language-nodejs.js" &&
    cmp -s "$DIR/pulumi-resource-pulumi-nodejs" "$LAUNCHER_SRC"
}
if complete; then
  echo "$DIR"
  exit 0
fi

mkdir -p "$CACHE"
STAGE=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
# Runs `$4 <folder>` to build $2 into a fresh folder, which then replaces $1: an interrupted build leaves no
# half-made folder in the cache. Nothing to do when $1 already holds $2.
build_once() {
  local dir=$1 bin=$2 what=$3 build=$4 start
  [ -x "$dir/$bin" ] && return
  command -v go >/dev/null || { echo "pulumi-cli: Go is needed to build $what (go.dev/dl)" >&2; exit 1; }
  echo "pulumi-cli: building $what from source (go $(go env GOVERSION)); the first build takes minutes" >&2
  start=$(date +%s)
  mkdir "$STAGE/$bin"
  "$build" "$STAGE/$bin"
  rm -rf "$dir"
  mv "$STAGE/$bin" "$dir"
  echo "pulumi-cli: $what built in $(($(date +%s) - start)) s" >&2
}
build_cli() {
  (
    cd "$TOOLS"
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
      -o "$1/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  )
  "$1/pulumi" version >/dev/null
}
build_yaml() {
  (
    cd "$1"
    GOBIN="$1" go install -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
      "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$YAML_VERSION"
  )
}
build_once "$GO_DIR" pulumi "the Pulumi CLI $VERSION" build_cli
build_once "$YAML_DIR" pulumi-language-yaml "pulumi-language-yaml $YAML_VERSION" build_yaml
# Hard links (the CLI finds its plugins beside its own path), copies across file systems.
link() { ln "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
mkdir "$STAGE/cli"
link "$GO_DIR/pulumi" "$STAGE/cli/pulumi"
link "$YAML_DIR/pulumi-language-yaml" "$STAGE/cli/pulumi-language-yaml"
cp "$TOOLS/pulumi-language-nodejs.js" "$STAGE/cli/pulumi-language-nodejs.js"
printf '#!/bin/sh\nexec node "$(dirname "$0")/pulumi-language-nodejs.js" "$@"\n' >"$STAGE/cli/pulumi-language-nodejs"
cp "$LAUNCHER_SRC" "$STAGE/cli/pulumi-resource-pulumi-nodejs"
chmod 755 "$STAGE/cli/pulumi-language-nodejs" "$STAGE/cli/pulumi-resource-pulumi-nodejs"
rm -rf "$DIR"
mv "$STAGE/cli" "$DIR"
echo "$DIR"
