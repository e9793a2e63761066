#!/usr/bin/env bash
# Makes a classroom-only certificate authority and a server certificate for the
# secure Mosquitto profile, with openssl.
#
#   sudo deploy/mosquitto/make-certs.sh --name raspberrypi.local --ip 192.168.1.20
#
# Writes ca.crt (give it to every phone and laptop that must trust the Pi),
# ca.key (keep it secret: whoever has it can impersonate the Pi), server.crt and
# server.key (used by Mosquitto). Running it again keeps the CA, so devices that
# already trust it keep working, and makes a new server certificate only when the
# names changed, the old one expires within 30 days, or --renew is given.
#
# With a real domain name, prefer Let's Encrypt (docs/deploy.md): nothing to
# install on the phones.
set -euo pipefail

dir=/etc/mosquitto/certs/classroom
names=()
ips=()
days=825 # the longest validity Apple devices accept for a server certificate
renew=0

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Options:
  --dir DIR     where to write the files (default /etc/mosquitto/certs/classroom)
  --name NAME   a DNS name clients use to reach the Pi (repeatable);
                default: this machine's hostname, hostname.local and localhost
  --ip ADDRESS  an IP address clients use (repeatable); default: 127.0.0.1 and
                this machine's addresses
  --days N      validity of the server certificate (default $days)
  --renew       make a new server certificate even if the current one is fine
  -h, --help    this help
EOF
}

fail() {
  echo "make-certs.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
    --name) names+=("${2:?--name needs a DNS name}"); shift 2 ;;
    --ip) ips+=("${2:?--ip needs an address}"); shift 2 ;;
    --days) days="${2:?--days needs a number}"; shift 2 ;;
    --renew) renew=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown argument $1 (see --help)" ;;
  esac
done

command -v openssl >/dev/null 2>&1 || fail "openssl not found: sudo apt-get install openssl"
[[ "$days" =~ ^[1-9][0-9]*$ ]] || fail "--days must be a positive whole number, not '$days'"

if [ "${#names[@]}" -eq 0 ]; then
  host="$(hostname 2>/dev/null || echo raspberrypi)"
  names=("$host" "$host.local" localhost)
fi
if [ "${#ips[@]}" -eq 0 ]; then
  ips=(127.0.0.1)
  # shellcheck disable=SC2207 # addresses never contain spaces
  ips+=($(hostname -I 2>/dev/null || true))
fi
for name in "${names[@]}"; do
  [[ "$name" =~ ^[A-Za-z0-9.-]+$ ]] || fail "--name '$name' is not a DNS name (letters, digits, dots and dashes)"
done
for ip in "${ips[@]}"; do
  [[ "$ip" =~ ^[0-9.]+$ || "$ip" =~ ^[0-9A-Fa-f:]+$ ]] || fail "--ip '$ip' is not an IP address"
done

san=""
for name in "${names[@]}"; do san="${san:+$san,}DNS:$name"; done
for ip in "${ips[@]}"; do san="${san:+$san,}IP:$ip"; done

mkdir -p "$dir"
umask 077

if [ ! -s "$dir/ca.key" ] || [ ! -s "$dir/ca.crt" ]; then
  echo "Making a new certificate authority in $dir (ca.crt, ca.key)"
  openssl req -x509 -new -nodes -sha256 -days 3650 \
    -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -subj "/CN=mqtt-classroom CA ${names[0]}" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  renew=1
fi

# The names of the current certificate, to re-issue only when they change.
current_san() {
  openssl x509 -in "$dir/server.crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' \n' |
    sed 's/IPAddress:/IP:/g'
}
if [ "$renew" -eq 0 ]; then
  if [ ! -s "$dir/server.crt" ] || [ ! -s "$dir/server.key" ]; then
    renew=1
  elif ! openssl x509 -in "$dir/server.crt" -noout -checkend $((30 * 24 * 3600)) >/dev/null; then
    echo "The server certificate expires within 30 days: making a new one"
    renew=1
  elif [ "$(current_san)" != "$san" ]; then
    echo "The names changed ($(current_san) -> $san): making a new server certificate"
    renew=1
  fi
fi

if [ "$renew" -eq 1 ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  printf '%s\n' \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=$san" >"$work/ext.cnf"
  openssl req -new -nodes -sha256 \
    -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$work/server.key" -out "$work/server.csr" \
    -subj "/CN=${names[0]}" 2>/dev/null
  openssl x509 -req -sha256 -days "$days" -in "$work/server.csr" \
    -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -extfile "$work/ext.cnf" -out "$work/server.crt" 2>/dev/null
  mv -f "$work/server.key" "$dir/server.key"
  mv -f "$work/server.crt" "$dir/server.crt"
  echo "Made $dir/server.crt for $san (valid $days days)"
else
  echo "The server certificate in $dir is still good for $san: kept it (--renew to replace it)"
fi

# Mosquitto reads the key after dropping to its own user.
chmod 0644 "$dir/ca.crt" "$dir/server.crt"
chmod 0640 "$dir/server.key"
chmod 0600 "$dir/ca.key"
if getent group mosquitto >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  chgrp mosquitto "$dir/server.key"
fi

cat <<EOF
Give $dir/ca.crt to every phone and laptop that connects with TLS (docs/deploy.md,
"Trusting the classroom CA"); then: sudo systemctl restart mosquitto
EOF
