#!/usr/bin/env bash
# Stop the local servers started by start.sh (all, or only those named: kafka ferretdb minio kannel).
# TERM to each server's process group, KILL after a grace period. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

pids=$TAAWIDATY_RUN/pids
grace=${TAAWIDATY_STOP_GRACE:-20}

# stop_one NAME: stop the process group led by the pid in NAME's pid file (start.sh runs each under setsid).
stop_one() {
  local name=$1 f=$pids/$1.pid pid deadline
  [[ -s $f ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name: still running after ${grace}s, sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    # The group may still hold children that outlived the leader.
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "$name: stopped (pid $pid)"
  fi
  rm -f "$f"
}

(($#)) || set -- kannel minio ferretdb kafka
for name in "$@"; do
  case $name in
    kannel) stop_one fakesmsc; stop_one smsbox; stop_one bearerbox ;;
    kafka | ferretdb | minio) stop_one "$name" ;;
    *) echo "stop.sh: unknown server '$name' (use: kafka ferretdb minio kannel)" >&2; exit 1 ;;
  esac
done
