#!/usr/bin/env bash
# `npm run quickstart`: deploys examples/quickstart (the root Pulumi.yaml's program) with a throwaway local
# Pulumi stack, against the Materialize in MZ_HOST (with MZ_PORT, MZ_USERNAME or MZ_USER, MZ_PASSWORD,
# MZ_DATABASE, MZ_SSLMODE) or, when MZ_HOST is unset, against the repository's Materialize stand-in started
# on a free port for the duration of the run. Runs `pulumi up`, then `pulumi preview --expect-no-changes`,
# prints the stack outputs, and destroys the stack only when QUICKSTART_DESTROY=1.
#
# State lives in a temporary directory (PULUMI_BACKEND_URL=file://...), encrypted with PULUMI_CONFIG_PASSPHRASE
# (default: a throwaway passphrase). With the stand-in everything is removed at exit; with MZ_HOST the state
# is kept (unless destroyed) and the script prints how to destroy the stack later.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STACK=${QUICKSTART_STACK:-quickstart}

say() { printf '\n==> %s\n' "$*"; }

# The Pulumi CLI: the one on PATH, else the one built from source by `npm run pulumi-cli` (needs Go).
if ! command -v pulumi >/dev/null 2>&1; then
  if command -v go >/dev/null 2>&1; then
    say "No pulumi on PATH: using the Pulumi CLI built from source (npm run pulumi-cli)"
    CLI_DIR=$(bash "$ROOT/scripts/pulumi-cli.sh" | tail -n 1)
    export PATH="$CLI_DIR:$PATH"
  else
    cat >&2 <<'EOF'
quickstart: the Pulumi CLI (`pulumi`) is not installed or not on PATH, and Go is not there to build it.

Install it, then run `npm run quickstart` again:
  curl -fsSL https://get.pulumi.com | sh     # Linux and macOS (installs to ~/.pulumi/bin; add it to PATH)
  brew install pulumi                        # macOS with Homebrew
More: https://www.pulumi.com/docs/install/
EOF
    exit 127
  fi
fi
echo "Pulumi CLI: $(command -v pulumi) ($(pulumi version))"

say "Building the package (npm run build)"
npm run build --silent

# The program (examples/quickstart) imports `pulumi-materialize-connections`, and the dynamic provider
# process requires `pulumi-materialize-connections/provider`; both resolve from examples/quickstart up
# through the repository's node_modules. Link the package itself there (a symlink to this checkout, so
# the program and its provider use this build and share the repository's single @pulumi/pulumi).
LINK="$ROOT/node_modules/pulumi-materialize-connections"
if [ ! -e "$LINK" ] && [ ! -L "$LINK" ]; then
  ln -s .. "$LINK"
  echo "Linked node_modules/pulumi-materialize-connections -> .. (this checkout)"
elif [ "$(cd "$LINK" 2>/dev/null && pwd -P)" != "$(pwd -P)" ]; then
  echo "quickstart: node_modules/pulumi-materialize-connections exists but is not this checkout; remove it" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mz-quickstart.XXXXXX")
mkdir -p "$WORK/state"
export PULUMI_BACKEND_URL="file://$WORK/state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-quickstart-throwaway-passphrase}"
export PULUMI_SKIP_UPDATE_CHECK=true
STANDIN_PID=""
KEEP_STATE=0
CREATED_CONFIG=0
[ -e "$ROOT/Pulumi.$STACK.yaml" ] || CREATED_CONFIG=1

cleanup() {
  local status=$?
  if [ -n "$STANDIN_PID" ]; then
    # The stand-in runs in a process group of its own (job control below): stop that group only.
    kill -TERM -- "-$STANDIN_PID" 2>/dev/null || true
    wait "$STANDIN_PID" 2>/dev/null || true
  fi
  if [ "$KEEP_STATE" = 1 ]; then
    echo
    echo "Pulumi state kept in $WORK/state. To destroy the stack later, from $ROOT:"
    echo "  PULUMI_BACKEND_URL=file://$WORK/state PULUMI_CONFIG_PASSPHRASE=... pulumi destroy --yes --stack $STACK"
  else
    rm -rf "$WORK"
    # The stack's config file (Pulumi.<stack>.yaml beside Pulumi.yaml) goes with the throwaway state.
    if [ "$CREATED_CONFIG" = 1 ]; then rm -f "$ROOT/Pulumi.$STACK.yaml"; fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # host port seconds pid
  node -e "
    const net = require('net');
    const [host, port, seconds, pid] = process.argv.slice(1);
    const deadline = Date.now() + Number(seconds) * 1000;
    const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
    const attempt = () => {
      const s = net.connect(Number(port), host);
      s.once('connect', () => { s.destroy(); process.exit(0); });
      s.once('error', () => {
        s.destroy();
        if (!alive()) { console.error('the stand-in exited'); process.exit(1); }
        if (Date.now() > deadline) { console.error('timed out'); process.exit(1); }
        setTimeout(attempt, 200);
      });
    };
    attempt();" "$@"
}

if [ -n "${MZ_HOST:-}" ]; then
  MZ_HOST_=$MZ_HOST
  MZ_PORT_=${MZ_PORT:-6875}
  MZ_USER_=${MZ_USERNAME:-${MZ_USER:-materialize}}
  MZ_PASSWORD_=${MZ_PASSWORD:-}
  MZ_DATABASE_=${MZ_DATABASE:-materialize}
  MZ_SSLMODE_=${MZ_SSLMODE:-}
  say "Using the Materialize at $MZ_HOST_:$MZ_PORT_ (MZ_HOST)"
  KEEP_STATE=1
else
  PORT=$(free_port)
  say "Starting the Materialize stand-in on 127.0.0.1:$PORT (set MZ_HOST to use a real Materialize)"
  set -m # the background job gets a process group of its own, so cleanup can stop npm and node together
  # A random password: the Pulumi CLI masks every occurrence of a secret config value in what it prints, and
  # the stand-in's default password, "materialize", is also the database's name.
  MZ_STANDIN_PASSWORD=${MZ_STANDIN_PASSWORD:-$(node -e "process.stdout.write(require('crypto').randomBytes(12).toString('hex'))")}
  export MZ_STANDIN_PASSWORD
  npm run standin --silent -- --port "$PORT" >"$WORK/standin.log" 2>&1 &
  STANDIN_PID=$!
  set +m
  if ! wait_for_port 127.0.0.1 "$PORT" 60 "$STANDIN_PID"; then
    echo "quickstart: the stand-in did not start; its log:" >&2
    cat "$WORK/standin.log" >&2
    exit 1
  fi
  cat "$WORK/standin.log"
  MZ_HOST_=127.0.0.1
  MZ_PORT_=$PORT
  MZ_USER_=materialize
  MZ_PASSWORD_=$MZ_STANDIN_PASSWORD
  MZ_DATABASE_=materialize
  MZ_SSLMODE_=disable
fi

say "Creating stack $STACK (state: $PULUMI_BACKEND_URL)"
pulumi stack init "$STACK" --non-interactive
pulumi config set --stack "$STACK" materialize:host "$MZ_HOST_"
pulumi config set --stack "$STACK" materialize:port "$MZ_PORT_"
pulumi config set --stack "$STACK" materialize:username "$MZ_USER_"
pulumi config set --stack "$STACK" materialize:database "$MZ_DATABASE_"
if [ -n "$MZ_SSLMODE_" ]; then pulumi config set --stack "$STACK" materialize:sslmode "$MZ_SSLMODE_"; fi
# Secret values go through stdin, not the command line.
if [ -n "$MZ_PASSWORD_" ]; then
  printf '%s' "$MZ_PASSWORD_" | pulumi config set --stack "$STACK" --secret materialize:password
fi
# Throwaway values for the program's own secrets (the systems they are for are placeholders).
node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))" |
  pulumi config set --stack "$STACK" --secret pgPassword
node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))" |
  pulumi config set --stack "$STACK" --secret kafkaPassword

say "pulumi up"
pulumi up --yes --stack "$STACK" --non-interactive

say "pulumi preview --expect-no-changes (a second run must find nothing to do)"
pulumi preview --expect-no-changes --stack "$STACK" --non-interactive

say "Stack outputs"
pulumi stack output --stack "$STACK" --json

if [ "${QUICKSTART_DESTROY:-}" = 1 ]; then
  say "pulumi destroy (QUICKSTART_DESTROY=1)"
  pulumi destroy --yes --stack "$STACK" --non-interactive
  KEEP_STATE=0
elif [ -n "$STANDIN_PID" ]; then
  echo
  echo "Stopping the stand-in: what the stack created goes with it. Set MZ_HOST to deploy to a real Materialize."
else
  echo
  echo "The objects stay in Materialize (QUICKSTART_DESTROY=1 makes the quickstart destroy them at the end)."
fi
