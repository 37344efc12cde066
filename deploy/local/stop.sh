#!/usr/bin/env bash
# Stop the local servers started by start.sh (all, or only those named: kafka ferretdb minio kannel keycloak clamd).
# TERM to each server's process group, KILL after a grace period. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

pids=$TAAWIDATY_RUN/pids
grace=${TAAWIDATY_STOP_GRACE:-20}

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

# stop_one NAME: stop the process group led by NAME's pid (start.sh runs each server under setsid).
stop_one() {
  local name=$1 pid deadline
  if pid=$(server_pid "$name"); then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while server_pid "$name" >/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    if server_pid "$name" >/dev/null; then
      echo "$name: still running after ${grace}s, sending KILL"
    fi
    # KILL whatever is left of the group (the leader, or children that outlived it).
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "$name: stopped (pid $pid)"
  fi
  rm -f "$pids/$name.pid"
}

(($#)) || set -- clamd keycloak kannel minio ferretdb kafka
for name in "$@"; do
  case $name in
    kafka | ferretdb | minio | kannel | keycloak | clamd) ;;
    *) echo "stop.sh: unknown server '$name' (use: kafka ferretdb minio kannel keycloak clamd)" >&2; exit 1 ;;
  esac
done
# The servers stop in parallel; Kannel's boxes one after the other.
for name in "$@"; do
  if [[ $name == kannel ]]; then
    { stop_one fakesmsc-phones; stop_one fakesmsc; stop_one smsbox; stop_one bearerbox; } &
  else
    stop_one "$name" &
  fi
done
wait
