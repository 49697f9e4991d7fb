#!/usr/bin/env bash
# Starts (or stops) the real servers the services suites test against, on 127.0.0.1 only:
#   PostgreSQL 15 (wal_level=logical)  :25432  user postgres / password postgres; TLS on
#   PostgreSQL 15 (wal_level=replica)  :PG_PORT+1 (PG2_PORT), the same; for diagnostics tests
#   MariaDB                            :23306  user mz / password mzpw; TLS on
#   OpenSSH sshd (bastion)             :22222  user sshtest; authorized_keys file is writable by tests
#   moto_server (AWS IAM emulator)     :25000  when the image's Python has moto
#   Apache Kafka 4.1 broker (KRaft)    :29092 PLAINTEXT, :29093 SASL_PLAINTEXT, :29094 SSL, :29095 SASL_SSL
#                                      (controller :29096); SASL users mz/mzpw for PLAIN, SCRAM-SHA-256 and
#                                      SCRAM-SHA-512 (SASL_SSL offers SCRAM-SHA-512 only); the SSL listener
#                                      requires a client certificate. KAFKA=0 skips it.
#   TLS everywhere from one CA made at start: BASE/tls/{ca,server,client}.pem and .key, other-ca.pem
# The ports sit below Linux's ephemeral range (32768-60999): a server that daemonizes before it binds (sshd) can
# otherwise find its port taken by some client's outgoing connection, and fail where no one sees it. `start`
# checks every port is free first and that every server answers on it before it says "services up".
# Usage: scripts/services.sh start|stop [BASE]   (BASE defaults to ./.services). Run as root.
# `start` writes BASE/env (shell exports) that the test suites read through test/services/env.ts.
set -euo pipefail
cmd=${1:?usage: $0 start|stop [BASE]}
BASE=$(mkdir -p "${2:-.services}" && cd "${2:-.services}" && pwd)
PG_PORT=${PG_PORT:-25432}; PG2_PORT=${PG2_PORT:-$((PG_PORT + 1))}; MY_PORT=${MY_PORT:-23306}; SSH_PORT=${SSH_PORT:-22222}; MOTO_PORT=${MOTO_PORT:-25000}
# Kafka's five listeners take KAFKA_PORT .. KAFKA_PORT+4.
KAFKA_PORT=${KAFKA_PORT:-29092}; KAFKA=${KAFKA:-1}; KAFKA_VERSION=4.1.1
KAFKA_LIBS=${KAFKA_LIBS:-$HOME/.cache/mz-test-kafka/$KAFKA_VERSION/libs}
REPO=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin

# Stops a server by its pid file and waits until it has exited, so its port is free when `stop` returns.
stop_pid() { # pidfile
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1" 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

stop() {
  for d in pg pg2; do
    [ -f "$BASE/$d/data/postmaster.pid" ] && runuser -u postgres -- $PGBIN/pg_ctl -D "$BASE/$d/data" -m fast -w stop >/dev/null || true
  done
  stop_pid "$BASE/my/mysqld.pid"
  stop_pid "$BASE/ssh/sshd.pid"
  stop_pid "$BASE/moto/moto.pid"
  stop_pid "$BASE/kafka/kafka.pid"
  rm -rf "$BASE/tls" "$BASE/pg" "$BASE/pg2" "$BASE/my" "$BASE/ssh" "$BASE/moto" "$BASE/kafka" "$BASE/env"
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
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; } # something accepts TCP connections on the port
# A server that answers when it should not have started yet would be some other process: fail now, by name.
ports=("$PG_PORT" "$PG2_PORT" "$MY_PORT" "$SSH_PORT" "$MOTO_PORT")
[ "$KAFKA" = 1 ] && ports+=($(seq "$KAFKA_PORT" $((KAFKA_PORT + 4))))
for port in "${ports[@]}"; do
  if answers "$port"; then echo "port $port is already taken on 127.0.0.1 (ss -ltnp shows by whom)" >&2; exit 1; fi
done
# Waits for a server to answer on its port; if it does not, shows its log and fails.
wait_port() { # name port log
  wait_for answers "$2" && return 0
  echo "$1 does not answer on 127.0.0.1:$2; the end of $3:" >&2; tail -n 20 "$3" >&2 2>/dev/null || true; exit 1
}

# TLS material for every server: one CA, a server certificate (localhost, 127.0.0.1), a client certificate,
# and a second CA that signed nothing here ("the wrong CA" for tests). PEM, made fresh at each start.
T=$BASE/tls; install -d -m 755 "$T"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mz-test-ca -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
for who in server client; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout "$T/$who.key" -out "$T/$who.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$T/$who.ext"
  openssl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 2 \
    -extfile "$T/$who.ext" -out "$T/$who.pem" 2>/dev/null
done
cat "$T/server.key" "$T/server.pem" >"$T/server-keystore.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout "$T/other-ca.key" -out "$T/other-ca.pem" 2>/dev/null
chmod 644 "$T"/*

# Apache Kafka (KRaft, single node). The jars come from Maven Central through services/kafka/pom.xml, once
# per version into $KAFKA_LIBS (outside the repository, so a warm machine starts without downloading).
# Started first and waited for last, because its two JVM starts (format, broker) are the slow part.
KAFKA_ENV=""
if [ "$KAFKA" = 1 ]; then
  kafka_start=$(date +%s.%N)
  if [ ! -f "$KAFKA_LIBS/.complete" ]; then
    command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends maven >/dev/null; }
    rm -rf "$KAFKA_LIBS"
    mvn -q -B -f "$REPO/services/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -Dkafka.version=$KAFKA_VERSION -DoutputDirectory="$KAFKA_LIBS"
    touch "$KAFKA_LIBS/.complete"
  fi
  K=$BASE/kafka; install -d -m 755 "$K"
  P_PLAIN=$KAFKA_PORT; P_SASL=$((KAFKA_PORT + 1)); P_SSL=$((KAFKA_PORT + 2)); P_SASL_SSL=$((KAFKA_PORT + 3))
  P_CTRL=$((KAFKA_PORT + 4))
  jaas_plain='org.apache.kafka.common.security.plain.PlainLoginModule required user_mz="mzpw";'
  jaas_scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  cat >"$K/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$P_CTRL
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$P_PLAIN,SASL_PLAINTEXT://127.0.0.1:$P_SASL,SSL://127.0.0.1:$P_SSL,SASL_SSL://127.0.0.1:$P_SASL_SSL,CONTROLLER://127.0.0.1:$P_CTRL
advertised.listeners=PLAINTEXT://127.0.0.1:$P_PLAIN,SASL_PLAINTEXT://127.0.0.1:$P_SASL,SSL://127.0.0.1:$P_SSL,SASL_SSL://127.0.0.1:$P_SASL_SSL
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=$jaas_plain
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$jaas_scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$jaas_scram
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$jaas_scram
ssl.keystore.type=PEM
ssl.keystore.location=$T/server-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$T/ca.pem
listener.name.ssl.ssl.client.auth=required
log.dirs=$K/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$K/log4j2.properties" <<'LOG'
status=error
appender.f.type=File
appender.f.name=f
appender.f.fileName=${sys:kafka.logs.dir}/server.log
appender.f.layout.type=PatternLayout
appender.f.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.f.ref=f
LOG
  KJAVA=(java -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto
    -Dkafka.logs.dir="$K" -Dlog4j2.configurationFile="$K/log4j2.properties" -cp "$KAFKA_LIBS/*")
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  # The subshell execs the broker after formatting, so $! is the broker's pid.
  ( "${KJAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$K/server.properties" \
      --add-scram 'SCRAM-SHA-256=[name=mz,password=mzpw]' --add-scram 'SCRAM-SHA-512=[name=mz,password=mzpw]' \
      >"$K/format.log" 2>&1 &&
    exec "${KJAVA[@]}" kafka.Kafka "$K/server.properties" >"$K/stdout.log" 2>&1 ) </dev/null &
  echo $! >"$K/kafka.pid"
fi

# PostgreSQL: the main server (wal_level=logical), and a second one with wal_level=replica for diagnostics
# tests. Both serve TLS with the certificate above; the role `ssl_only` may log in over TLS only.
start_pg() { # dir port wal_level
  local D=$BASE/$1
  install -d -o postgres -g postgres "$D"
  echo postgres >"$D/pw"; chown postgres "$D/pw"
  install -o postgres -m 600 "$T/server.key" "$D/server.key"; install -o postgres -m 644 "$T/server.pem" "$D/server.pem"
  runuser -u postgres -- $PGBIN/initdb -D "$D/data" -U postgres --auth=scram-sha-256 --pwfile="$D/pw" \
    -E UTF8 --locale=C.UTF-8 >"$D/initdb.log"
  sed -i '1i hostnossl all ssl_only 127.0.0.1/32 reject' "$D/data/pg_hba.conf"
  runuser -u postgres -- $PGBIN/pg_ctl -D "$D/data" -l "$D/pg.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $2 -k $D -c wal_level=$3 -c max_wal_senders=10 -c max_replication_slots=10 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$D/server.pem -c ssl_key_file=$D/server.key" \
    start >/dev/null
}
start_pg pg "$PG_PORT" logical
start_pg pg2 "$PG2_PORT" replica

# MariaDB
install -d -o mysql -g mysql "$BASE/my"
mariadb-install-db --user=mysql --datadir="$BASE/my/data" --auth-root-authentication-method=normal --skip-test-db \
  >"$BASE/my/install.log" 2>&1
runuser -u mysql -- mariadbd --no-defaults --datadir="$BASE/my/data" --bind-address=127.0.0.1 --port=$MY_PORT \
  --socket="$BASE/my/mysqld.sock" --pid-file="$BASE/my/mysqld.pid" --log-error="$BASE/my/err.log" --skip-name-resolve \
  --innodb-buffer-pool-size=64M --server-id=1 --log-bin="$BASE/my/data/binlog" --binlog-format=ROW \
  --binlog-row-image=FULL --ssl-ca="$T/ca.pem" --ssl-cert="$T/server.pem" --ssl-key="$T/server.key" </dev/null >/dev/null 2>&1 &
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
# A second authorized_keys file for the Kafka/registry tunnel suites, so parallel suites do not race on one file.
install -m 666 /dev/null "$BASE/ssh/ak/sshtest.kafka"
cat >"$BASE/ssh/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $BASE/ssh/host_ed25519
PidFile $BASE/ssh/sshd.pid
AuthorizedKeysFile $BASE/ssh/ak/%u $BASE/ssh/ak/%u.kafka
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
PermitRootLogin no
AllowUsers sshtest
CFG
/usr/sbin/sshd -f "$BASE/ssh/sshd_config" -E "$BASE/ssh/sshd.log"
wait_port sshd "$SSH_PORT" "$BASE/ssh/sshd.log"

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

if [ "$KAFKA" = 1 ]; then
  for _ in $(seq 1 600); do grep -q 'Kafka Server started' "$K/server.log" 2>/dev/null && break; sleep 0.1; done
  grep -q 'Kafka Server started' "$K/server.log" || { echo "kafka did not start: see $K/server.log" >&2; exit 1; }
  for port in $(seq "$KAFKA_PORT" $((KAFKA_PORT + 4))); do wait_port kafka "$port" "$K/server.log"; done
  echo "kafka up in $(echo "$(date +%s.%N) - $kafka_start" | bc)s"
  KAFKA_ENV="export SVC_KAFKA_PLAINTEXT=127.0.0.1:$P_PLAIN SVC_KAFKA_SASL_PLAINTEXT=127.0.0.1:$P_SASL SVC_KAFKA_SSL=127.0.0.1:$P_SSL SVC_KAFKA_SASL_SSL=127.0.0.1:$P_SASL_SSL
export SVC_KAFKA_USER=mz SVC_KAFKA_PASSWORD=mzpw"
fi

cat >"$BASE/env" <<ENV
export SVC_PG_HOST=127.0.0.1 SVC_PG_PORT=$PG_PORT SVC_PG_USER=postgres SVC_PG_PASSWORD=postgres SVC_PG_REPLICA_PORT=$PG2_PORT
export SVC_TLS_DIR=$T
export SVC_MYSQL_HOST=127.0.0.1 SVC_MYSQL_PORT=$MY_PORT SVC_MYSQL_USER=mz SVC_MYSQL_PASSWORD=mzpw
export SVC_SSH_HOST=127.0.0.1 SVC_SSH_PORT=$SSH_PORT SVC_SSH_USER=sshtest
export SVC_SSH_AUTHORIZED_KEYS=$BASE/ssh/ak/sshtest SVC_SSH_CLIENT_KEY=$BASE/ssh/id_ed25519
export SVC_SSH_AUTHORIZED_KEYS_KAFKA=$BASE/ssh/ak/sshtest.kafka
export SVC_MOTO_URL=$MOTO_URL
$KAFKA_ENV
ENV
echo "services up; environment in $BASE/env"
