#!/usr/bin/env bash
# The native provider's Python and Go SDKs, generated from schema/schema.json by tools/sdk-gen (the code
# generators of github.com/pulumi/pulumi/pkg/v3 at the version its go.mod pins) into sdk-gen/<language>.
#
#   bash scripts/sdk.sh gen     (npm run sdk:gen)    regenerate sdk-gen/ from the schema
#   bash scripts/sdk.sh check   (npm run sdk:check)  tools/sdk-gen's own tests; fail when sdk-gen/ is not what the schema generates, then
#                                                    check both SDKs: Python byte-compiled, installed with pip and
#                                                    run under Pulumi's mocks (scripts/sdk-check.py); Go built,
#                                                    vetted and run under mocks (scripts/sdk-check-go.py) with
#                                                    the pinned github.com/pulumi/pulumi/sdk/v3
#
# The generator and the Python virtualenv are cached outside the checkout (PULUMI_CLI_CACHE, as
# scripts/pulumi-cli.sh), keyed by what pins them. Progress goes to stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOL="$ROOT/tools/sdk-gen"
OUT="$ROOT/sdk-gen"
SCHEMA="$ROOT/schema/schema.json"
# The pulumi Python package the Python SDK runs on, and wheel to install the SDK with its own setup.py.
PULUMI_PY=3.272.0
WHEEL_PY=0.48.0
CACHE=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-materialize-connections}
VERSION=$(node -p "require('$ROOT/package.json').version")
SDK_V3=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/sdk/v3 \(v[^ ]*\).*#\1#p' "$TOOL/go.mod")
[ -n "$SDK_V3" ] || { echo "sdk: no github.com/pulumi/pulumi/sdk/v3 version in $TOOL/go.mod" >&2; exit 1; }

# The generator binary, rebuilt when its source or pins change (-trimpath shares Go's build cache with the CLI's).
generator() {
  local key bin
  key=$(cat "$TOOL/go.mod" "$TOOL/go.sum" "$TOOL"/*.go | sha256sum | cut -c1-12)
  bin="$CACHE/sdk-gen-$key"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || { echo "sdk: Go is needed to build tools/sdk-gen (go.dev/dl)" >&2; exit 1; }
    mkdir -p "$CACHE"
    (cd "$TOOL" && go build -trimpath -o "$bin.tmp.$$" .)
    mv "$bin.tmp.$$" "$bin"
  fi
  echo "$bin"
}

generate() {
  "$(generator)" -schema "$SCHEMA" -version "$VERSION" -out "$1" -lang python,go
}

check_python() {
  local sdk=$1 venv="$CACHE/python-pulumi-$PULUMI_PY-wheel-$WHEEL_PY"
  # A virtualenv cannot move (its scripts name their folder), so a stamp tells a finished one.
  if [ ! -f "$venv/complete" ]; then
    echo "sdk: a virtualenv with pulumi $PULUMI_PY (pip)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$PULUMI_PY" "wheel==$WHEEL_PY"
    touch "$venv/complete"
  fi
  "$venv/bin/python" -m compileall -q -f "$sdk/python" >/dev/null
  # Installed as a user would (its setup.py, its package metadata, which the SDK reads for its version).
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --target "$sdk/site" "$sdk/python"
  PYTHONPATH="$sdk/site" "$venv/bin/python" "$ROOT/scripts/sdk-check.py" "$SCHEMA"
  echo "sdk: python ok" >&2
}

check_go() {
  local sdk=$1 requires
  # The generated go.mod asks for the oldest github.com/pulumi/pulumi/sdk/v3 the generator supports. Build
  # against the module graph tools/sdk-gen pins instead (every requirement and its go.sum): those modules are
  # already in the module cache, and some older ones the generated go.mod would select are not served by the
  # Go module proxy these machines reach (403).
  requires=$(awk '/^require \(/ { r = 1; next } /^\)/ { r = 0 } r && $1 !~ /^\/\// { print "-require=" $1 "@" $2 }
    /^require [^(]/ { print "-require=" $2 "@" $3 }' "$TOOL/go.mod")
  python3 "$ROOT/scripts/sdk-check-go.py" "$SCHEMA" "$sdk/go"
  (
    cd "$sdk/go"
    # shellcheck disable=SC2086 # one argument a requirement
    go mod edit $requires -require="github.com/pulumi/pulumi/sdk/v3@$SDK_V3"
    cp "$TOOL/go.sum" go.sum
    export GOFLAGS=-mod=mod
    go build ./...
    go vet ./...
    go test ./...
  )
  echo "sdk: go ok" >&2
}

case "${1:-}" in
  gen)
    generate "$OUT"
    echo "sdk: sdk-gen/python and sdk-gen/go generated from schema/schema.json (version $VERSION)" >&2
    ;;
  check)
    start=$(date +%s)
    (cd "$TOOL" && go test -trimpath ./...)
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    generate "$WORK/fresh"
    if ! diff -r "$OUT" "$WORK/fresh" >"$WORK/diff"; then
      head -50 "$WORK/diff" >&2
      echo "sdk: sdk-gen/ is stale: it is not what schema/schema.json generates; run npm run sdk:gen" >&2
      exit 1
    fi
    cp -r "$WORK/fresh" "$WORK/compile"
    check_python "$WORK/compile"
    check_go "$WORK/compile"
    echo "sdk: checked in $(($(date +%s) - start)) s" >&2
    ;;
  *)
    echo "usage: scripts/sdk.sh gen|check" >&2
    exit 2
    ;;
esac
