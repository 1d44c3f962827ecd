#!/usr/bin/env bash
# Installs the Debian packages the demo, the tests and the benchmarks run on, when
# they are missing: bash scripts/system-packages.sh redis-server espeak-ng sox chromium
# One apt-get run for all of them (two at once would fight over dpkg's lock).
# Without root nothing is installed: it says what to install and carries on, and
# whatever then needs a missing package fails naming it.
set -euo pipefail

binary_of() {
  case "$1" in
    chromium) echo /usr/bin/chromium ;;
    *) echo "$1" ;;
  esac
}

missing=()
for pkg in "$@"; do
  command -v "$(binary_of "$pkg")" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]} (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
