#!/usr/bin/env bash
# Installs whatever is missing to build, run and test Household Services.
# Idempotent: every step checks first and does nothing when already done.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

t0=$SECONDS

# --- 1. Debian packages --------------------------------------------------------
APT_PACKAGES=(
  # Tauri 2 / WebKitGTK build dependencies
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libssl-dev libxdo-dev libgtk-3-dev
  build-essential pkg-config file
  # headless end-to-end tests: X server, session bus, WebKitWebDriver, screenshots, notifications
  xvfb xauth dbus dbus-x11 webkit2gtk-driver imagemagick dunst libnotify-bin
  # inspecting the app's database by hand
  sqlite3
  # PostgreSQL server binaries for the tests' throw-away cluster (scripts/postgres.sh)
  postgresql
)

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # No usable python3 with venv support on PATH: use Debian's python3 + python3-venv.
  PYTHON=/usr/bin/python3
  APT_PACKAGES+=(python3 python3-venv)
fi

step "Debian packages"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  info "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The tests start their own throw-away cluster: Debian's package must not create (and
  # start) a system-wide "main" cluster on port 5432 when it is installed here.
  if [[ " ${missing[*]} " == *" postgresql "* && ! -e /etc/postgresql-common/createcluster.conf ]]; then
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}"
else
  info "all ${#APT_PACKAGES[@]} present"
fi
command -v WebKitWebDriver >/dev/null || die "WebKitWebDriver not found after installing webkit2gtk-driver"

# --- 2. Toolchains that must already be on the machine ---------------------------
step "Toolchains"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
cargo fmt --version >/dev/null 2>&1 || die "rustfmt missing: rustup component add rustfmt"
cargo clippy --version >/dev/null 2>&1 || die "clippy missing: rustup component add clippy"
command -v node >/dev/null || die "node not found: install Node.js >= 20"
command -v npm >/dev/null || die "npm not found: install Node.js >= 20 with npm"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js >= 20 needed, found $(node --version)"
info "$(cargo --version | cut -d' ' -f1-2), node $(node --version), npm $(npm --version)"

# --- 3. UI dependencies -------------------------------------------------------------
step "UI dependencies (ui/node_modules)"
# The committed lock should list every platform's optional packages (rollup, esbuild and the
# Tauri CLI ship one per platform): `npm ci` refuses a lock without them on a machine whose
# registry lists them. The UI unit tests fail on such a lock; here it only warns, and the
# fallback below still installs.
if ! node ui/scripts/lock-check.mjs complete ui/package-lock.json >/dev/null; then
  info "warning: ui/package-lock.json lacks other platforms' optional packages (README: 'UI dependencies')"
fi
if [[ ! -f ui/node_modules/.package-lock.json || ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  info "npm ci"
  npm_log="$(mktemp)"
  if (cd ui && npm ci --no-audit --no-fund) >"$npm_log" 2>&1; then
    grep -v '^npm warn' "$npm_log" | tail -n 2 || true
  else
    grep -m1 -A2 'npm error' "$npm_log" | sed 's/^/    /' || true
    # npm ci refused the lock. Ask npm what it would write instead, in a scratch copy (the
    # committed lock is never touched): if that only adds optional packages the registry
    # lists and the lock does not, install from it; anything else means package.json and
    # the lock really disagree, and that must fail.
    info "npm ci refused ui/package-lock.json; checking why"
    scratch="$(mktemp -d)"
    cp ui/package.json ui/package-lock.json "$scratch"/
    (cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) \
      || { rm -rf "$scratch"; die "npm could not resolve ui/package.json (see $npm_log)"; }
    if ! drift="$(node ui/scripts/lock-check.mjs compare ui/package-lock.json "$scratch/package-lock.json")"; then
      printf '%s\n' "$drift" | head -n 5 | sed 's/^/    /'
      rm -rf "$scratch"
      die "ui/package-lock.json does not match ui/package.json: run 'npm install' in ui/ and commit the lock"
    fi
    info "only optional packages differ; installing from npm's own lock (the committed one is kept)"
    cp ui/package-lock.json "$scratch/committed-lock.json"
    cp "$scratch/package-lock.json" ui/package-lock.json
    if ! (cd ui && npm ci --no-audit --no-fund); then
      cp "$scratch/committed-lock.json" ui/package-lock.json; rm -rf "$scratch"
      die "npm ci failed in ui/ (see above)"
    fi
    cp "$scratch/committed-lock.json" ui/package-lock.json
    rm -rf "$scratch"
  fi
  rm -f "$npm_log"
  touch ui/node_modules/.package-lock.json
else
  info "up to date"
fi

# --- 4. UI build (ui/dist is embedded into the app at compile time) -------------------
step "UI build (ui/dist)"
ui_inputs=()
for p in ui/src ui/public ui/index.html ui/package.json ui/package-lock.json \
         ui/vite.config.* ui/vitest.config.* ui/tsconfig*.json ui/env.d.ts ui/.env*; do
  [[ -e "$p" ]] && ui_inputs+=("$p")
done
if [[ ! -f ui/dist/index.html ]]; then
  reason="ui/dist missing"
elif changed="$(find "${ui_inputs[@]}" -newer ui/dist/index.html -print -quit)" && [[ -n "$changed" ]]; then
  reason="changed: $changed"
else
  reason=""
fi
if [[ -n "$reason" ]]; then
  info "npm run build ($reason)"
  (cd ui && npm run build)
  [[ -f ui/dist/index.html ]] || die "npm run build did not produce ui/dist/index.html"
  touch ui/dist/index.html
else
  info "up to date"
fi

# --- 5. tauri-driver (WebDriver proxy for the e2e tests) -------------------------------
step "tauri-driver $TAURI_DRIVER_VERSION (.tools/bin)"
if [[ -x "$TAURI_DRIVER_BIN" ]] && [[ "$(cat "$TOOLS_DIR/.tauri-driver-version" 2>/dev/null)" == "$TAURI_DRIVER_VERSION" ]]; then
  info "present"
else
  info "cargo install tauri-driver --locked"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --root "$TOOLS_DIR" --force --quiet
  echo "$TAURI_DRIVER_VERSION" > "$TOOLS_DIR/.tauri-driver-version"
fi

# --- 6. Python venv for the e2e suite ------------------------------------------------
step "Python venv (tests/e2e/.venv)"
req="$E2E_DIR/requirements.txt"
want="$(sha256sum "$req" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
stamp="$E2E_VENV/.requirements.stamp"
if [[ -x "$E2E_VENV/bin/python" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  info "up to date"
else
  info "installing $(grep -cvE '^\s*(#|$)' "$req") pinned packages"
  rm -rf "$E2E_VENV"
  "$PYTHON" -m venv "$E2E_VENV"
  "$E2E_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
  echo "$want" > "$stamp"
fi

step "Set-up done in $((SECONDS - t0)) s"
