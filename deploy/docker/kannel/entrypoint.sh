#!/usr/bin/env bash
# Start Kannel from kannel.conf (next to this script) with values from the environment:
#   KANNEL_USERNAME, KANNEL_PASSWORD  the sendsms user the notifications service authenticates as (required)
#   KANNEL_ADMIN_PASSWORD             bearerbox's admin/status password (default: a random one)
#   KANNEL_INCOMING_SMS_URL, KANNEL_INCOMING_SMS_TOKEN  where the SMS people send (a STOP reply) go, with the token
#                                     the notifications service checks (required)
# Runs bearerbox, smsbox and, while kannel.conf has the fake SMSCs, fakesmsc (receive-only: its "Got message" lines
# are the SMS) and the phones' fakesmsc (reads /tmp/kannel/phones.in); when one exits, stops the others and exits too.
# `entrypoint.sh health`: succeeds when smsbox is connected and an SMSC is online (the image's HEALTHCHECK).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run=${TMPDIR:-/tmp}/kannel
conf=$run/kannel.conf

# setting KEY [TEXT]: the value of KEY in the first group of $conf that contains TEXT (any group without TEXT).
setting() {
  awk -v RS= -v key="$1" -v text="${2:-}" 'index($0, text) {
    n = split($0, lines, "\n")
    for (i = 1; i <= n; i++) if (lines[i] ~ "^" key " *= *") {
      sub("^" key " *= *", "", lines[i]); gsub(/"/, "", lines[i]); print lines[i]; exit
    }
  }' "$conf"
}

status() {
  curl -fsS --max-time 4 --get --data-urlencode "password@$run/admin-password" \
    "http://127.0.0.1:$(setting admin-port)/status.txt"
}

healthy() {
  local text
  text=$(status) || return 1
  grep -q 'smsbox:' <<<"$text" && grep -q '(online' <<<"$text"
}

write_config() {
  local name value text
  text=$(<"$here/kannel.conf")
  for name in KANNEL_USERNAME KANNEL_PASSWORD KANNEL_ADMIN_PASSWORD KANNEL_INCOMING_SMS_URL KANNEL_INCOMING_SMS_TOKEN; do
    value=${!name}
    if [[ -z $value || $value == *[[:space:][:cntrl:]\"\\]* ]]; then
      echo "entrypoint: $name must be set, without spaces, quotes or backslashes" >&2
      exit 64
    fi
    text=${text//"@$name@"/"$value"}
  done
  (umask 077 && mkdir -p "$run" && printf '%s\n' "$text" >"$conf" && printf '%s' "$KANNEL_ADMIN_PASSWORD" >"$run/admin-password")
}

pids=()
stop() {
  trap - TERM INT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
}

if [[ ${1:-} == health ]]; then
  healthy
  exit
fi

KANNEL_USERNAME=${KANNEL_USERNAME:-} KANNEL_PASSWORD=${KANNEL_PASSWORD:-}
KANNEL_INCOMING_SMS_URL=${KANNEL_INCOMING_SMS_URL:-} KANNEL_INCOMING_SMS_TOKEN=${KANNEL_INCOMING_SMS_TOKEN:-}
KANNEL_ADMIN_PASSWORD=${KANNEL_ADMIN_PASSWORD:-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}
write_config
trap 'stop; exit 143' TERM INT

# Both boxes with TCP_NODELAY on their connections: no delayed ACK to wait for (tcp-nodelay.c)
LD_PRELOAD=$here/kannel-tcp-nodelay.so /usr/sbin/bearerbox -v 1 "$conf" &
bearerbox=$! && pids+=("$bearerbox")
for _ in $(seq 60); do
  status >/dev/null 2>&1 && break
  kill -0 "$bearerbox" 2>/dev/null || { wait "$bearerbox"; exit; }
  sleep 0.5
done
status >/dev/null || { echo "entrypoint: bearerbox does not answer on its admin port" >&2; stop; exit 1; }
LD_PRELOAD=$here/kannel-tcp-nodelay.so /usr/sbin/smsbox -v 1 "$conf" &
pids+=("$!")
if fake_port=$(setting port 'smsc-id = fakesmsc') && [[ -n $fake_port ]]; then
  # "-m 0": no MO message is ever sent (the one given is unused)
  /usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$fake_port" -m 0 "0 0 text unused" &
  pids+=("$!")
fi
if phones_port=$(setting port 'smsc-id = phones') && [[ -n $phones_port ]]; then
  # the phones: each line written to the FIFO is an SMS someone sends (opened read-write: never at end of file)
  rm -f "$run/phones.in" && mkfifo "$run/phones.in"
  /usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$phones_port" <>"$run/phones.in" &
  pids+=("$!")
fi

code=0
wait -n || code=$?
echo "entrypoint: a Kannel process exited (status $code); stopping the others" >&2
stop
exit "$code"
