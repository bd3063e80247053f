#!/usr/bin/env bash
# Installs the built .deb packages into a throw-away root (dpkg -x) and checks that they work:
# the installed desktop binary starts under Xvfb to its first-run screen and goes through the
# first-run journey (the e2e test, pointed at it), and the installed server answers /healthz.
#   bash scripts/smoke-packages.sh DIR    (DIR: where scripts/package.sh put them)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

dir=${1:?usage: smoke-packages.sh DIR}
rootfs=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$rootfs"
}
trap cleanup EXIT INT TERM

step "Unpacking into $rootfs"
for deb in "$dir"/household-services_*.deb "$dir"/household-server_*.deb; do
  [[ -f $deb ]] || die "missing package: $deb"
  dpkg-deb --info "$deb" >/dev/null
  dpkg -x "$deb" "$rootfs"
done
for f in usr/bin/household-services usr/bin/household-server \
  lib/systemd/system/household-server.service etc/household-server/server.toml; do
  [[ -e "$rootfs/$f" ]] || die "the packages do not install /$f"
done
ls "$rootfs"/usr/share/applications/*.desktop >/dev/null || die "no .desktop entry"
grep -q '^Restart=on-failure' "$rootfs/lib/systemd/system/household-server.service"
grep -q '^User=household-server' "$rootfs/lib/systemd/system/household-server.service"
dpkg-deb --field "$dir"/household-services_*.deb Depends | grep -q webkit2gtk \
  || die "the desktop package does not depend on WebKitGTK"

step "The server's systemd unit"
unit="$rootfs/lib/systemd/system/household-server.service"
if command -v systemd-analyze >/dev/null && command -v systemctl >/dev/null; then
  # systemd's own checks, offline: the unit parses cleanly (its ExecStart pointed at the
  # unpacked binary), and `systemctl enable` wires it into multi-user.target.
  mkdir -p "$rootfs/check"
  sed "s|/usr/bin/household-server|$rootfs/usr/bin/household-server|" "$unit" >"$rootfs/check/household-server.service"
  problems=$(systemd-analyze verify "$rootfs/check/household-server.service" 2>&1 || true)
  [[ -z $problems ]] || die "systemd-analyze verify: $problems"
  systemctl --root="$rootfs" enable household-server.service >/dev/null 2>&1 || true
  [[ -L "$rootfs/etc/systemd/system/multi-user.target.wants/household-server.service" ]] \
    || die "systemctl enable did not wire household-server into multi-user.target"
  info "systemd-analyze verify: clean; systemctl enable: multi-user.target.wants/household-server.service"
else
  info "no systemd tools here: the unit's checks are skipped"
fi

step "Installed server answers /healthz"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$rootfs/usr/bin/household-server" --data-dir "$rootfs/var-lib" --listen "127.0.0.1:$port" \
  >"$rootfs/server.log" 2>&1 &
server_pid=$!
# Its certificate is the self-signed one it made (the desktops pin its fingerprint).
healthz() {
  python3 - "$port" <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with urllib.request.urlopen(f"https://127.0.0.1:{sys.argv[1]}/healthz", context=ctx, timeout=2) as r:
    body = r.read().decode()
    assert r.status == 200 and '"ok"' in body, body
    print("    " + body)
PY
}
for _ in $(seq 1 100); do
  if healthz >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$rootfs/server.log"; die "the installed server stopped"; }
  sleep 0.2
done
healthz || { cat "$rootfs/server.log"; die "the installed server does not answer /healthz"; }
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

step "Installed desktop app: first run under Xvfb ($rootfs/usr/bin/household-services)"
APP_BIN="$rootfs/usr/bin/household-services" bash scripts/e2e.sh \
  -k test_first_run_customer_registration_and_login_errors
