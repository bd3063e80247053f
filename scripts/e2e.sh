#!/usr/bin/env bash
# Runs the end-to-end suite (tests/e2e, pytest + selenium) against the built debug binary,
# in a virtual X server (Xvfb) and a private D-Bus session. tauri-driver is started and
# stopped by the test fixtures, on 127.0.0.1 only.
#
# Needs: bash scripts/setup.sh && cargo build -p household-app
# Extra arguments go to pytest, e.g.  bash scripts/e2e.sh -k admin -x
# UPDATE_DOCS_SCREENSHOTS=1 bash scripts/e2e.sh  refreshes docs/screenshot-*.png
#
# OS notifications: the tests watch the private session bus with dbus-monitor; the first
# Notify call D-Bus-activates dunst (org.knopwob.dunst.service, from setup.sh), which dies
# with the bus. Exports: the fixtures start tauri-driver (and so the app) with HS_EXPORT_DIR
# set, so no native save dialog opens.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Everything runs in its own session / process group so that the trap can kill whatever
# is left (Xvfb, dbus-daemon, tauri-driver, WebKitWebDriver, app windows), even on failure.
if [[ -z "${HS_E2E_INNER:-}" ]]; then
  [[ -x "$APP_BIN" ]] || die "$APP_BIN missing: run 'bash scripts/setup.sh && cargo build -p household-app' first"
  [[ -x "$TAURI_DRIVER_BIN" ]] || die "tauri-driver missing: run 'bash scripts/setup.sh'"
  [[ -x "$E2E_VENV/bin/python" ]] || die "tests/e2e/.venv missing: run 'bash scripts/setup.sh'"
  for tool in xvfb-run Xvfb dbus-run-session WebKitWebDriver; do
    command -v "$tool" >/dev/null || die "$tool missing: run 'bash scripts/setup.sh'"
  done

  HS_E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/hs-e2e.XXXXXX")"
  export HS_E2E_TMP
  # Process groups to kill at the end: ours, plus the ones the fixtures start (tauri-driver).
  export HS_E2E_PGID_FILE="$HS_E2E_TMP/pgids"
  : > "$HS_E2E_PGID_FILE"
  pgid=""
  cleanup() {
    local rc=$? groups=() g alive
    trap - EXIT INT TERM
    [[ -n "$pgid" ]] && groups+=("$pgid")
    while read -r g; do [[ -n "$g" ]] && groups+=("$g"); done < "$HS_E2E_PGID_FILE" 2>/dev/null || true
    if ((${#groups[@]})); then
      for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
      for _ in $(seq 20); do
        alive=0
        for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.2
      done
      for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    fi
    rm -rf "$HS_E2E_TMP"
    exit "$rc"
  }
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  step "End-to-end tests (Xvfb + dbus-run-session + tauri-driver)"
  t0=$SECONDS
  # A background job of a non-interactive shell is not a group leader, so setsid
  # does not fork: $! is the new session's leader and its process-group id.
  HS_E2E_INNER=1 setsid bash "${BASH_SOURCE[0]}" "$@" </dev/null &
  pgid=$!
  rc=0
  wait "$pgid" || rc=$?
  step "End-to-end tests finished in $((SECONDS - t0)) s (exit $rc)"
  exit "$rc"
fi

# ---- inner part: new session, runs under the trap of the outer part ----------------------
cd "$E2E_DIR"
rm -rf artifacts && mkdir -p artifacts   # only this run's screenshots and logs
export XDG_DATA_HOME="$HS_E2E_TMP/xdg-data" XDG_CONFIG_HOME="$HS_E2E_TMP/xdg-config" \
       XDG_CACHE_HOME="$HS_E2E_TMP/xdg-cache" XDG_RUNTIME_DIR="$HS_E2E_TMP/xdg-runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export TMPDIR="$HS_E2E_TMP"           # pytest's tmp_path (per-test data dirs) lands here too
export NO_AT_BRIDGE=1                 # no accessibility bus daemons
export GDK_BACKEND=x11
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS

# The X server, the bus and what the bus starts (portals, accessibility bus) log to
# artifacts/desktop-session.log; pytest itself keeps the terminal (fds 3 and 4).
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- \
  bash -c 'exec "$@" 1>&3 2>&4 3>&- 4>&-' pytest \
  "$E2E_VENV/bin/python" -m pytest "$@" \
  3>&1 4>&2 1>>artifacts/desktop-session.log 2>&1
