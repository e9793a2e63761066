#!/usr/bin/env bash
# Checks the systemd units of deploy/systemd with `systemd-analyze verify`.
#
# verify needs each ExecStart program to exist, so the units are checked from
# copies in a temporary folder where /usr/bin/node (where NodeSource and Debian
# put it on the Pi) is replaced by this machine's node when it lives elsewhere.
# Nothing else is changed. verify exits 0 after some warnings ("Unknown key name",
# "Failed to parse ..., ignoring"), so any output about our units fails too.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
units=("$root"/deploy/systemd/*.service)

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify-units.sh: systemd-analyze not found (apt-get install systemd)" >&2
  exit 3
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

node_path=/usr/bin/node
if [ ! -x "$node_path" ]; then
  node_path="$(command -v node || true)"
  [ -n "$node_path" ] || { echo "verify-units.sh: node not found: ExecStart cannot be checked" >&2; exit 3; }
  echo "verify-units.sh: checking with ExecStart=$node_path instead of /usr/bin/node"
fi

names=()
for unit in "${units[@]}"; do
  name="$(basename "$unit")"
  names+=("$name")
  sed "s#^ExecStart=/usr/bin/node #ExecStart=$node_path #" "$unit" >"$work/$name"
done

status=0
output="$(cd "$work" && systemd-analyze verify "${names[@]/#/$work/}" 2>&1)" || status=$?
relevant="$(printf '%s\n' "$output" | grep -F -e "$work" -e mqtt-classroom || true)"
if [ "$status" -ne 0 ] || [ -n "$relevant" ]; then
  echo "systemd-analyze verify found problems in deploy/systemd (exit $status):"
  printf '%s\n' "$output" | sed "s#$work/#deploy/systemd/#g"
  exit 1
fi
echo "systemd-analyze verify: ${names[*]} OK"
