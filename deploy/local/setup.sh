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
