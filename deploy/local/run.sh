#!/usr/bin/env bash
# Set up everything, start the real servers and the six services, push one sample claim end to end.
#   deploy/local/run.sh          # keeps running until Ctrl-C, which stops every process it started
#   deploy/local/run.sh --once   # stops everything as soon as the sample claim reached its SMS
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

bash "$here/setup.sh"
bash "$here/install.sh"
trap 'bash "$here/services.sh" stop; bash "$here/stop.sh"' EXIT
trap 'exit 130' INT TERM
bash "$here/start.sh"
"$root/.venv/bin/python" -m services.eligibility load-registry "$here/fixtures/insured.json"
bash "$here/services.sh" start
"$root/.venv/bin/python" "$here/sample_claim.py"
cat <<EOF
TAAWIDATY is running.
  Portal:     $PORTAL_PUBLIC_URL
              sign in as 123456789 / Taawidaty-2026 (an insured with a registry record), or as
              111111111 / Taawidaty-2026 to file for the survivors of the deceased insured 345678912
  Claims API: http://127.0.0.1:18080/docs
  Keycloak:   $TAAWIDATY_KEYCLOAK_URL/admin/ ($TAAWIDATY_KEYCLOAK_ADMIN_USER / $TAAWIDATY_KEYCLOAK_ADMIN_PASSWORD)
EOF
if [[ ${1:-} != --once ]]; then
  echo "Ctrl-C stops everything."
  while true; do sleep 3600 & wait $!; done  # wait: a TERM or INT stops everything at once
fi
