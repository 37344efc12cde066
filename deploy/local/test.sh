#!/usr/bin/env bash
# Set up everything, start the real servers, run the whole test suite, stop the servers.
#   deploy/local/test.sh [pytest arguments]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"
# Kannel hands the SMS people send to the test stack's notifications service (tests/e2e/stack.py's ports).
export KANNEL_INCOMING_SMS_URL="http://127.0.0.1:$((${TAAWIDATY_TEST_BASE_PORT:-28080} + 4))/incoming-sms"

bash "$here/setup.sh"
bash "$here/install.sh"
if docker info >/dev/null 2>&1; then
  export TAAWIDATY_SERVERS=testcontainers   # Kafka, MongoDB and MinIO from the official images
  servers=(kannel keycloak clamd)
else
  export TAAWIDATY_SERVERS=local
  servers=(kafka ferretdb minio kannel keycloak clamd)
fi
trap 'bash "$here/stop.sh"' EXIT
bash "$here/start.sh" "${servers[@]}"
cd "$root"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
