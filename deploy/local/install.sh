#!/usr/bin/env bash
# Install (once) what deploy/local/start.sh runs: Debian packages (Kannel), Kafka broker jars and Keycloak
# from Maven Central, FerretDB, MinIO and promtool built from the Go module proxy, the library Kannel's boxes are
# started with. Everything built goes to $TAAWIDATY_CACHE; a step whose output already exists is skipped.
#   deploy/local/install.sh                 # apt kannel kafka ferretdb minio keycloak promtool
#   deploy/local/install.sh kafka minio     # only these
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"

bin=$TAAWIDATY_CACHE/bin
kafka_dir=$TAAWIDATY_CACHE/kafka-$TAAWIDATY_KAFKA_VERSION
keycloak_dir=$TAAWIDATY_CACHE/keycloak-$TAAWIDATY_KEYCLOAK_VERSION
mkdir -p "$bin"
for tool in go mvn java; do
  command -v "$tool" >/dev/null || { echo "install.sh: needs $tool on PATH (Go, Maven, Java 17)" >&2; exit 1; }
done

# step NAME DONE_PATH FUNCTION: run FUNCTION unless DONE_PATH exists, and say how long it took.
step() {
  local name=$1 done_path=$2 fn=$3 t0
  if [[ -e $done_path ]]; then
    echo "== $name: already installed ($done_path)"
    return
  fi
  echo "== $name: installing ..."
  t0=$SECONDS
  "$fn"
  echo "== $name: done in $((SECONDS - t0))s"
}

apt_packages() {
  local missing=() p
  for p in kannel kannel-extras curl procps unzip gcc libc6-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "== apt: installing ${missing[*]}"
    local sudo=() t0=$SECONDS; ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >"$TAAWIDATY_CACHE/apt.log" 2>&1 || { cat "$TAAWIDATY_CACHE/apt.log" >&2; return 1; }
    # The package may start a system-wide bearerbox on the same ports; we run our own, so keep it off.
    if [[ -d /run/systemd/system ]]; then
      "${sudo[@]}" systemctl disable --now kannel >/dev/null 2>&1 || true
    else
      "${sudo[@]}" invoke-rc.d kannel stop >/dev/null 2>&1 || true
    fi
    echo "== apt: done in $((SECONDS - t0))s"
  else
    echo "== apt: kannel kannel-extras curl procps unzip gcc libc6-dev already installed"
  fi
}

# The library start.sh loads into Kannel's boxes so that they set TCP_NODELAY (deploy/docker/kannel/tcp-nodelay.c).
install_kannel_nodelay() {
  gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$TAAWIDATY_KANNEL_NODELAY.tmp" \
    "$here/../docker/kannel/tcp-nodelay.c" -ldl
  mv "$TAAWIDATY_KANNEL_NODELAY.tmp" "$TAAWIDATY_KANNEL_NODELAY"
}

install_kafka() {
  local work=$TAAWIDATY_CACHE/kafka-pom-$TAAWIDATY_KAFKA_VERSION
  mkdir -p "$work"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.taawidaty</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$TAAWIDATY_KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$TAAWIDATY_KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$kafka_dir/libs.tmp"
  mvn -q -B -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$kafka_dir/libs.tmp"
  cat >"$kafka_dir/log4j2.properties" <<'LOG'
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache
logger.apache.level = WARN
logger.broker.name = org.apache.kafka.server
logger.broker.level = INFO
LOG
  mv "$kafka_dir/libs.tmp" "$kafka_dir/libs"
  echo "   $(find "$kafka_dir/libs" -name '*.jar' | wc -l) jars in $kafka_dir/libs"
}

install_ferretdb() {
  local v=$TAAWIDATY_FERRETDB_VERSION src dir
  dir=$(cd /tmp && go mod download -json "github.com/FerretDB/FerretDB@$v" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir ]] || { echo "go mod download of FerretDB $v failed" >&2; return 1; }
  src=$TAAWIDATY_CACHE/src/ferretdb-$v
  rm -rf "$src" && mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$v" >"$src/build/version/version.txt"   # FerretDB panics at start without it
  serialize_ferretdb_writes "$src/internal/handler"
  push_down_id_filters "$src"
  lighten_ferretdb "$src"
  (cd "$src" && CGO_ENABLED=0 go build -buildvcs=false -o "$bin/ferretdb.tmp" ./cmd/ferretdb)
  mv "$bin/ferretdb.tmp" "$bin/$TAAWIDATY_FERRETDB_BINARY"
}

# FerretDB 1.x runs update, findAndModify and delete as a query then a write, outside any transaction, so two
# concurrent updates of one document lose one of them (MongoDB applies each atomically). One mutex around those
# commands gives the local server MongoDB's single-document atomicity, which the services rely on.
serialize_ferretdb_writes() {
  local handler=$1 command
  printf 'package handler\n\nimport "sync"\n\n// writeMu makes each write command atomic.\nvar writeMu sync.Mutex\n' \
    >"$handler/serialize_writes.go"
  for command in MsgUpdate MsgFindAndModify MsgDelete; do
    grep -q "^func (h \*Handler) $command(" "$handler"/*.go || { echo "FerretDB has no $command" >&2; return 1; }
    sed -i "/^func (h \*Handler) $command(/a\\\twriteMu.Lock()\n\tdefer writeMu.Unlock()" "$handler"/*.go
  done
}

# FerretDB 1.x on SQLite looked documents up by _id through the path '$._id', which is not the expression of its
# unique _id index (->"_id"), so every find, update and delete by _id scanned and decoded the whole table; and it
# used _id only when the filter held nothing else, so {_id: X, status: Y} (every compare-and-set) and
# {_id: {$in: [...]}} scanned too. The patch writes the path as the index does and uses an _id equality or $in
# whatever else the filter holds (FerretDB filters what it finds with the whole filter afterwards). 3,000 documents
# of 2 KB: a lookup by _id takes 3 ms, a conditional update 2.5 ms; a scan 740 ms.
push_down_id_filters() {
  (cd "$1" && git apply "$here/ferretdb-id-pushdown.patch")
}

# Two patches make each command cheaper. FerretDB 1.x's update and findAndModify wrote while the query that found
# the document was still open, so SQLite never completed a WAL checkpoint: the WAL grew without end (167 MB after
# 20,000 updates of 400 documents) and every commit's checkpoint went through all of it, 27 % of the server's CPU;
# delete already closed its query first, the other two now do too. And every query's iterator went through a leak
# detector meant for FerretDB's own debug builds (a stack captured and a finalizer set each time): 8 % of its CPU.
lighten_ferretdb() {
  (cd "$1" && git apply "$here/ferretdb-close-reads-before-writes.patch" "$here/ferretdb-untracked-iterators.patch")
}

install_minio() {
  (cd /tmp && CGO_ENABLED=0 GOBIN=$bin go install "github.com/minio/minio@$TAAWIDATY_MINIO_VERSION")
  echo "   built $(go version -m "$bin/minio" | awk '$1 == "mod" {print $2 "@" $3}')"
}

# promtool, to check the alert rules of deploy/prometheus and run their unit tests (tests/unit/deploy).
install_promtool() {
  (cd /tmp && CGO_ENABLED=0 GOBIN=$bin go install "github.com/prometheus/prometheus/cmd/promtool@$TAAWIDATY_PROMETHEUS_VERSION")
}

# Keycloak's server distribution (a zip on Maven Central), unzipped, then built once for what start.sh runs:
# `kc.sh build` fixes the build-time options (embedded H2 file database, health endpoints on the management
# port), so each start is `kc.sh start --optimized` and skips that step (~10 s of a 2-core machine's time).
install_keycloak() {
  local v=$TAAWIDATY_KEYCLOAK_VERSION tmp=$keycloak_dir.tmp
  command -v unzip >/dev/null || { echo "install.sh keycloak: needs unzip (install.sh apt installs it)" >&2; return 1; }
  rm -rf "$tmp" && mkdir -p "$tmp"
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$v:zip" \
    -DoutputDirectory="$tmp"
  unzip -q "$tmp/keycloak-quarkus-dist-$v.zip" -d "$tmp"
  rm "$tmp/keycloak-quarkus-dist-$v.zip"
  [[ -x $tmp/keycloak-$v/bin/kc.sh ]] || { echo "no bin/kc.sh in keycloak-quarkus-dist $v" >&2; return 1; }
  "$tmp/keycloak-$v/bin/kc.sh" build --db=dev-file --health-enabled=true >"$TAAWIDATY_CACHE/keycloak-build.log" 2>&1 \
    || { cat "$TAAWIDATY_CACHE/keycloak-build.log" >&2; return 1; }
  rm -rf "$tmp/keycloak-$v/data"
  mv "$tmp/keycloak-$v" "$keycloak_dir" && rmdir "$tmp"
}

t_all=$SECONDS
(($#)) || set -- apt kannel kafka ferretdb minio keycloak promtool
for what in "$@"; do
  case $what in
    apt) apt_packages ;;
    kannel) step "kannel tcp-nodelay library" "$TAAWIDATY_KANNEL_NODELAY" install_kannel_nodelay ;;
    kafka) step "kafka $TAAWIDATY_KAFKA_VERSION jars" "$kafka_dir/libs" install_kafka ;;
    ferretdb) step "ferretdb $TAAWIDATY_FERRETDB_VERSION" "$bin/$TAAWIDATY_FERRETDB_BINARY" install_ferretdb ;;
    minio) step "minio $TAAWIDATY_MINIO_VERSION" "$bin/minio" install_minio ;;
    keycloak) step "keycloak $TAAWIDATY_KEYCLOAK_VERSION" "$keycloak_dir" install_keycloak ;;
    promtool) step "promtool $TAAWIDATY_PROMETHEUS_VERSION" "$bin/promtool" install_promtool ;;
    *) echo "install.sh: unknown component '$what' (use: apt kannel kafka ferretdb minio keycloak promtool)" >&2; exit 1 ;;
  esac
done
echo "== install.sh finished in $((SECONDS - t_all))s (cache: $TAAWIDATY_CACHE)"
