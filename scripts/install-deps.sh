#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/debian-packages.txt (or the list given as the first
# argument, such as scripts/debian-dev-packages.txt) that are not installed yet.
# Safe to run again and again: when nothing is missing it only checks, and prints nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${1:-$here/debian-packages.txt}"
missing=()
while read -r line; do
  pkg="${line%%#*}"; pkg="$(echo "$pkg" | tr -d '[:space:]')"
  [ -n "$pkg" ] || continue
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done < "$list"
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
