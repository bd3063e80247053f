#!/usr/bin/env bash
# Installs what is missing, builds the UI and launches Household Services (debug build).
# The app keeps its SQLite database and documents in the OS app-data folder
# (~/.local/share/app.household-services.desktop on Linux) unless --data-dir is given.
# Arguments go to the app, e.g.:  bash scripts/run.sh --demo   or   --data-dir /tmp/hs
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  die "no graphical display (DISPLAY and WAYLAND_DISPLAY are unset): Household Services is a
       desktop app and needs one. Run this from a desktop session, or over 'ssh -X', or under
       a virtual display:  xvfb-run -a bash scripts/run.sh"
fi

bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
step "Launching Household Services (cargo run -p household-app)"
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null; then
  # No session bus (bare X / container): give the app a private one that ends with it.
  exec dbus-run-session -- cargo run -p household-app -- "$@"
fi
exec cargo run -p household-app -- "$@"
