#!/usr/bin/env bash
# Python side of the set-up: Debian packages WeasyPrint and the tests need, then the project's virtualenv.
# Idempotent and quick when nothing changed (the virtualenv is rebuilt only when pyproject.toml changes).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

mapfile -t wanted < <(grep -v '^\s*#' "$here/system-packages.txt" | awk 'NF {print $1}')
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv=$root/.venv
stamp=$venv/.installed-from
digest=$(sha256sum "$root/pyproject.toml" | cut -c1-16)
if [[ ! -x $venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$digest" ]]; then
  echo "setup: installing the Python environment in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -e "${root}[dev]"
  echo "$digest" >"$stamp"
fi

# axe-core, injected into pages by the browser tests (tests/browser), from the npm registry into the cache, outside
# the repository; env.sh points TAAWIDATY_AXE_JS at it. Without npm, the same tarball, checked against its integrity.
axe_version=4.14.1
axe_integrity=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
node_prefix=${TAAWIDATY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taawidaty}/node
axe_dir=$node_prefix/node_modules/axe-core
if [[ ! -f $axe_dir/axe.min.js ]] || ! grep -q "\"version\": \"$axe_version\"" "$axe_dir/package.json"; then
  echo "setup: installing axe-core $axe_version in $node_prefix"
  mkdir -p "$node_prefix"
  if command -v npm >/dev/null; then
    npm install --prefix "$node_prefix" --no-audit --no-fund --ignore-scripts --loglevel=error \
      "axe-core@$axe_version" >/dev/null
  else
    tarball=$(mktemp)
    curl -fsSL -o "$tarball" "https://registry.npmjs.org/axe-core/-/axe-core-$axe_version.tgz"
    [[ "sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)" == "$axe_integrity" ]] \
      || { echo "setup: axe-core tarball does not match its integrity" >&2; rm -f "$tarball"; exit 1; }
    rm -rf "$axe_dir" && mkdir -p "$axe_dir"
    tar -xzf "$tarball" -C "$axe_dir" --strip-components=1
    rm -f "$tarball"
  fi
fi
