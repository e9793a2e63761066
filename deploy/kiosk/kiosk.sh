#!/usr/bin/env bash
# The classroom results screen: Chromium in kiosk mode on the kiosk page, opened
# again whenever it exits (a crash, someone pressing Alt+F4).
#
# Started by the desktop session of the kiosk user (deploy/pi-setup.sh adds it to
# labwc's or Wayfire's autostart on Raspberry Pi OS Bookworm, and to LXDE's on X11).
# The address comes from the first argument, else KIOSK_URL in
# /etc/mqtt-classroom/kiosk.env, else http://localhost:8080/kiosk.
set -uo pipefail

env_file=${KIOSK_ENV_FILE:-/etc/mqtt-classroom/kiosk.env}
if [ -z "${KIOSK_URL:-}" ] && [ -r "$env_file" ]; then
  KIOSK_URL="$(sed -n 's/^KIOSK_URL=//p' "$env_file" | tail -n 1)"
fi
url="${1:-${KIOSK_URL:-http://localhost:8080/kiosk}}"

log="${XDG_CACHE_HOME:-$HOME/.cache}/mqtt-classroom-kiosk.log"
mkdir -p "$(dirname "$log")"
say() { printf '%s kiosk: %s\n' "$(date '+%F %T')" "$*" >>"$log"; }

browser=""
for candidate in chromium-browser chromium; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser="$candidate"
    break
  fi
done
if [ -z "$browser" ]; then
  say "Chromium is not installed: sudo apt-get install chromium-browser (or chromium)"
  exit 1
fi

# Screen blanking off. On Wayland (labwc, Wayfire) pi-setup.sh turns it off in the
# compositor's settings (raspi-config); on X11 it is done here.
if [ -n "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && command -v xset >/dev/null 2>&1; then
  xset s off -dpms s noblank || say "xset failed: the screen may still blank"
fi

# Wait for the hub (up to two minutes after boot) so the first page is not an error.
if command -v curl >/dev/null 2>&1; then
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null --max-time 2 "$url" && break
    sleep 1
  done
fi

profile="${XDG_CONFIG_HOME:-$HOME/.config}/chromium/Default/Preferences"
while true; do
  # After a power cut Chromium offers to "restore pages" over the kiosk: mark the
  # last session as cleanly closed so the bar never appears.
  if [ -f "$profile" ]; then
    sed -i 's/"exited_cleanly":false/"exited_cleanly":true/; s/"exit_type":"[^"]*"/"exit_type":"Normal"/' "$profile" || true
  fi
  # Chromium is chatty on stderr: keep the log under a megabyte or two.
  if [ -f "$log" ] && [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -gt 1048576 ]; then
    mv -f "$log" "$log.old"
  fi
  say "starting $browser on $url"
  "$browser" \
    --kiosk \
    --noerrdialogs \
    --disable-infobars \
    --no-first-run \
    --disable-session-crashed-bubble \
    --disable-features=Translate \
    --password-store=basic \
    --check-for-update-interval=31536000 \
    --ozone-platform-hint=auto \
    "$url" >>"$log" 2>&1
  say "$browser exited with status $?; starting it again in ${KIOSK_RESTART_DELAY:-3} s"
  sleep "${KIOSK_RESTART_DELAY:-3}"
done
