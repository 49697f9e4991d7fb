#!/usr/bin/env bash
# Starts (or stops) the real servers the services suites test against, on 127.0.0.1 only:
#   PostgreSQL 15 (wal_level=logical)  :55432  user postgres / password postgres
#   MariaDB                            :53306  user mz / password mzpw
#   OpenSSH sshd (bastion)             :52222  user sshtest; authorized_keys file is writable by tests
#   moto_server (AWS IAM emulator)     :55000  when the image's Python has moto
# Usage: scripts/services.sh start|stop [BASE]   (BASE defaults to ./.services). Run as root.
# `start` writes BASE/env (shell exports) that the test suites read through test/services/env.ts.
set -euo pipefail
cmd=${1:?usage: $0 start|stop [BASE]}
BASE=$(mkdir -p "${2:-.services}" && cd "${2:-.services}" && pwd)
PG_PORT=${PG_PORT:-55432}; MY_PORT=${MY_PORT:-53306}; SSH_PORT=${SSH_PORT:-52222}; MOTO_PORT=${MOTO_PORT:-55000}
PGBIN=/usr/lib/postgresql/15/bin

stop() {
  [ -f "$BASE/pg/data/postmaster.pid" ] && runuser -u postgres -- $PGBIN/pg_ctl -D "$BASE/pg/data" -m fast -w stop >/dev/null || true
  [ -f "$BASE/my/mysqld.pid" ] && kill "$(cat "$BASE/my/mysqld.pid")" 2>/dev/null || true
  [ -f "$BASE/ssh/sshd.pid" ] && kill "$(cat "$BASE/ssh/sshd.pid")" 2>/dev/null || true
  [ -f "$BASE/moto/moto.pid" ] && kill "$(cat "$BASE/moto/moto.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$BASE/pg" "$BASE/my" "$BASE/ssh" "$BASE/moto" "$BASE/env"
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop [BASE]" >&2; exit 2; }
stop

export DEBIAN_FRONTEND=noninteractive
need=()
[ -x $PGBIN/postgres ] || need+=(postgresql)
command -v mariadbd >/dev/null || need+=(mariadb-server)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt)"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
chmod 755 "$BASE"
wait_for() { for _ in $(seq 1 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timeout: $*" >&2; return 1; }

# PostgreSQL
install -d -o postgres -g postgres "$BASE/pg"
echo postgres >"$BASE/pg/pw"; chown postgres "$BASE/pg/pw"
runuser -u postgres -- $PGBIN/initdb -D "$BASE/pg/data" -U postgres --auth=scram-sha-256 --pwfile="$BASE/pg/pw" \
  -E UTF8 --locale=C.UTF-8 >"$BASE/pg/initdb.log"
runuser -u postgres -- $PGBIN/pg_ctl -D "$BASE/pg/data" -l "$BASE/pg/pg.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $BASE/pg -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null

# MariaDB
install -d -o mysql -g mysql "$BASE/my"
mariadb-install-db --user=mysql --datadir="$BASE/my/data" --auth-root-authentication-method=normal --skip-test-db \
  >"$BASE/my/install.log" 2>&1
runuser -u mysql -- mariadbd --no-defaults --datadir="$BASE/my/data" --bind-address=127.0.0.1 --port=$MY_PORT \
  --socket="$BASE/my/mysqld.sock" --pid-file="$BASE/my/mysqld.pid" --log-error="$BASE/my/err.log" --skip-name-resolve \
  --innodb-buffer-pool-size=64M --server-id=1 --log-bin="$BASE/my/data/binlog" --binlog-format=ROW \
  --binlog-row-image=FULL </dev/null >/dev/null 2>&1 &
wait_for mariadb-admin --no-defaults -h127.0.0.1 -P$MY_PORT -uroot ping
mariadb --no-defaults -h127.0.0.1 -P$MY_PORT -uroot \
  -e "CREATE USER IF NOT EXISTS 'mz'@'%' IDENTIFIED BY 'mzpw'; GRANT ALL ON *.* TO 'mz'@'%';"

# OpenSSH bastion
id sshtest >/dev/null 2>&1 || useradd -m -s /bin/bash sshtest
usermod -p '*' sshtest # a locked account ('!') is refused by sshd even for public keys
install -d -m 755 "$BASE/ssh" "$BASE/ssh/ak" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$BASE/ssh/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C services-client -f "$BASE/ssh/id_ed25519"
install -m 666 "$BASE/ssh/id_ed25519.pub" "$BASE/ssh/ak/sshtest"
cat >"$BASE/ssh/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $BASE/ssh/host_ed25519
PidFile $BASE/ssh/sshd.pid
AuthorizedKeysFile $BASE/ssh/ak/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
PermitRootLogin no
AllowUsers sshtest
CFG
/usr/sbin/sshd -f "$BASE/ssh/sshd_config" -E "$BASE/ssh/sshd.log"

# moto (IAM emulator), from the image's Python
MOTO_URL=""
if command -v moto_server >/dev/null; then
  mkdir -p "$BASE/moto"
  moto_server -H 127.0.0.1 -p $MOTO_PORT >"$BASE/moto/moto.log" 2>&1 </dev/null &
  echo $! >"$BASE/moto/moto.pid"
  wait_for curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/"
  MOTO_URL="http://127.0.0.1:$MOTO_PORT"
else
  echo "moto_server not found: the IAM suites will fail (this image's Python normally has it)" >&2
fi

cat >"$BASE/env" <<ENV
export SVC_PG_HOST=127.0.0.1 SVC_PG_PORT=$PG_PORT SVC_PG_USER=postgres SVC_PG_PASSWORD=postgres
export SVC_MYSQL_HOST=127.0.0.1 SVC_MYSQL_PORT=$MY_PORT SVC_MYSQL_USER=mz SVC_MYSQL_PASSWORD=mzpw
export SVC_SSH_HOST=127.0.0.1 SVC_SSH_PORT=$SSH_PORT SVC_SSH_USER=sshtest
export SVC_SSH_AUTHORIZED_KEYS=$BASE/ssh/ak/sshtest SVC_SSH_CLIENT_KEY=$BASE/ssh/id_ed25519
export SVC_MOTO_URL=$MOTO_URL
ENV
echo "services up; environment in $BASE/env"
