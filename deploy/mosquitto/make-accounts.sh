#!/usr/bin/env bash
# Creates the Mosquitto accounts of mqtt-classroom (password file and ACL) and
# prints what to put in each program's .env file.
#
#   sudo deploy/mosquitto/make-accounts.sh box-1 box-2
#
# Accounts: classroom-server (the hub), voter (browsers with the secure profile;
# its password is public by design), and one account per device id given. Running
# it again keeps the passwords already made (they are kept in DIR/credentials,
# readable by root only) and rewrites passwd and acl from them, so it is safe to
# re-run after adding or removing a device. Then: sudo systemctl reload mosquitto.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=/etc/mosquitto/classroom
prefixes=()
vote_topic=
profile=classroom
host="$(hostname 2>/dev/null || echo raspberrypi).local"
devices=()

usage() {
  cat <<EOF
Usage: $(basename "$0") [options] [DEVICE_ID...]

Creates (or updates) the Mosquitto password file and ACL for mqtt-classroom and
prints the .env lines for the hub and for each device.

Options:
  --dir DIR          where to write passwd, acl and credentials
                     (default /etc/mosquitto/classroom)
  --prefix P         topic prefix, TOPIC_PREFIX in the .env files (default classroom);
                     repeat it for a building with one hub per room: the same
                     rules for every room's prefix
  --vote-topic T     legacy vote topic (VOTE_TOPIC, e.g. test/phone): anyone may
                     publish and read it, the hub reads it
  --profile NAME     classroom or secure: only changes the URLs printed
  --host NAME        the Pi's name or address as phones and other machines reach
                     it, for the URLs printed (default: $host)
  -h, --help         this help

A device id is 1 to 64 characters without spaces, '/', '+', '#' or ':', not
starting with '\$'; classroom-server and voter are taken.
EOF
}

fail() {
  echo "make-accounts.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
    --prefix) prefixes+=("${2:?--prefix needs a value}"); shift 2 ;;
    --vote-topic) vote_topic="${2:?--vote-topic needs a topic}"; shift 2 ;;
    --profile) profile="${2:?--profile needs classroom or secure}"; shift 2 ;;
    --host) host="${2:?--host needs a name or address}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; devices+=("$@"); break ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) devices+=("$1"); shift ;;
  esac
done

case "$profile" in
  classroom | secure) ;;
  *) fail "--profile must be classroom or secure, not '$profile'" ;;
esac

# Same rule as a topic level in docs/protocol.md, minus ':' (the separator of the
# password file and of DEVICE_ACCOUNTS).
valid_level() {
  [[ "$1" =~ ^[^\$/+#:[:space:][:cntrl:]][^/+#:[:space:][:cntrl:]]{0,63}$ ]]
}
[ "${#prefixes[@]}" -gt 0 ] || prefixes=(classroom)
for prefix in "${prefixes[@]}"; do
  for level in ${prefix//\// }; do
    valid_level "$level" || fail "--prefix '$prefix' is not a valid topic prefix (no wildcards, spaces or empty levels)"
  done
  [[ "$prefix" != /* && "$prefix" != */ && "$prefix" != *//* ]] || fail "--prefix '$prefix' has an empty level"
done
# The .env lines printed at the end are the first room's.
prefix="${prefixes[0]}"
if [ -n "$vote_topic" ]; then
  [[ "$vote_topic" != *[+#[:space:]]* && "$vote_topic" != /* && "$vote_topic" != */ && "$vote_topic" != *//* ]] ||
    fail "--vote-topic '$vote_topic' must be a topic without wildcards or spaces, like test/phone"
fi
declare -A seen=()
for id in "${devices[@]}"; do
  valid_level "$id" || fail "device id '$id' is not valid: 1 to 64 characters, no spaces, '/', '+', '#' or ':', not starting with '\$'"
  case "$id" in
    classroom-server | voter) fail "device id '$id' is taken by the $id account: choose another name" ;;
  esac
  [ -z "${seen[$id]:-}" ] || fail "device id '$id' is given twice"
  seen[$id]=1
done

command -v mosquitto_passwd >/dev/null 2>&1 ||
  fail "mosquitto_passwd not found: install Mosquitto first (sudo apt-get install mosquitto mosquitto-clients)"
[ -f "$here/classroom.acl" ] || fail "the ACL template $here/classroom.acl is missing: run this script from the project's deploy/mosquitto folder"

mkdir -p "$dir"
credentials="$dir/credentials"

# Passwords already made, so re-running changes nothing the .env files rely on.
declare -A password=()
if [ -f "$credentials" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    password["${line%%:*}"]="${line#*:}"
  done <"$credentials"
fi

new_password() {
  # 128 random bits as hex: no character that needs quoting in a .env file.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

accounts=(classroom-server voter "${devices[@]}")
for name in "${accounts[@]}"; do
  [ -n "${password[$name]:-}" ] || password[$name]="$(new_password)"
done

umask 077
tmp="$(mktemp -d "$dir/.make-accounts.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

{
  echo "# mqtt-classroom broker accounts: name:password. Made by make-accounts.sh;"
  echo "# the .env files hold the same passwords. Readable by root only."
  for name in "${accounts[@]}"; do
    echo "$name:${password[$name]}"
  done
} >"$tmp/credentials"

# mosquitto_passwd -b takes the password as an argument: it is visible to other
# local users for the instant the command runs, which is acceptable on a Pi
# being set up, and it is the only non-interactive way.
mosquitto_passwd -c -b "$tmp/passwd" "${accounts[0]}" "${password[${accounts[0]}]}"
for name in "${accounts[@]:1}"; do
  mosquitto_passwd -b "$tmp/passwd" "$name" "${password[$name]}"
done

# The ACL: the template with the prefix and the legacy topic filled in, then one
# block per device.
{
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      '#LEGACY '*)
        [ -n "$vote_topic" ] || continue
        line="${line#'#LEGACY '}"
        line="${line/VOTE_TOPIC/$vote_topic}"
        ;;
      'topic '*' classroom/'* | 'topic '*' classroom' | 'pattern '*' classroom/'*)
        # "topic ACCESS classroom/..." (or "pattern ...") -> the same line for each chosen prefix
        for p in "${prefixes[@]}"; do printf '%s\n' "${line/ classroom/ $p}"; done
        continue
        ;;
    esac
    printf '%s\n' "$line"
  done <"$here/classroom.acl"
  for id in "${devices[@]}"; do
    printf '\n# device %s\n' "$id"
    printf 'user %s\n' "$id"
    for p in "${prefixes[@]}"; do
      printf 'topic write %s/votes/+\n' "$p"
      printf 'topic readwrite %s/chat/+\n' "$p"
      printf 'topic write %s/devices/%s/#\n' "$p" "$id"
      printf 'topic read %s/polls/+\n' "$p"
      printf 'topic read %s/tally/+\n' "$p"
      printf 'topic read %s/leaderboard\n' "$p"
      printf 'topic read %s/devices/+/status\n' "$p"
      printf 'topic read %s/devices/+/info\n' "$p"
      printf 'topic read %s/bread/bake\n' "$p"
    done
    printf 'topic write pain/cuisson/#\n'
    printf 'topic write homeassistant/#\n'
    printf 'topic read pain/cuisson\n'
    printf 'topic read pain/cuisson/temperature\n'
    printf 'topic read homeassistant/status\n'
    [ -z "$vote_topic" ] || printf 'topic readwrite %s\n' "$vote_topic"
  done
} >"$tmp/acl"

# Mosquitto reads passwd and acl after dropping to its own user: group mosquitto
# may read them, nobody else. The credentials stay root's (0600 from the umask).
chmod 0640 "$tmp/passwd" "$tmp/acl"
if getent group mosquitto >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  chgrp mosquitto "$tmp/passwd" "$tmp/acl"
fi
mv -f "$tmp/credentials" "$credentials"
mv -f "$tmp/passwd" "$dir/passwd"
mv -f "$tmp/acl" "$dir/acl"

if [ "$profile" = secure ]; then
  device_url="mqtts://$host:8883"
  ws_url="wss://$host:8081"
  local_url="mqtt://127.0.0.1:1883"
else
  device_url="mqtt://$host:1883"
  ws_url="ws://$host:9001"
  local_url="mqtt://127.0.0.1:1883"
fi

cat <<EOF
Wrote $dir/passwd, $dir/acl and $dir/credentials ($profile profile).
Reload the broker to use them: sudo systemctl reload mosquitto

# ---- the hub's .env (/etc/mqtt-classroom/server.env) ----
MQTT_URL=$local_url
MQTT_USERNAME=classroom-server
MQTT_PASSWORD=${password[classroom-server]}
MQTT_WS_URL=$ws_url
TOPIC_PREFIX=$prefix
VOTE_TOPIC=$vote_topic
BROWSER_MQTT_USERNAME=voter
BROWSER_MQTT_PASSWORD=${password[voter]}
EOF
for id in "${devices[@]}"; do
  cat <<EOF

# ---- device $id's .env (/etc/mqtt-classroom/device.env on the machine that runs it) ----
# On the hub itself use MQTT_URL=$local_url.
MQTT_URL=$device_url
MQTT_USERNAME=$id
MQTT_PASSWORD=${password[$id]}
TOPIC_PREFIX=$prefix
EOF
done
