# shellcheck shell=bash
# Defaults for the local real servers (Kafka, FerretDB, MinIO, Kannel, Keycloak, clamd) on 127.0.0.1.
# Source it: `. deploy/local/env.sh`. A variable already set in the environment wins.

: "${TAAWIDATY_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/taawidaty}"; export TAAWIDATY_CACHE
: "${TAAWIDATY_RUN:=/tmp/taawidaty-run}"; export TAAWIDATY_RUN
# The services start with the local secrets below only in this explicit local mode (services/runtime/secrets.py).
: "${TAAWIDATY_LOCAL_MODE:=true}"; export TAAWIDATY_LOCAL_MODE

: "${KAFKA_BOOTSTRAP_SERVERS:=127.0.0.1:19092}"; export KAFKA_BOOTSTRAP_SERVERS
: "${MONGODB_URL:=mongodb://127.0.0.1:27018/}"; export MONGODB_URL
: "${MINIO_ENDPOINT:=127.0.0.1:19000}"; export MINIO_ENDPOINT
: "${MINIO_ACCESS_KEY:=taawidaty}"; export MINIO_ACCESS_KEY
: "${MINIO_SECRET_KEY:=taawidaty-local-secret}"; export MINIO_SECRET_KEY
: "${MINIO_SECURE:=false}"; export MINIO_SECURE
: "${KANNEL_SENDSMS_URL:=http://127.0.0.1:13013/cgi-bin/sendsms}"; export KANNEL_SENDSMS_URL
: "${KANNEL_USERNAME:=taawidaty}"; export KANNEL_USERNAME
: "${KANNEL_PASSWORD:=taawidaty-local}"; export KANNEL_PASSWORD
: "${FAKESMSC_LOG:=$TAAWIDATY_RUN/fakesmsc.log}"; export FAKESMSC_LOG
: "${FAKESMSC_INPUT:=$TAAWIDATY_RUN/fakesmsc.in}"; export FAKESMSC_INPUT  # a line written here is an SMS people send
# Where Kannel hands the SMS people send (a STOP reply): the notifications service of the local run (the tests' stack
# listens on 28084: deploy/local/test.sh points Kannel there), with the token it checks.
: "${KANNEL_INCOMING_SMS_URL:=http://127.0.0.1:18084/incoming-sms}"; export KANNEL_INCOMING_SMS_URL
: "${KANNEL_INCOMING_SMS_TOKEN:=taawidaty-local-incoming-sms}"; export KANNEL_INCOMING_SMS_TOKEN

# Keycloak (realm deploy/keycloak/taawidaty-realm.json): its address, management (health) port and first admin.
: "${TAAWIDATY_KEYCLOAK_URL:=http://127.0.0.1:18180}"; export TAAWIDATY_KEYCLOAK_URL
: "${TAAWIDATY_KEYCLOAK_MANAGEMENT_PORT:=18190}"; export TAAWIDATY_KEYCLOAK_MANAGEMENT_PORT
: "${TAAWIDATY_KEYCLOAK_ADMIN_USER:=admin}"; export TAAWIDATY_KEYCLOAK_ADMIN_USER
: "${TAAWIDATY_KEYCLOAK_ADMIN_PASSWORD:=taawidaty-local-admin}"; export TAAWIDATY_KEYCLOAK_ADMIN_PASSWORD
# What the services verify tokens with (the provider's issuer and published keys) and what the portal signs in with.
: "${OIDC_ISSUER:=$TAAWIDATY_KEYCLOAK_URL/realms/taawidaty}"; export OIDC_ISSUER
: "${OIDC_JWKS_URL:=$OIDC_ISSUER/protocol/openid-connect/certs}"; export OIDC_JWKS_URL
: "${OIDC_AUDIENCE:=taawidaty}"; export OIDC_AUDIENCE
: "${OIDC_SUBJECT_CLAIM:=preferred_username}"; export OIDC_SUBJECT_CLAIM
: "${PORTAL_OIDC_ISSUER:=$OIDC_ISSUER}"; export PORTAL_OIDC_ISSUER
: "${PORTAL_OIDC_CLIENT_ID:=taawidaty-portal}"; export PORTAL_OIDC_CLIENT_ID
: "${PORTAL_OIDC_CLIENT_SECRET:=taawidaty-portal-local-secret}"; export PORTAL_OIDC_CLIENT_SECRET
: "${PORTAL_PUBLIC_URL:=http://127.0.0.1:18085}"; export PORTAL_PUBLIC_URL
: "${PORTAL_SECURE_COOKIES:=false}"; export PORTAL_SECURE_COOKIES

# The virus scanner (start.sh clamd): the documents service scans every upload with it and, locally and in the tests,
# refuses to start without it.
: "${DOCUMENTS_CLAMD_SOCKET:=$TAAWIDATY_RUN/clamd.sock}"; export DOCUMENTS_CLAMD_SOCKET
: "${DOCUMENTS_ANTIVIRUS_REQUIRED:=true}"; export DOCUMENTS_ANTIVIRUS_REQUIRED

# Versions of what install.sh builds (override to pin something else).
: "${TAAWIDATY_KAFKA_VERSION:=4.1.1}"; export TAAWIDATY_KAFKA_VERSION
: "${TAAWIDATY_FERRETDB_VERSION:=v1.24.2}"; export TAAWIDATY_FERRETDB_VERSION
: "${TAAWIDATY_FERRETDB_BINARY:=ferretdb-$TAAWIDATY_FERRETDB_VERSION-atomic-writes-id-index-light}"; export TAAWIDATY_FERRETDB_BINARY
# What start.sh preloads into Kannel's boxes (deploy/docker/kannel/tcp-nodelay.c), named by its source's digest so that
# install.sh builds a changed source again.
: "${TAAWIDATY_KANNEL_NODELAY:=$TAAWIDATY_CACHE/bin/kannel-tcp-nodelay-$(sha256sum "$(dirname "${BASH_SOURCE[0]}")/../docker/kannel/tcp-nodelay.c" | cut -c1-12).so}"; export TAAWIDATY_KANNEL_NODELAY
: "${TAAWIDATY_MINIO_VERSION:=v0.0.0-20260212201848-7aac2a2c5b7c}"; export TAAWIDATY_MINIO_VERSION
: "${TAAWIDATY_KEYCLOAK_VERSION:=26.5.6}"; export TAAWIDATY_KEYCLOAK_VERSION
: "${TAAWIDATY_PROMETHEUS_VERSION:=v0.316.0}"; export TAAWIDATY_PROMETHEUS_VERSION  # promtool (Prometheus 3.x)
: "${TAAWIDATY_AXE_JS:=$TAAWIDATY_CACHE/node/node_modules/axe-core/axe.min.js}"; export TAAWIDATY_AXE_JS  # setup.sh installs it
