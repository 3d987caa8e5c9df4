#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report test, once. Idempotent and quiet; safe to call in parallel
# (a flock serialises callers). Needs root or passwordless sudo. Exits non-zero, with a message on stderr,
# when Chromium cannot be installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install-chromium: $CHROMIUM is missing and this user is neither root nor allowed 'sudo -n'" >&2
  exit 1
fi

LOCK="${TMPDIR:-/tmp}/firedrill-install-chromium.lock"
exec 9>"$LOCK"
flock 9
# Another caller may have installed it while this one waited for the lock.
[ -x "$CHROMIUM" ] && exit 0

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq >"$LOG" 2>&1 \
  || ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >>"$LOG" 2>&1; then
  echo "install-chromium: apt-get failed:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
fi
[ -x "$CHROMIUM" ] || { echo "install-chromium: apt-get succeeded but $CHROMIUM is still missing" >&2; exit 1; }
