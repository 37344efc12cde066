#!/usr/bin/env bash
# Start or stop the six TAAWIDATY services in the background (logs and pid files under $TAAWIDATY_RUN).
#   deploy/local/services.sh start | stop
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

services=(claims documents eligibility receipts notifications portal)
ports=(18080 18081 18082 18083 18084 18085)
logs=$TAAWIDATY_RUN/logs
pids=$TAAWIDATY_RUN/pids
mkdir -p "$logs" "$pids"

start() {
  cd "$root"
  for i in "${!services[@]}"; do
    local name=${services[$i]}
    if [[ -s $pids/$name.pid ]] && kill -0 "$(cat "$pids/$name.pid")" 2>/dev/null; then continue; fi
    setsid "$root/.venv/bin/python" -m "services.$name" </dev/null >>"$logs/$name.log" 2>&1 &
    echo $! >"$pids/$name.pid"
  done
  for i in "${!services[@]}"; do
    local name=${services[$i]} port=${ports[$i]} deadline=$((SECONDS + 60))
    until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
      if ! kill -0 "$(cat "$pids/$name.pid")" 2>/dev/null; then
        tail -n 20 "$logs/$name.log" >&2; echo "services.sh: $name exited; see $logs/$name.log" >&2; exit 1
      fi
      ((SECONDS < deadline)) || { echo "services.sh: $name not ready after 60s" >&2; exit 1; }
      sleep 0.5
    done
    echo "$name: ready on 127.0.0.1:$port"
  done
}

stop() {
  for name in "${services[@]}"; do
    local f=$pids/$name.pid pid
    [[ -s $f ]] || continue
    pid=$(cat "$f")
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$f"
    echo "$name: stopped"
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
