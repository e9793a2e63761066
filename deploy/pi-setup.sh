#!/usr/bin/env bash
# Turns a fresh Raspberry Pi OS (or any Debian-based system) into a classroom hub:
# Mosquitto with the mqtt-classroom profile and accounts, Node.js, the project in
# /opt/mqtt-classroom, systemd services for the hub and the device agent, and the
# Chromium kiosk on the desktop. Safe to run again: each step checks what is
# already there. docs/deploy.md walks through it.
#
#   sudo deploy/pi-setup.sh --dry-run     # print the plan, change nothing
#   sudo deploy/pi-setup.sh --device-config ~/device.json
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src_root="$(cd "$here/.." && pwd)"

# ---- settings (see --help) --------------------------------------------------
DRY_RUN=0
profile=classroom
install_dir=/opt/mqtt-classroom
device_config=
extra_devices=()
one_wire=auto
one_wire_pin=4
kiosk=1
kiosk_user=
kiosk_url=http://localhost:8080/kiosk
prefix=classroom
prefix_given=0
rooms=()
vote_topic=
node_major=22
host=
cert_file=
key_file=
ca_file=
# Overridable so the tests can point them at fake files.
os_release="${PI_SETUP_OS_RELEASE:-/etc/os-release}"
boot_config="${PI_SETUP_BOOT_CONFIG:-}"
kiosk_home="${PI_SETUP_KIOSK_HOME:-}"

etc_dir=/etc/mqtt-classroom
accounts_dir=/etc/mosquitto/classroom
certs_dir=/etc/mosquitto/certs/classroom
server_user=mqtt-classroom
device_user=mqtt-classroom-device
reboot_needed=0

usage() {
  cat <<EOF
Usage: sudo $(basename "$0") [options]

Sets up a Raspberry Pi (Raspberry Pi OS Bookworm, or another Debian-based system)
as an mqtt-classroom hub. Every step is printed; --dry-run prints them without
changing anything.

Options:
  --dry-run                print the plan, change nothing (no root needed)
  --profile NAME           Mosquitto profile: classroom (open to the class, default)
                           or secure (passwords everywhere, TLS)
  --device-config FILE     the device agent's pin map (device.json): installs it and
                           starts the agent on this Pi; its deviceId becomes a broker
                           account. Without it, no agent runs here.
  --extra-device ID        one more device account, for an agent on another machine
                           (repeatable)
  --one-wire | --no-one-wire
                           enable (or not) the 1-wire bus for a DS18B20 probe;
                           default: when the device config uses a ds18b20 sensor
  --one-wire-pin N         GPIO (BCM) of the 1-wire bus (default 4, physical pin 7)
  --kiosk-user USER        the desktop user whose screen shows the kiosk
                           (default: the user who ran sudo)
  --kiosk-url URL          page the kiosk opens (default $kiosk_url)
  --no-kiosk               no kiosk on this Pi (a headless hub)
  --host NAME              the Pi's name or address as phones reach it, for the
                           WebSocket URL and the certificate (default: its IP address)
  --prefix P               topic prefix (default classroom)
  --room NAME[:PORT]       a building: one hub per room on this machine (repeatable).
                           Each room gets its own topic prefix (NAME), web port
                           (PORT, default 8080, 8081, ... in order), database and
                           mqtt-classroom-server@NAME service reading
                           $etc_dir/NAME.env. Not with --prefix.
  --vote-topic T           legacy vote topic of the course's static page (e.g. test/phone)
  --node-major N           Node.js major version to install when none >= 20 is
                           present (default $node_major)
  --install-dir DIR        where the project goes (default $install_dir)
  --cert FILE --key FILE --ca FILE
                           secure profile: use these certificate files instead of
                           making a classroom CA
  -h, --help               this help
EOF
}

fail() {
  echo "pi-setup.sh: $*" >&2
  exit 1
}

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# Every command that changes the system goes through run: in --dry-run it is only
# printed.
run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '    [dry-run] would run: %s\n' "$(quote "$@")"
  else
    printf '    + %s\n' "$(quote "$@")"
    "$@"
  fi
}

# The same, for a command whose output holds secrets (passwords): not shown.
run_quiet() {
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '    [dry-run] would run: %s >/dev/null\n' "$(quote "$@")"
  else
    printf '    + %s >/dev/null\n' "$(quote "$@")"
    "$@" >/dev/null
  fi
}

# run_in DIR COMMAND...: run in a folder (the folder may not exist in a dry run).
run_in() {
  local dir="$1"
  shift
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '    [dry-run] would run in %s: %s\n' "$dir" "$(quote "$@")"
  else
    printf '    + (in %s) %s\n' "$dir" "$(quote "$@")"
    (cd "$dir" && "$@")
  fi
}

# Shell-quotes a command for display, readably.
quote() {
  local out="" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
      out+="$arg "
    elif [[ "$arg" != *"'"* ]]; then
      out+="'$arg' "
    else
      out+="$(printf '%q' "$arg") "
    fi
  done
  printf '%s' "${out% }"
}

# write_file PATH MODE OWNER:GROUP [WHAT] — content on stdin. Writes only when it
# changed; in --dry-run shows the content (secrets masked), or WHAT when given.
write_file() {
  local path="$1" mode="$2" owner="$3" what="${4:-}" content
  content="$(cat)"
  if [ -f "$path" ] && [ "$(cat "$path" 2>/dev/null)" = "$content" ]; then
    note "$path is up to date"
    return 0
  fi
  if [ "$DRY_RUN" -eq 1 ]; then
    if [ -n "$what" ]; then
      printf '    [dry-run] would write %s (mode %s, owner %s): %s\n' "$path" "$mode" "$owner" "$what"
    else
      printf '    [dry-run] would write %s (mode %s, owner %s):\n' "$path" "$mode" "$owner"
      printf '%s\n' "$content" | sed -E 's/^([A-Z_]*(PASSWORD|TOKEN))=.+/\1=<secret>/; s/^/      | /'
    fi
    return 0
  fi
  local tmp
  tmp="$(mktemp)"
  printf '%s\n' "$content" >"$tmp"
  install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$tmp" "$path"
  rm -f "$tmp"
  note "wrote $path"
}

# append_file PATH OWNER:GROUP — lines on stdin added at the end of PATH (created
# when missing); in --dry-run only shows them.
append_file() {
  local path="$1" owner="$2" content
  content="$(cat)"
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '    [dry-run] would add to %s (owner %s):\n' "$path" "$owner"
    printf '%s\n' "$content" | sed 's/^/      | /'
    return 0
  fi
  if [ ! -e "$path" ]; then
    install -D -m 0644 -o "${owner%%:*}" -g "${owner##*:}" /dev/null "$path"
  fi
  printf '%s\n' "$content" >>"$path"
  note "added to $path"
}

os_field() {
  sed -n "s/^$1=//p" "$os_release" | tail -n 1 | sed -e 's/^"//' -e 's/"$//' -e "s/^'//" -e "s/'$//"
}

# env_set CONTENT KEY VALUE: CONTENT with KEY=VALUE (replacing an existing line).
env_set() {
  printf '%s\n' "$1" | awk -v key="$2" -v value="$3" '
    BEGIN { done = 0 }
    index($0, key "=") == 1 { if (!done) { print key "=" value; done = 1 }; next }
    { print }
    END { if (!done) print key "=" value }'
}

env_get() {
  printf '%s\n' "$1" | sed -n "s/^$2=//p" | tail -n 1
}

# ini_set CONTENT SECTION KEY VALUE: an INI file (wayfire.ini) with key = value in
# [section], adding the section or the key when missing.
ini_set() {
  # Blank lines are held back so a key added at the end of a section goes before
  # the blank line that separates it from the next one.
  printf '%s\n' "$1" | awk -v section="[$2]" -v key="$3" -v value="$4" '
    function emit() { print key " = " value; done = 1 }
    function flush() { while (blanks > 0) { print ""; blanks-- } }
    /^[[:space:]]*$/ { blanks++; next }
    /^\[/ { if (insec && !done) emit(); flush(); insec = ($0 == section); seen = seen || insec; print; next }
    insec && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" { flush(); if (!done) emit(); next }
    { flush(); print }
    END {
      if (insec && !done) emit()
      if (!seen) { if (NR > 0 && blanks == 0) blanks = 1; flush(); print section; emit() }
    }' | sed -e '/./,$!d'
}

credential() {
  local name="$1"
  if [ "$DRY_RUN" -eq 1 ] || [ ! -r "$accounts_dir/credentials" ]; then
    printf '<%s password from %s/credentials>' "$name" "$accounts_dir"
    return 0
  fi
  sed -n "s/^$name://p" "$accounts_dir/credentials" | tail -n 1
}

# ---- arguments -----------------------------------------------------------------
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1; shift ;;
    --profile) profile="${2:?--profile needs classroom or secure}"; shift 2 ;;
    --device-config) device_config="${2:?--device-config needs a file}"; shift 2 ;;
    --extra-device) extra_devices+=("${2:?--extra-device needs a device id}"); shift 2 ;;
    --one-wire) one_wire=1; shift ;;
    --no-one-wire) one_wire=0; shift ;;
    --one-wire-pin) one_wire_pin="${2:?--one-wire-pin needs a GPIO number}"; shift 2 ;;
    --kiosk-user) kiosk_user="${2:?--kiosk-user needs a user name}"; shift 2 ;;
    --kiosk-url) kiosk_url="${2:?--kiosk-url needs a URL}"; shift 2 ;;
    --no-kiosk) kiosk=0; shift ;;
    --host) host="${2:?--host needs a name or address}"; shift 2 ;;
    --prefix) prefix="${2:?--prefix needs a value}"; prefix_given=1; shift 2 ;;
    --room) rooms+=("${2:?--room needs a name, like --room salle-12 or --room salle-12:8081}"); shift 2 ;;
    --vote-topic) vote_topic="${2:?--vote-topic needs a topic}"; shift 2 ;;
    --node-major) node_major="${2:?--node-major needs a number}"; shift 2 ;;
    --install-dir) install_dir="${2:?--install-dir needs a folder}"; shift 2 ;;
    --cert) cert_file="${2:?--cert needs a file}"; shift 2 ;;
    --key) key_file="${2:?--key needs a file}"; shift 2 ;;
    --ca) ca_file="${2:?--ca needs a file}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown argument $1 (see --help)" ;;
  esac
done

# ---- checks before anything happens ----------------------------------------
[ -r "$os_release" ] || fail "cannot read $os_release, so this does not look like a Debian-based Linux. pi-setup.sh needs Raspberry Pi OS, Debian or Ubuntu; elsewhere follow docs/deploy.md by hand."
os_id="$(os_field ID)"
os_like="$(os_field ID_LIKE)"
os_name="$(os_field PRETTY_NAME)"
os_codename="$(os_field VERSION_CODENAME)"
case " $os_id $os_like " in
  *" debian "*) ;;
  *) fail "this system is ${os_name:-${os_id:-unknown}}, not Debian-based. pi-setup.sh uses apt-get and Debian's Mosquitto layout; it is made for Raspberry Pi OS (Debian, Ubuntu work too). On other systems follow docs/deploy.md by hand." ;;
esac

case "$profile" in classroom | secure) ;; *) fail "--profile must be classroom or secure, not '$profile'" ;; esac
if ! [[ "$node_major" =~ ^[0-9]+$ ]] || [ "$node_major" -lt 20 ]; then
  fail "--node-major must be 20 or more (the project needs Node.js >= 20), not '$node_major'"
fi
if ! [[ "$one_wire_pin" =~ ^[0-9]+$ ]] || [ "$one_wire_pin" -gt 27 ]; then
  fail "--one-wire-pin must be a BCM GPIO number 0..27, not '$one_wire_pin'"
fi
[[ "$install_dir" = /* ]] || fail "--install-dir must be an absolute path, not '$install_dir'"
if [ -n "$cert_file$key_file$ca_file" ]; then
  [ "$profile" = secure ] || fail "--cert, --key and --ca are for --profile secure"
  if [ -z "$cert_file" ] || [ -z "$key_file" ] || [ -z "$ca_file" ]; then
    fail "give all three of --cert, --key and --ca (or none, to make a classroom CA)"
  fi
  for f in "$cert_file" "$key_file" "$ca_file"; do [ -r "$f" ] || fail "cannot read $f"; done
fi

# Rooms: NAME[:PORT] -> room_names / room_ports. A name is both a systemd
# instance and a topic prefix, so it stays within what both take.
room_names=()
room_ports=()
if [ "${#rooms[@]}" -gt 0 ]; then
  [ "$prefix_given" -eq 0 ] || fail "--prefix and --room do not mix: with rooms each room's name is its topic prefix"
  next_port=8080
  for room in "${rooms[@]}"; do
    name="${room%%:*}"
    port="$next_port"
    [[ "$room" != *:* ]] || port="${room#*:}"
    [[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,31}$ ]] || fail "--room '$room': the name must be 1 to 32 lowercase letters, digits or '-' (it becomes the room's topic prefix and service name), like salle-12"
    if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
      fail "--room '$room': the web port must be a number 1..65535, like $name:8081"
    fi
    for other in "${room_names[@]}"; do [ "$other" != "$name" ] || fail "--room $name is given twice"; done
    for other in "${room_ports[@]}"; do [ "$other" != "$port" ] || fail "--room '$room': port $port is already another room's"; done
    case "$port" in
      1883 | 8883 | 9001 | 9002) fail "--room '$room': port $port is Mosquitto's" ;;
      8081) [ "$profile" != secure ] || fail "--room '$room': port 8081 is the secure profile's WebSocket" ;;
    esac
    room_names+=("$name")
    room_ports+=("$port")
    next_port=$((port + 1))
  done
  # The device agent on this machine (if any) votes in the first room.
  prefix="${room_names[0]}"
  [ "$kiosk_url" != http://localhost:8080/kiosk ] || kiosk_url="http://localhost:${room_ports[0]}/kiosk"
fi

if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  fail "run it as root: sudo $0 $* (or add --dry-run to only see the plan)"
fi

if [ ! -f "$src_root/package.json" ] || [ ! -f "$src_root/deploy/mosquitto/make-accounts.sh" ]; then
  fail "run the script from a copy of the project (git clone ... && sudo ./deploy/pi-setup.sh); $src_root is not one"
fi

# The agent on this Pi: its device id and whether it reads a DS18B20.
device_id=
if [ -n "$device_config" ]; then
  [ -r "$device_config" ] || fail "cannot read the device config $device_config"
  device_id="$(grep -o '"deviceId"[[:space:]]*:[[:space:]]*"[^"]*"' "$device_config" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/' || true)"
  [ -n "$device_id" ] || fail "$device_config has no \"deviceId\": add one, e.g. \"deviceId\": \"box-1\""
  if [ "$one_wire" = auto ]; then
    if grep -Eqi '"type"[[:space:]]*:[[:space:]]*"ds18b20"' "$device_config"; then one_wire=1; else one_wire=0; fi
  fi
fi
[ "$one_wire" != auto ] || one_wire=0

if [ -z "$host" ]; then
  host="$(hostname -I 2>/dev/null | awk '{print $1}' || true)"
  [ -n "$host" ] || host="$(hostname).local"
fi

if [ "$kiosk" -eq 1 ] && [ -z "$kiosk_user" ]; then
  if [ -n "${SUDO_USER:-}" ] && [ "${SUDO_USER}" != root ]; then
    kiosk_user="$SUDO_USER"
  else
    kiosk_user="$(getent passwd 1000 | cut -d: -f1 || true)"
  fi
fi
if [ "$kiosk" -eq 1 ]; then
  if [ -z "$kiosk_user" ]; then
    kiosk=0
    kiosk_skip="no desktop user found (give one with --kiosk-user USER)"
  else
    [ "$kiosk_user" != root ] || fail "the kiosk must run in a desktop user's session, not root's: --kiosk-user USER"
    user_home="$(getent passwd "$kiosk_user" | cut -d: -f6 || true)"
    [ -n "$user_home" ] || fail "--kiosk-user $kiosk_user: no such user"
    kiosk_home="${kiosk_home:-$user_home}"
  fi
fi

devices=()
[ -z "$device_id" ] || devices+=("$device_id")
devices+=("${extra_devices[@]}")

cat <<EOF
mqtt-classroom Raspberry Pi setup$([ "$DRY_RUN" -eq 1 ] && echo " — DRY RUN: nothing will be changed")
  system:          ${os_name:-$os_id} ($(uname -m))
  project:         $src_root -> $install_dir
  broker profile:  $profile
  topic prefix:    $prefix${vote_topic:+ (legacy vote topic $vote_topic)}
  hubs:            $(if [ "${#room_names[@]}" -eq 0 ]; then echo "one (mqtt-classroom-server)"; else for i in "${!room_names[@]}"; do printf 'room %s on web port %s; ' "${room_names[$i]}" "${room_ports[$i]}"; done; fi)
  device agent:    ${device_id:-none on this Pi}
  device accounts: ${devices[*]:-none}
  1-wire (DS18B20): $([ "$one_wire" -eq 1 ] && echo "on, GPIO $one_wire_pin" || echo off)
  kiosk:           $([ "$kiosk" -eq 1 ] && echo "$kiosk_user opens $kiosk_url" || echo "off${kiosk_skip:+: $kiosk_skip}")
  phones reach:    $host
EOF
case "$os_codename" in
  bookworm | trixie | "") ;;
  *) note "note: tested on Bookworm; on $os_codename the kiosk autostart may differ (docs/deploy.md)" ;;
esac

# ---- 1. packages -----------------------------------------------------------------
step "1. System packages (Mosquitto, build tools for the GPIO module)"
packages=(mosquitto mosquitto-clients openssl curl ca-certificates gnupg rsync build-essential python3)
# certutil: the kiosk's Chromium must trust the classroom CA of the secure profile.
if [ "$kiosk" -eq 1 ] && [ "$profile" = secure ] && [ -z "$cert_file" ]; then packages+=(libnss3-tools); fi
if [ "$kiosk" -eq 1 ] && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v chromium >/dev/null 2>&1; then
  # Raspberry Pi OS calls it chromium-browser, Debian chromium.
  if apt-cache show chromium-browser >/dev/null 2>&1; then packages+=(chromium-browser); else packages+=(chromium); fi
fi
run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"

# ---- 2. Node.js ----------------------------------------------------------------------
step "2. Node.js >= 20"
node_now="$(node -p 'process.versions.node' 2>/dev/null || true)"
if [ -n "$node_now" ] && [ "${node_now%%.*}" -ge 20 ]; then
  note "Node.js $node_now is installed: keeping it"
else
  note "Node.js ${node_now:-is not installed}${node_now:+ is too old}: installing Node.js $node_major from NodeSource (Debian's own is 18)"
  [ "$(uname -m)" != armv6l ] || fail "this Pi has an ARMv6 processor (Pi 1, Zero): NodeSource has no Node.js for it. Use a Pi 3, 4, 5 or Zero 2 as the hub (docs/deploy.md)."
  run install -d -m 0755 /etc/apt/keyrings
  run bash -c 'curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg'
  write_file /etc/apt/sources.list.d/nodesource.list 0644 root:root <<EOF
deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$node_major.x nodistro main
EOF
  # Prefer NodeSource's nodejs over Debian's older one.
  write_file /etc/apt/preferences.d/nodejs 0644 root:root <<'EOF'
Package: nodejs
Pin: origin deb.nodesource.com
Pin-Priority: 600
EOF
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs
fi

# ---- 3. service users --------------------------------------------------------------
step "3. Service users"
if getent group gpio >/dev/null 2>&1; then
  note "group gpio exists"
else
  # Raspberry Pi OS has it (udev gives it the GPIO chips); elsewhere make it so the
  # agent's unit (SupplementaryGroups=gpio) can start.
  run groupadd --system gpio
fi
if id "$server_user" >/dev/null 2>&1; then
  note "user $server_user exists"
else
  run useradd --system --user-group --home-dir /var/lib/mqtt-classroom --no-create-home --shell /usr/sbin/nologin "$server_user"
fi
if [ -n "$device_id" ]; then
  if id "$device_user" >/dev/null 2>&1; then
    note "user $device_user exists"
  else
    run useradd --system --user-group --home-dir /var/lib/mqtt-classroom --no-create-home --shell /usr/sbin/nologin "$device_user"
  fi
  run usermod --append --groups gpio,dialout "$device_user"
fi

# ---- 4. the project ------------------------------------------------------------------
step "4. The project in $install_dir"
if [ "$src_root" = "$install_dir" ]; then
  note "running from $install_dir itself: nothing to copy"
else
  run install -d -m 0755 "$install_dir"
  run rsync -a --delete --exclude=.git/ --exclude=node_modules/ --exclude=dist/ --exclude=web/dist/ \
    --exclude=data/ --exclude=.env --exclude=test-output/ "$src_root/" "$install_dir/"
fi
# The build needs the development tools (TypeScript, esbuild); they are removed
# afterwards. Native modules (better-sqlite3, the GPIO module) compile here if no
# prebuilt binary fits.
run_in "$install_dir" npm ci --no-audit --no-fund
run_in "$install_dir" npm run build
run_in "$install_dir" npm prune --omit=dev --no-audit --no-fund
# `mqtt-classroom poll ...` from any terminal.
run ln -sfn "$install_dir/bin/mqtt-classroom.js" /usr/local/bin/mqtt-classroom

# ---- 5. Mosquitto -------------------------------------------------------------------------
step "5. Mosquitto: $profile profile, accounts and access rules"
account_args=(--dir "$accounts_dir" --prefix "$prefix" --profile "$profile" --host "$host")
# Every room's prefix in the one ACL: each hub, phone and box keeps to its room's.
for name in "${room_names[@]:1}"; do account_args+=(--prefix "$name"); done
[ -z "$vote_topic" ] || account_args+=(--vote-topic "$vote_topic")
run install -d -m 0755 "$accounts_dir"
# Makes passwd, acl and credentials; keeps existing passwords. Its printout has
# the passwords, which go into the .env files below instead.
run_quiet "$install_dir/deploy/mosquitto/make-accounts.sh" "${account_args[@]}" "${devices[@]}"
if [ "$profile" = secure ]; then
  if [ -n "$cert_file" ]; then
    run install -d -m 0755 "$certs_dir"
    run install -m 0644 "$cert_file" "$certs_dir/server.crt"
    run install -m 0640 -o root -g mosquitto "$key_file" "$certs_dir/server.key"
    run install -m 0644 "$ca_file" "$certs_dir/ca.crt"
  else
    cert_args=(--dir "$certs_dir" --name "$(hostname)" --name "$(hostname).local" --name localhost --ip 127.0.0.1)
    for address in $(hostname -I 2>/dev/null || true); do cert_args+=(--ip "$address"); done
    if [[ "$host" =~ ^[0-9.]+$ ]]; then
      [[ " ${cert_args[*]} " == *" $host "* ]] || cert_args+=(--ip "$host")
    elif [[ " ${cert_args[*]} " != *" $host "* ]]; then
      cert_args+=(--name "$host")
    fi
    run "$install_dir/deploy/mosquitto/make-certs.sh" "${cert_args[@]}"
  fi
fi
run install -m 0644 "$install_dir/deploy/mosquitto/$profile.conf" /etc/mosquitto/conf.d/mqtt-classroom.conf
run systemctl enable mosquitto.service
run systemctl restart mosquitto.service

# ---- 6. settings (.env files) ------------------------------------------------------------
step "6. Settings in $etc_dir"
run install -d -m 0755 "$etc_dir"
if [ "$profile" = secure ]; then ws_url="wss://$host:8081"; else ws_url="ws://$host:9001"; fi
# hub_env FILE PREFIX [HTTP_PORT]: the hub's settings in FILE, the lines this
# script manages updated, the rest (and the secrets made once) kept.
hub_env() {
  local file="$1" hub_prefix="$2" http_port="${3:-}" server_env
  server_env="$(cat "$file" 2>/dev/null || true)"
  if [ -z "$server_env" ]; then
    server_env="# mqtt-classroom hub settings (see $install_dir/.env.example for every variable).
# Written by pi-setup.sh; the lines it manages are updated when it runs again."
  fi
  server_env="$(env_set "$server_env" MQTT_URL mqtt://127.0.0.1:1883)"
  server_env="$(env_set "$server_env" MQTT_USERNAME classroom-server)"
  server_env="$(env_set "$server_env" MQTT_PASSWORD "$(credential classroom-server)")"
  server_env="$(env_set "$server_env" MQTT_WS_URL "$ws_url")"
  server_env="$(env_set "$server_env" TOPIC_PREFIX "$hub_prefix")"
  [ -z "$http_port" ] || server_env="$(env_set "$server_env" HTTP_PORT "$http_port")"
  server_env="$(env_set "$server_env" VOTE_TOPIC "$vote_topic")"
  server_env="$(env_set "$server_env" BROWSER_MQTT_USERNAME voter)"
  server_env="$(env_set "$server_env" BROWSER_MQTT_PASSWORD "$(credential voter)")"
  # A private client id for the hub's persistent session: on an open broker anyone
  # could otherwise take the session over by reusing the well-known default id.
  # One per room: two hubs with one id would throw each other off the broker.
  if [ -z "$(env_get "$server_env" MQTT_CLIENT_ID)" ]; then
    server_env="$(env_set "$server_env" MQTT_CLIENT_ID "mqtt-classroom-server-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')")"
  fi
  # The admin secret for `mqtt-classroom poll ...`: made once, then kept.
  if [ -z "$(env_get "$server_env" ADMIN_TOKEN)" ]; then
    server_env="$(env_set "$server_env" ADMIN_TOKEN "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')")"
  fi
  # systemd reads these files as root before starting the services: root only.
  write_file "$file" 0600 root:root <<<"$server_env"
}
if [ "${#room_names[@]}" -eq 0 ]; then
  hub_env "$etc_dir/server.env" "$prefix"
else
  for i in "${!room_names[@]}"; do hub_env "$etc_dir/${room_names[$i]}.env" "${room_names[$i]}" "${room_ports[$i]}"; done
fi
if [ -n "$device_id" ]; then
  device_env="$(cat "$etc_dir/device.env" 2>/dev/null || true)"
  if [ -z "$device_env" ]; then
    device_env="# mqtt-classroom device agent settings (see $install_dir/.env.example).
# Written by pi-setup.sh; the lines it manages are updated when it runs again."
  fi
  device_env="$(env_set "$device_env" MQTT_URL mqtt://127.0.0.1:1883)"
  device_env="$(env_set "$device_env" MQTT_USERNAME "$device_id")"
  device_env="$(env_set "$device_env" MQTT_PASSWORD "$(credential "$device_id")")"
  device_env="$(env_set "$device_env" TOPIC_PREFIX "$prefix")"
  write_file "$etc_dir/device.env" 0600 root:root <<<"$device_env"
  run install -m 0640 -o root -g "$device_user" "$device_config" "$etc_dir/device.json"
fi

# ---- 7. 1-wire -----------------------------------------------------------------------------
step "7. 1-wire bus for the DS18B20 bread probe"
if [ "$one_wire" -eq 0 ]; then
  note "not needed (no ds18b20 sensor in the device config; --one-wire forces it)"
else
  if [ -z "$boot_config" ]; then
    # Bookworm moved it to /boot/firmware; older releases have /boot/config.txt.
    if [ -f /boot/firmware/config.txt ]; then boot_config=/boot/firmware/config.txt; else boot_config=/boot/config.txt; fi
  fi
  if [ ! -f "$boot_config" ]; then
    note "no $boot_config: not a Raspberry Pi? Enable 1-wire on GPIO $one_wire_pin by hand."
  elif grep -Eq '^[[:space:]]*dtoverlay=w1-gpio' "$boot_config"; then
    note "already enabled in $boot_config ($(grep -E '^[[:space:]]*dtoverlay=w1-gpio' "$boot_config" | head -n 1))"
  else
    append_file "$boot_config" root:root <<EOF

# mqtt-classroom: 1-wire bus for the DS18B20 bread probe (data wire on GPIO $one_wire_pin,
# with a 4.7 kOhm pull-up to 3.3 V).
dtoverlay=w1-gpio,gpiopin=$one_wire_pin
EOF
    reboot_needed=1
  fi
fi

# ---- 8. services ---------------------------------------------------------------------------
step "8. systemd services"
# Files to install, and the services to enable (a room's is an instance of the template).
if [ "${#room_names[@]}" -eq 0 ]; then
  unit_files=(mqtt-classroom-server.service)
  units=(mqtt-classroom-server.service)
else
  unit_files=(mqtt-classroom-server@.service)
  units=()
  for name in "${room_names[@]}"; do units+=("mqtt-classroom-server@$name.service"); done
fi
if [ -n "$device_id" ]; then
  unit_files+=(mqtt-classroom-device.service)
  units+=(mqtt-classroom-device.service)
fi
for unit in "${unit_files[@]}"; do
  # The units name /opt/mqtt-classroom; follow --install-dir.
  write_file "/etc/systemd/system/$unit" 0644 root:root "deploy/systemd/$unit for $install_dir" \
    < <(sed "s#/opt/mqtt-classroom#$install_dir#g" "$src_root/deploy/systemd/$unit")
done
run systemctl daemon-reload
for unit in "${units[@]}"; do
  run systemctl enable "$unit"
  run systemctl restart "$unit"
done

# ---- 9. kiosk ---------------------------------------------------------------------------------
step "9. Kiosk: Chromium full screen on $kiosk_url"
if [ "$kiosk" -eq 0 ]; then
  note "skipped${kiosk_skip:+: $kiosk_skip}"
else
  kiosk_group="$(id -gn "$kiosk_user" 2>/dev/null || echo "$kiosk_user")"
  launcher="$install_dir/deploy/kiosk/kiosk.sh"
  write_file "$etc_dir/kiosk.env" 0644 root:root <<<"KIOSK_URL=$kiosk_url"
  if command -v raspi-config >/dev/null 2>&1; then
    # B4: boot to the desktop, logged in automatically; blanking 1: screen stays on.
    run raspi-config nonint do_boot_behaviour B4
    run raspi-config nonint do_blanking 1
  else
    note "raspi-config not found: turn on desktop auto-login for $kiosk_user and screen blanking off in the desktop's settings"
  fi
  # labwc (Bookworm's default desktop since late 2024): a user autostart file
  # replaces the desktop's own, so the screen shows only the kiosk (no panel).
  labwc="$kiosk_home/.config/labwc/autostart"
  labwc_now="$(cat "$labwc" 2>/dev/null || true)"
  if [[ "$labwc_now" == *"$launcher"* ]]; then
    note "$labwc already starts the kiosk"
  else
    {
      if [ -z "$labwc_now" ]; then
        echo "# Written by mqtt-classroom's pi-setup.sh: this session shows only the kiosk."
        # kanshi applies the screen layout chosen in Screen Configuration.
        if command -v kanshi >/dev/null 2>&1; then echo "kanshi &"; fi
      fi
      echo "$launcher &"
    } | append_file "$labwc" "$kiosk_user:$kiosk_group"
  fi
  # Wayfire (Bookworm on a Pi 4/5 before labwc): autostart entry and no idle
  # blanking in wayfire.ini. Only an existing file is edited: the desktop makes it
  # from a template at the first Wayfire login, and a file we created would stop
  # that (Wayfire would start without its plugins).
  wayfire="$kiosk_home/.config/wayfire.ini"
  if [ -f "$wayfire" ]; then
    wayfire_ini="$(cat "$wayfire")"
    wayfire_ini="$(ini_set "$wayfire_ini" autostart mqtt_classroom_kiosk "$launcher")"
    wayfire_ini="$(ini_set "$wayfire_ini" idle dpms_timeout -1)"
    wayfire_ini="$(ini_set "$wayfire_ini" idle screensaver_timeout -1)"
    write_file "$wayfire" 0644 "$kiosk_user:$kiosk_group" <<<"$wayfire_ini"
  else
    note "no $wayfire: Wayfire was never used by $kiosk_user, nothing to change there (run this again after a first Wayfire login if you switch to it)"
  fi
  # X11 (LXDE, older Pis): kiosk.sh turns blanking off itself.
  lxde="$kiosk_home/.config/lxsession/LXDE-pi/autostart"
  lxde_now="$(cat "$lxde" 2>/dev/null || true)"
  if [[ "$lxde_now" == *"$launcher"* ]]; then
    note "$lxde already starts the kiosk"
  else
    {
      [ -n "$lxde_now" ] || echo "# Written by mqtt-classroom's pi-setup.sh: this session shows only the kiosk."
      echo "@$launcher"
    } | append_file "$lxde" "$kiosk_user:$kiosk_group"
  fi
  if [ "$profile" = secure ] && [ -z "$cert_file" ]; then
    # Chromium on Linux trusts the certificates in the user's NSS database, not the
    # system's: without this the kiosk could not open wss:// to the broker.
    nssdb="sql:$kiosk_home/.pki/nssdb"
    if [ ! -f "$kiosk_home/.pki/nssdb/cert9.db" ]; then
      run install -d -m 0700 -o "$kiosk_user" -g "$kiosk_group" "$kiosk_home/.pki" "$kiosk_home/.pki/nssdb"
      run runuser -u "$kiosk_user" -- certutil -d "$nssdb" -N --empty-password
    fi
    run runuser -u "$kiosk_user" -- certutil -d "$nssdb" -A -t C,, -n mqtt-classroom-ca -i "$certs_dir/ca.crt"
  fi
  reboot_needed=1
fi

# ---- done -------------------------------------------------------------------------------------
step "Done$([ "$DRY_RUN" -eq 1 ] && echo " (dry run: nothing was changed)")"
if [ "${#room_names[@]}" -gt 0 ]; then
  for i in "${!room_names[@]}"; do
    note "Room ${room_names[$i]}: kiosk http://$host:${room_ports[$i]}/kiosk, vote page http://$host:${room_ports[$i]}/vote, admin token: sudo grep ADMIN_TOKEN $etc_dir/${room_names[$i]}.env"
  done
  note "Logs of every room: journalctl -u 'mqtt-classroom-server@*' -f"
else
cat <<EOF
    Kiosk:      http://$host:8080/kiosk
    Vote page:  http://$host:8080/vote   (the kiosk shows its QR code)
    Admin token for 'mqtt-classroom poll ...': sudo grep ADMIN_TOKEN $etc_dir/server.env
    Broker accounts: sudo cat $accounts_dir/credentials
    Logs: journalctl -u mqtt-classroom-server -u mqtt-classroom-device -u mosquitto -f
EOF
fi
if [ "$reboot_needed" -eq 1 ]; then
  note "Reboot to finish (1-wire overlay, desktop auto-login, kiosk): sudo reboot"
fi
