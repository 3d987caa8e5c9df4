#!/usr/bin/env bash
# Installs, from Debian's packages and only when missing, the servers the real-server tests start:
# PostgreSQL (initdb, pg_ctl, pg_basebackup) and MariaDB (mariadbd, mariadb-install-db, mariadb client).
# Idempotent and quiet: with both present it returns at once. The packages' own services are not started
# (the tests start private servers on loopback, in temporary folders).
#
#   test/real-servers/install-packages.sh            # both
#   test/real-servers/install-packages.sh postgres   # only PostgreSQL
set -euo pipefail

want="${1:-all}"

have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' >/dev/null; }
have_mariadb() { command -v mariadb-install-db >/dev/null && { command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ]; } && command -v mariadb >/dev/null; }

missing=()
if [[ "$want" == all || "$want" == postgres ]] && ! have_postgres; then missing+=(postgresql); fi
if [[ "$want" == all || "$want" == mariadb ]] && ! have_mariadb; then missing+=(mariadb-server mariadb-client); fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

fail() { echo "install-packages.sh: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "missing ${missing[*]} and apt-get is not available: install them by hand (PostgreSQL ≥ 13 with pg_basebackup, MariaDB ≥ 10.5)"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || fail "missing ${missing[*]}: run this script as root (or install sudo) to apt-get them"
  sudo=(sudo -n)
fi

# Several test files may call this at once: one apt-get at a time, and re-check once the lock is ours.
lock=/tmp/firedrill-install-packages.lock
exec 9>"$lock"
flock 9
missing=()
if [[ "$want" == all || "$want" == postgres ]] && ! have_postgres; then missing+=(postgresql); fi
if [[ "$want" == all || "$want" == mariadb ]] && ! have_mariadb; then missing+=(mariadb-server mariadb-client); fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-packages.sh: installing ${missing[*]} from Debian's packages…" >&2
# Keep the packages' system services from starting (policy-rc.d, removed again afterwards if we made it).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  made_policy=1
fi
cleanup() { if [[ $made_policy -eq 1 ]]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null || fail "apt-get update failed (no network to Debian's mirror?)"
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
echo "install-packages.sh: installed ${missing[*]}" >&2
