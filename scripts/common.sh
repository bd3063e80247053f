# shellcheck shell=bash
# Shared helpers for scripts/*.sh — sourced, never run directly.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Project-local tools (tauri-driver). `.tools/` is git-ignored.
TOOLS_DIR="$ROOT/.tools"
TAURI_DRIVER_VERSION="2.1.0"
TAURI_DRIVER_BIN="$TOOLS_DIR/bin/tauri-driver"
export TAURI_DRIVER_BIN

E2E_DIR="$ROOT/tests/e2e"
E2E_VENV="$E2E_DIR/.venv"
APP_BIN="${APP_BIN:-$ROOT/target/debug/household-services}"
export APP_BIN

# rustup's cargo is in ~/.cargo/bin; a non-login shell (CI) may not have it on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

if [[ -t 1 ]]; then BOLD=$'\033[1m' RED=$'\033[31m' GREEN=$'\033[32m' RESET=$'\033[0m'
else BOLD="" RED="" GREEN="" RESET=""; fi
step() { printf '%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '%sERROR: %s%s\n' "$RED" "$*" "$RESET" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (not root and no sudo)"
  fi
}
