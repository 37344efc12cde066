# shellcheck shell=bash
# Defaults for the local real servers (Kafka, FerretDB, MinIO, Kannel) on 127.0.0.1.
# Source it: `. deploy/local/env.sh`. A variable already set in the environment wins.

: "${TAAWIDATY_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/taawidaty}"; export TAAWIDATY_CACHE
: "${TAAWIDATY_RUN:=/tmp/taawidaty-run}"; export TAAWIDATY_RUN

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

# Versions of what install.sh builds (override to pin something else).
: "${TAAWIDATY_KAFKA_VERSION:=4.1.1}"; export TAAWIDATY_KAFKA_VERSION
: "${TAAWIDATY_FERRETDB_VERSION:=v1.24.2}"; export TAAWIDATY_FERRETDB_VERSION
: "${TAAWIDATY_FERRETDB_BINARY:=ferretdb-$TAAWIDATY_FERRETDB_VERSION-atomic-writes-id-index}"; export TAAWIDATY_FERRETDB_BINARY
: "${TAAWIDATY_MINIO_VERSION:=v0.0.0-20260212201848-7aac2a2c5b7c}"; export TAAWIDATY_MINIO_VERSION
