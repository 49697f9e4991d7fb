#!/usr/bin/env bash
# Install smoke test (CI step): the package as users get it, installed with npm and with pnpm, end to end.
#   1. npm run build, npm pack into a scratch folder, static check of the tarball (test/install/check-pack.ts).
#   2. Two scratch Pulumi program folders, outside the repo:
#        npm-program:  npm install <tarball> @pulumi/pulumi@$PULUMI_VERSION (+ @types/node, as Pulumi's template has)
#        pnpm-program: pnpm@$PNPM_VERSION (through npx, nothing installed globally) add <tarball> @pulumi/pulumi@...
#                      with pnpm's defaults (isolated node_modules, no hoisting flags)
#   3. For each: a TypeScript program using the SDK type-checks (tsconfig of `pulumi new typescript`, and again
#      with node16 resolution, which reads package.json "exports"); then test/install/smoke.ts starts the Materialize stand-in and test/engine with the program folder as
#      the provider process' cwd, creates a Secret + an SSH tunnel + a Postgres connection using both, checks a
#      no-change preview, destroys, and checks that the stand-in's catalog is empty; the program uses the
#      installed SDK and the provider process the installed provider (see smoke.ts). Then test/install/automation.ts
#      runs examples/automation/deploy.ts from the program folder with the real Pulumi CLI (an Automation API
#      inline program, workspaceOptions() and the installed policy pack) and the installed mz-plan bin.
# Prints timings; exits non-zero on any failure. Needs the repo's dev dependencies (npm ci) and the npm registry.
#
# Usage: scripts/ci-install-smoke.sh
# Env:   INSTALL_SMOKE_DIR  scratch folder to use (kept afterwards); default a fresh temp folder, removed at exit
#        PULUMI_VERSION     @pulumi/pulumi to install in the programs (default 3.248.0)
#        PNPM_VERSION       pnpm to run through npx (default 9)
#        PNPM_STORE_DIR     pnpm store (default <scratch>/pnpm-store, so nothing outside the scratch folder is shared)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_VERSION=${PULUMI_VERSION:-3.248.0}
PNPM_VERSION=${PNPM_VERSION:-9}
if [ -n "${INSTALL_SMOKE_DIR:-}" ]; then
  WORK=$(mkdir -p "$INSTALL_SMOKE_DIR" && cd "$INSTALL_SMOKE_DIR" && pwd -P)
else
  WORK=$(cd "$(mktemp -d "${TMPDIR:-/tmp}/install-smoke.XXXXXX")" && pwd -P)
  trap 'rm -rf "$WORK"' EXIT
fi
case "$WORK/" in "$ROOT"/*)
  echo "ci-install-smoke: the scratch folder must be outside the repo ($WORK)" >&2
  exit 2
  ;;
esac
PNPM_STORE_DIR=${PNPM_STORE_DIR:-$WORK/pnpm-store}

now_ms() { if [ -n "${EPOCHREALTIME:-}" ]; then local t=${EPOCHREALTIME/./}; echo $((t / 1000)); else echo $(($(date +%s) * 1000)); fi; }
T0=$(now_ms)
TIMINGS=()
say() { echo "[ci-install-smoke +$(((($(now_ms) - T0)) / 1000))s] $*"; }
# phase <label> <log file> <command...>: runs the command with its output in the log (shown on failure), timed.
phase() {
  local label=$1 log=$2 s rc
  shift 2
  say "$label"
  s=$(now_ms)
  set +e
  "$@" >"$log" 2>&1
  rc=$?
  set -e
  TIMINGS+=("$(printf '%-34s %6d ms%s' "$label" $(($(now_ms) - s)) "$([ $rc = 0 ] || echo "  (FAILED, exit $rc)")")")
  if [ $rc != 0 ]; then
    echo "---- $label failed (exit $rc); output ($log):" >&2
    tail -n 80 "$log" >&2
    return $rc
  fi
}
summary() {
  echo "[ci-install-smoke] timings:"
  local t
  for t in "${TIMINGS[@]}"; do echo "  $t"; done
  echo "  $(printf '%-34s %6d ms' total $(($(now_ms) - T0)))"
}

[ -d "$ROOT/node_modules/typescript" ] && [ -d "$ROOT/node_modules/@swc/core" ] ||
  { echo "ci-install-smoke: run npm ci in $ROOT first" >&2; exit 2; }
unset NODE_PATH
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
say "node $(node --version), npm $(npm --version); scratch folder $WORK"

# ---- 1. Build, pack, check the tarball
phase "npm run build" "$WORK/build.log" bash -c "cd '$ROOT' && npm run build" || { summary; exit 1; }
phase "npm pack" "$WORK/pack.log" bash -c "cd '$ROOT' && npm pack --pack-destination '$WORK' --json" || { summary; exit 1; }
TARBALL=$WORK/$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename)' "$WORK/pack.log")
[ -f "$TARBALL" ] || { echo "ci-install-smoke: npm pack produced no $TARBALL" >&2; exit 1; }
rm -rf "$WORK/unpacked" && mkdir -p "$WORK/unpacked" && tar -xzf "$TARBALL" -C "$WORK/unpacked"
say "packed $(basename "$TARBALL"): $(tar -tzf "$TARBALL" | wc -l | tr -d ' ') files, $(wc -c <"$TARBALL" | tr -d ' ') bytes"
phase "check the packed files" "$WORK/check-pack.log" \
  node "$ROOT/scripts/run-ts.js" "$ROOT/test/install/check-pack.ts" "$WORK/unpacked/package" || { summary; exit 1; }
cat "$WORK/check-pack.log"

# ---- 2. Two Pulumi program folders
new_program() {
  rm -rf "$1" && mkdir -p "$1"
  printf '{ "name": "%s", "version": "0.0.0", "private": true, "main": "index.js" }\n' "$(basename "$1")" >"$1/package.json"
  # What a user writes (only type-checked here; smoke.ts runs the same resources). tsconfig of `pulumi new typescript`.
  cat >"$1/index.ts" <<'EOF'
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';
import type { LocalWorkspaceOptions } from '@pulumi/pulumi/automation';
import { workspaceOptions } from 'pulumi-materialize-connections/automation';

const password = new mz.Secret('pw', { name: 'pw', value: pulumi.secret('hunter2') });
const tunnel = new mz.SshTunnelConnection('tunnel', { name: 'tunnel', host: 'bastion.example.com', user: 'mz' });
const pg = new mz.PostgresConnection('pg', {
  name: 'pg',
  host: 'pg.example.com',
  database: 'app',
  user: 'mz',
  password,
  sshTunnel: tunnel,
  validate: false,
});
export const qualifiedName: pulumi.Output<string> = pg.qualifiedName;
export const publicKey1: pulumi.Output<string> = tunnel.publicKey1;
// The Automation API helper's subpath resolves for types under both resolutions (typesVersions, exports).
export const automationOptions: LocalWorkspaceOptions = workspaceOptions({ envVars: { A: '1' } });
EOF
  cat >"$1/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "outDir": "bin",
    "target": "es2020",
    "module": "commonjs",
    "moduleResolution": "node",
    "sourceMap": true,
    "experimentalDecorators": true,
    "pretty": true,
    "noFallthroughCasesInSwitch": true,
    "noImplicitReturns": true,
    "forceConsistentCasingInFileNames": true
  },
  "files": ["index.ts"]
}
EOF
}
TSC=$ROOT/node_modules/typescript/bin/tsc
NPM_PROGRAM=$WORK/npm-program
PNPM_PROGRAM=$WORK/pnpm-program
new_program "$NPM_PROGRAM"
new_program "$PNPM_PROGRAM"
phase "npm install (npm-program)" "$WORK/npm-install.log" \
  bash -c "cd '$NPM_PROGRAM' && npm install '$TARBALL' '@pulumi/pulumi@$PULUMI_VERSION' @types/node@20" || { summary; exit 1; }
phase "pnpm@$PNPM_VERSION add (pnpm-program)" "$WORK/pnpm-install.log" \
  bash -c "cd '$PNPM_PROGRAM' && npx --yes 'pnpm@$PNPM_VERSION' add --store-dir '$PNPM_STORE_DIR' '$TARBALL' '@pulumi/pulumi@$PULUMI_VERSION' @types/node@20" ||
  { summary; exit 1; }
say "$(grep -o 'using pnpm v[0-9.]*' "$WORK/pnpm-install.log" || echo "pnpm version not reported")"

# ---- 3. End to end, each program folder (the deploy script needs the real Pulumi CLI: built once per machine)
phase "the Pulumi CLI (npm run -s pulumi-cli)" "$WORK/pulumi-cli.log" bash -c "bash '$ROOT/scripts/pulumi-cli.sh' >'$WORK/pulumi-cli.dir'" ||
  { summary; exit 1; }
CLI_DIR=$(tail -n 1 "$WORK/pulumi-cli.dir")
rc=0
for layout in npm pnpm; do
  dir=$WORK/$layout-program
  phase "tsc: $layout-program" "$WORK/tsc-$layout.log" bash -c "cd '$dir' && node '$TSC' --noEmit -p . &&
    node '$TSC' --noEmit -p . --module node16 --moduleResolution node16" || rc=1
  if phase "smoke: $layout-program" "$WORK/smoke-$layout.log" \
    node "$ROOT/scripts/run-ts.js" "$ROOT/test/install/smoke.ts" "$dir" "$layout"; then
    cat "$WORK/smoke-$layout.log"
  else
    rc=1
  fi
  if phase "automation, policy pack, mz-plan: $layout-program" "$WORK/automation-$layout.log" \
    node "$ROOT/scripts/run-ts.js" "$ROOT/test/install/automation.ts" "$dir" "$layout" "$CLI_DIR"; then
    cat "$WORK/automation-$layout.log"
  else
    rc=1
  fi
done

summary
if [ $rc = 0 ]; then say "OK: npm and pnpm installs work end to end"; else say "FAILED"; fi
exit $rc
