#!/usr/bin/env bash
# Start the local real servers on 127.0.0.1 in the background and wait until they are healthy.
#   deploy/local/start.sh                 # kafka ferretdb minio kannel keycloak clamd
#   deploy/local/start.sh kafka minio     # only these
# Logs: $TAAWIDATY_RUN/logs, pid files: $TAAWIDATY_RUN/pids, data: $TAAWIDATY_RUN/<server> (fresh per start).
# A server that is already running (live pid file) is left alone and only health-checked.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

bin=$TAAWIDATY_CACHE/bin
kafka_dir=$TAAWIDATY_CACHE/kafka-$TAAWIDATY_KAFKA_VERSION
keycloak_dir=$TAAWIDATY_CACHE/keycloak-$TAAWIDATY_KEYCLOAK_VERSION
logs=$TAAWIDATY_RUN/logs
pids=$TAAWIDATY_RUN/pids
timeout=${TAAWIDATY_START_TIMEOUT:-90}

hostport() { local x=${1#*://}; x=${x%%/*}; echo "$x"; }   # mongodb://h:p/ -> h:p
kafka_port=${KAFKA_BOOTSTRAP_SERVERS##*:}
kafka_controller_port=$((kafka_port + 1))
mongo_addr=$(hostport "$MONGODB_URL")
kannel_sendsms_port=$(hostport "$KANNEL_SENDSMS_URL"); kannel_sendsms_port=${kannel_sendsms_port##*:}
# The other Kannel ports follow the sendsms port (13013 by default: 13000, 13001, 13010).
kannel_admin_port=$((kannel_sendsms_port - 13)) kannel_smsbox_port=$((kannel_sendsms_port - 12))
kannel_fake_port=$((kannel_sendsms_port - 3)) kannel_phones_port=$((kannel_sendsms_port - 4))
kannel_admin_password=taawidaty-admin
keycloak_port=$(hostport "$TAAWIDATY_KEYCLOAK_URL"); keycloak_port=${keycloak_port##*:}
keycloak_realm_file=$root/deploy/keycloak/taawidaty-realm.json
# Keycloak's JVM (JAVA_OPTS_KC_HEAP overrides): a smaller heap than its own default (-Xmx512m) and the C1 compiler
# only; ~430 MB resident instead of ~580 MB, a sign-in ~110 ms instead of ~60 ms (figures in deploy/local/README.md).
keycloak_java_opts="-Xms64m -Xmx384m -XX:TieredStopAtLevel=1"
clamd_signatures=$root/deploy/clamav/taawidaty-test.hdb

die() { echo "start.sh: $*" >&2; exit 1; }

# server_pid NAME: print the pid in NAME's pid file if that process is alive (not a zombie) and ours.
server_pid() {
  local pid stat cmd
  pid=$(cat "$pids/$1.pid" 2>/dev/null) && [[ -n $pid ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) && cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline") || return 1
  stat=${stat##*) }
  local program=${1%-phones}  # the phones' fakesmsc runs the same program as the SMSC's
  [[ ${stat%% *} != Z && $cmd == *"${program/#kafka/kafka.Kafka}"* ]] || return 1
  echo "$pid"
}
running() { server_pid "$1" >/dev/null; }

# launch NAME LOG CMD...: run CMD in its own session (stop.sh kills its whole group), appending to LOG.
launch() {
  local name=$1 log=$2; shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 &
  echo $! >"$pids/$name.pid"
}

# wait_healthy NAME LOG CHECK...: poll CHECK until it succeeds, NAME dies, or $timeout seconds pass.
wait_healthy() {
  local name=$1 log=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -n 30 "$log" >&2 || true
      die "$name exited during start-up; see $log"
    fi
    ((SECONDS < deadline)) || die "$name not healthy after ${timeout}s; see $log"
    sleep 0.5
  done
}

is_running() {
  case $1 in
    kannel) running bearerbox && running smsbox && running fakesmsc && running fakesmsc-phones ;;
    kafka | ferretdb | minio | bearerbox | keycloak | clamd) running "$1" ;;
    *) die "unknown server '$1' (use: kafka ferretdb minio kannel keycloak clamd)" ;;
  esac
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
need() { [[ -e $1 ]] || die "$1 is missing: run deploy/local/install.sh first"; }
# check_port NAME PORT: fail if something else already listens on 127.0.0.1:PORT.
check_port() { ! tcp_open 127.0.0.1 "$2" || die "$1: 127.0.0.1:$2 is already taken by another process"; }

# Kafka ApiVersions v0 request over /dev/tcp: healthy when the broker answers correlation id 1, error 0.
kafka_api_versions() (
  exec 3<>"/dev/tcp/127.0.0.1/$kafka_port" || exit 1
  # size 11 | api_key 18 (ApiVersions) | version 0 | correlation id 1 | client id "h"
  printf '\x00\x00\x00\x0b\x00\x12\x00\x00\x00\x00\x00\x01\x00\x01h' >&3
  reply=$(timeout 5 head -c 10 <&3 | od -An -tx1 | tr -d ' \n')
  [[ ${reply:8:12} == 000000010000 ]]
)
kafka_healthy() { grep -q 'Kafka Server started' "$logs/kafka.log" && kafka_api_versions; }

start_kafka() {
  need "$kafka_dir/libs"
  check_port kafka "$kafka_port"
  check_port kafka "$kafka_controller_port"
  local dir=$TAAWIDATY_RUN/kafka cluster_id
  rm -rf "$dir" && mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$kafka_controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$kafka_controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0
EOF
  local java=(java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$kafka_dir/log4j2.properties" -cp "$kafka_dir/libs/*")
  # A random 16-byte base64url id, as `StorageTool random-uuid` prints (without a second JVM start).
  # A base64url id starting with "-" would be read as an option by the storage tool: draw again.
  cluster_id=-
  while [[ $cluster_id == -* ]]; do cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='); done
  "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
    >"$logs/kafka-format.log" 2>&1 || { cat "$logs/kafka-format.log" >&2; die "kafka storage format failed"; }
  : >"$logs/kafka.log"
  launch kafka "$logs/kafka.log" "${java[@]}" kafka.Kafka "$dir/server.properties"
}

start_ferretdb() {
  need "$bin/$TAAWIDATY_FERRETDB_BINARY"
  check_port ferretdb "${mongo_addr##*:}"
  local dir=$TAAWIDATY_RUN/ferretdb
  rm -rf "$dir" && mkdir -p "$dir/data" "$dir/state"
  : >"$logs/ferretdb.log"
  # WAL with synchronous=NORMAL: a commit no longer waits on fsync (12 % less of FerretDB's CPU per claim here).
  # A killed process still loses nothing committed; only a power cut may lose the last commits, and this
  # database is wiped at every start anyway. Production runs MongoDB, with its own journal.
  # GOGC=400: FerretDB allocates anew for every command out of a small heap (40 MB), so Go's collector ran often;
  # a heap of about 60 MB takes a quarter less of its CPU.
  # GOMAXPROCS=1: SQLite writes one at a time anyway, and on a machine whose few cores the services share, Go's
  # handing goroutines between two threads cost more than it gained: 8 clients finding, updating and inserting took
  # 0.44 ms of its CPU a command instead of 0.53-0.55, and it served 2,100 commands a second instead of 1,800.
  launch ferretdb "$logs/ferretdb.log" env GOGC="${TAAWIDATY_FERRETDB_GOGC:-400}" \
    GOMAXPROCS="${TAAWIDATY_FERRETDB_GOMAXPROCS:-1}" \
    "$bin/$TAAWIDATY_FERRETDB_BINARY" --handler=sqlite \
    --sqlite-url="file:$dir/data/?_pragma=synchronous(normal)" \
    --listen-addr="$mongo_addr" --state-dir="$dir/state" --debug-addr="${TAAWIDATY_FERRETDB_DEBUG_ADDR:--}" \
    --telemetry=disable --log-level=info
}

start_minio() {
  need "$bin/minio"
  check_port minio "${MINIO_ENDPOINT##*:}"
  local dir=$TAAWIDATY_RUN/minio
  rm -rf "$dir" && mkdir -p "$dir/data"
  : >"$logs/minio.log"
  # MINIO_ACCESS_KEY/SECRET_KEY are deprecated server-side names: give the server ROOT_USER/PASSWORD only.
  # The background scanner (usage, healing, lifecycle expiry) walks every object over and over: at its default
  # speed, with 40,000 objects stored, it took a fifth of a core while idle; at "slowest" a thousandth. On one local
  # drive, with the data wiped at every start, quarantine expiry after days loses nothing by a slower walk.
  launch minio "$logs/minio.log" env -u MINIO_ACCESS_KEY -u MINIO_SECRET_KEY \
    MINIO_ROOT_USER="$MINIO_ACCESS_KEY" MINIO_ROOT_PASSWORD="$MINIO_SECRET_KEY" \
    MINIO_SCANNER_SPEED="${TAAWIDATY_MINIO_SCANNER_SPEED:-slowest}" \
    MINIO_BROWSER=off MINIO_UPDATE=off "$bin/minio" server --quiet --address "$MINIO_ENDPOINT" "$dir/data"
}

kannel_status() { curl -fsS "http://127.0.0.1:$kannel_admin_port/status.txt?password=$kannel_admin_password"; }
kannel_healthy() {
  local status
  status=$(kannel_status) || return 1
  grep -q 'fakesmsc.*online' <<<"$status" && grep -q 'phones.*online' <<<"$status" && grep -q 'smsbox:' <<<"$status" \
    && curl -sS -o /dev/null "http://127.0.0.1:$kannel_sendsms_port/cgi-bin/sendsms"
}

start_kannel() {
  local b=/usr/sbin/bearerbox s=/usr/sbin/smsbox f=/usr/lib/kannel/test/fakesmsc p nodelay=$TAAWIDATY_KANNEL_NODELAY
  need "$b"; need "$s"; need "$f"; need "$nodelay"
  for p in "$kannel_admin_port" "$kannel_smsbox_port" "$kannel_fake_port" "$kannel_phones_port" "$kannel_sendsms_port"; do
    check_port kannel "$p"
  done
  local dir=$TAAWIDATY_RUN/kannel
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/kannel.conf" <<EOF
group = core
admin-port = $kannel_admin_port
admin-interface = 127.0.0.1
admin-password = $kannel_admin_password
admin-allow-ip = 127.0.0.1
smsbox-port = $kannel_smsbox_port
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
dlr-storage = internal
access-log = "$logs/kannel-access.log"

group = smsc
smsc = fake
smsc-id = fakesmsc
port = $kannel_fake_port
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

# The phones' side: a second fake SMSC that only brings the SMS people send (MO); no MT goes to it.
group = smsc
smsc = fake
smsc-id = phones
allowed-smsc-id = phones
port = $kannel_phones_port
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $kannel_smsbox_port
sendsms-port = $kannel_sendsms_port
sendsms-interface = 127.0.0.1
access-log = "$logs/kannel-smsbox-access.log"
# A delivery report the notifications service could not take (restarting, unreachable) is tried again.
http-request-retry = 30
http-queue-delay = 2

group = sendsms-user
username = $KANNEL_USERNAME
password = $KANNEL_PASSWORD
user-allow-ip = 127.0.0.1
max-messages = 10

# An SMS people send (a STOP reply to an invitation) goes to the notifications service; no reply is sent back.
group = sms-service
keyword = default
get-url = "$KANNEL_INCOMING_SMS_URL?token=$KANNEL_INCOMING_SMS_TOKEN&from=%p&text=%a"
max-messages = 0
catch-all = true
EOF
  : >"$logs/bearerbox.log"; : >"$logs/smsbox.log"
  # Both boxes with TCP_NODELAY on their connections (deploy/docker/kannel/tcp-nodelay.c): a send asking for delivery
  # reports is answered in 1 ms, not 44, and its reports come under 1 ms after, not 42.
  launch bearerbox "$logs/bearerbox.log" env LD_PRELOAD="$nodelay" "$b" -v 1 "$dir/kannel.conf"
  wait_healthy bearerbox "$logs/bearerbox.log" kannel_status
  launch smsbox "$logs/smsbox.log" env LD_PRELOAD="$nodelay" "$s" -v 1 "$dir/kannel.conf"
  # Receive-only fake SMSC: "-m 0" sends no MO message (the one given is never used); every MT message bearerbox
  # delivers is logged at once as a "Got message N: <...>" line.
  mkdir -p "$(dirname "$FAKESMSC_LOG")"
  launch fakesmsc "$FAKESMSC_LOG" "$f" -H 127.0.0.1 -r "$kannel_fake_port" -m 0 "0 0 text unused"
  # The phones: a second fakesmsc, interactive, sends as MO each line written to the FIFO $FAKESMSC_INPUT
  # ("+212612345678 2020 text STOP"); opened read-write, the FIFO never reaches end of file. (An interactive fakesmsc
  # reads the SMSC's messages late: MT stays on the receive-only one above.)
  rm -f "$FAKESMSC_INPUT" && mkfifo "$FAKESMSC_INPUT"
  setsid "$f" -H 127.0.0.1 -r "$kannel_phones_port" <>"$FAKESMSC_INPUT" >>"$logs/fakesmsc-phones.log" 2>&1 &
  echo $! >"$pids/fakesmsc-phones.pid"
}

# Keycloak from the distribution install.sh unzipped and built (`kc.sh build`: H2 file database, health on the
# management port), in production mode with the build's options (`start --optimized`). Keycloak keeps its data
# under its home directory, so each start gets a fresh home in $TAAWIDATY_RUN/keycloak: its own bin/kc.sh (the
# script takes the home from its own path), links to the cached lib/, conf/, providers/ and themes/, and data/
# with the realm file in data/import/ (`--import-realm`). The first admin comes from KC_BOOTSTRAP_ADMIN_*.
start_keycloak() {
  need "$keycloak_dir/lib/quarkus"
  need "$keycloak_realm_file"
  check_port keycloak "$keycloak_port"
  check_port keycloak "$TAAWIDATY_KEYCLOAK_MANAGEMENT_PORT"
  local home=$TAAWIDATY_RUN/keycloak part
  rm -rf "$home" && mkdir -p "$home/bin" "$home/data/import"
  cp "$keycloak_dir/bin/kc.sh" "$home/bin/"
  for part in lib conf providers themes; do ln -s "$keycloak_dir/$part" "$home/$part"; done
  cp "$keycloak_realm_file" "$home/data/import/"
  : >"$logs/keycloak.log"
  launch keycloak "$logs/keycloak.log" env \
    KC_BOOTSTRAP_ADMIN_USERNAME="$TAAWIDATY_KEYCLOAK_ADMIN_USER" \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$TAAWIDATY_KEYCLOAK_ADMIN_PASSWORD" \
    JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:-$keycloak_java_opts}" \
    "$home/bin/kc.sh" start --optimized --http-enabled=true --http-host=127.0.0.1 --http-port="$keycloak_port" \
    --http-management-port="$TAAWIDATY_KEYCLOAK_MANAGEMENT_PORT" --hostname="$TAAWIDATY_KEYCLOAK_URL" \
    --cache=local --import-realm --log-level="$keycloak_log_level"
}
# Keycloak's event log names the user of every failed sign-in (a registration number) at WARN: kept out of the logs;
# lockouts stay visible in the admin console (Attack detection).
keycloak_log_level="info,org.keycloak.events:error"
keycloak_healthy() { curl -fsS "$TAAWIDATY_KEYCLOAK_URL/realms/taawidaty/.well-known/openid-configuration"; }

# clamd (Debian's clamav-daemon) on a Unix socket, with only the repository's test signatures (no network for
# freshclam; the EICAR test file is enough to exercise the documents service's scan for real, and a few MB of memory
# instead of ~1 GB with the official database). The documents service finds it at DOCUMENTS_CLAMD_SOCKET (env.sh).
start_clamd() {
  need /usr/sbin/clamd
  need "$clamd_signatures"
  ! clamd_ping >/dev/null 2>&1 || die "clamd: $DOCUMENTS_CLAMD_SOCKET is already served by another process"
  local dir=$TAAWIDATY_RUN/clamd
  rm -rf "$dir" "$DOCUMENTS_CLAMD_SOCKET" && mkdir -p "$dir/db" "$dir/tmp" "$(dirname "$DOCUMENTS_CLAMD_SOCKET")"
  cp "$clamd_signatures" "$dir/db/"
  # StreamMaxLength above the largest upload (DOCUMENTS_MAX_FILE_BYTES, 10 MiB); no periodic database check, no
  # bytecode, a few threads.
  cat >"$dir/clamd.conf" <<EOF
Foreground yes
LocalSocket $DOCUMENTS_CLAMD_SOCKET
LocalSocketMode 600
DatabaseDirectory $dir/db
TemporaryDirectory $dir/tmp
LogTime yes
SelfCheck 0
Bytecode no
ConcurrentDatabaseReload no
MaxThreads 4
StreamMaxLength 16M
EOF
  : >"$logs/clamd.log"
  launch clamd "$logs/clamd.log" /usr/sbin/clamd --config-file="$dir/clamd.conf"
}
# zPING over the Unix socket (bash has no Unix sockets): healthy when clamd answers PONG.
clamd_ping() {
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1]); s.sendall(b"zPING\0")
sys.exit(s.recv(16) != b"PONG\0")' "$DOCUMENTS_CLAMD_SOCKET"
}

ferretdb_healthy() { grep -q 'Listening on' "$logs/ferretdb.log" && tcp_open "${mongo_addr%:*}" "${mongo_addr##*:}"; }
minio_healthy() { curl -fsS "http://$MINIO_ENDPOINT/minio/health/live"; }

mkdir -p "$logs" "$pids"
(($#)) || set -- kafka ferretdb minio kannel keycloak clamd
t0=$SECONDS
for name in "$@"; do
  if [[ $name == kannel ]] && is_running kannel && ! grep -qF "$KANNEL_INCOMING_SMS_URL?" "$TAAWIDATY_RUN/kannel/kannel.conf"; then
    echo "kannel: restarting, to hand incoming SMS to $KANNEL_INCOMING_SMS_URL"
    "$here/stop.sh" kannel >/dev/null
  fi
  if is_running "$name"; then echo "$name: already running"; continue; fi
  if [[ $name == kannel ]]; then "$here/stop.sh" kannel >/dev/null; fi   # clear a half-running set
  "start_$name"
done
# Launch first, then wait: the servers start up in parallel. Already running ones are checked too.
for name in "$@"; do
  case $name in
    kafka) wait_healthy kafka "$logs/kafka.log" kafka_healthy
      echo "kafka: up on $KAFKA_BOOTSTRAP_SERVERS" ;;
    ferretdb) wait_healthy ferretdb "$logs/ferretdb.log" ferretdb_healthy
      echo "ferretdb: up on $MONGODB_URL" ;;
    minio) wait_healthy minio "$logs/minio.log" minio_healthy
      echo "minio: up on http://$MINIO_ENDPOINT" ;;
    kannel) wait_healthy kannel "$logs/smsbox.log" kannel_healthy
      echo "kannel: up, sendsms on $KANNEL_SENDSMS_URL, fake SMSC log $FAKESMSC_LOG" ;;
    keycloak) wait_healthy keycloak "$logs/keycloak.log" keycloak_healthy
      echo "keycloak: up, realm $TAAWIDATY_KEYCLOAK_URL/realms/taawidaty (admin console $TAAWIDATY_KEYCLOAK_URL/admin/)" ;;
    clamd) wait_healthy clamd "$logs/clamd.log" clamd_ping
      echo "clamd: up on $DOCUMENTS_CLAMD_SOCKET" ;;
  esac
done
echo "start.sh: ${*} ready in $((SECONDS - t0))s (logs: $logs)"
