#!/usr/bin/env bash
# Same set-up as run.sh, then every check and test, in order; the first failure stops the run.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

T0=$SECONDS
STEPS=(setup fmt clippy-build cargo-test cargo-test-postgres ui-typecheck ui-test e2e e2e-postgres packages)
current=""
done_steps=()
times=()

on_exit() {
  local rc=$?
  if ((rc != 0)); then
    printf '%stest.sh: FAILED at step "%s" (exit %d) after %d s; passed: %s%s\n' "$RED" \
      "$current" "$rc" "$((SECONDS - T0))" "${done_steps[*]:-none}" "$RESET"
  fi
}
trap on_exit EXIT

run_step() {
  local name=$1 t
  shift
  current=$name
  step "[$(( ${#done_steps[@]} + 1 ))/${#STEPS[@]}] $name: $*"
  t=$SECONDS
  "$@"
  times+=("$name $((SECONDS - t))s")
  done_steps+=("$name")
}

run_step setup        bash scripts/setup.sh

# One Rust build serves the lint, the tests and the e2e binary. clippy-driver, as the
# workspace's compiler wrapper, lints every workspace crate (-D warnings: a lint fails the
# build) and then compiles it normally, so `cargo test` reuses those artifacts instead of
# building everything a second time after `cargo clippy`'s check-only pass. The app binary
# the e2e tests drive comes out of the same build (household-app's integration test needs
# it), with the same features: nothing is rebuilt for it.
clippy_driver="$(rustc --print sysroot)/bin/clippy-driver"
[[ -x "$clippy_driver" ]] || die "clippy-driver not found in the toolchain: rustup component add clippy"
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"  # cargo clippy's encoding of `-- -D warnings`

run_step fmt          cargo fmt --all --check
run_step clippy-build cargo test --workspace --all-targets --no-run
# Both engines: every test on SQLite (the schema comparison also reaches the PostgreSQL
# cluster), then the core and server suites again on PostgreSQL, each test in a database of
# its own (the server's two-instance tests run there only).
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
current="cargo-test (starting the test PostgreSQL)"
start_test_postgres
run_step cargo-test   cargo test --workspace
postgres_suites() {
  # --workspace keeps the features of the clippy-build step: `-p household-server` alone
  # resolves them differently and rebuilds the dependencies.
  HS_TEST_ENGINE=postgres cargo test --workspace --test core --test server
}
run_step cargo-test-postgres postgres_suites
run_step ui-typecheck npm --prefix ui run typecheck
run_step ui-test      npm --prefix ui test
current=e2e
[[ -x "$APP_BIN" ]] || die "$APP_BIN was not built by the clippy-build step"
run_step e2e          bash scripts/e2e.sh
# The journeys with a server again, PostgreSQL behind it (a database per server started).
run_step e2e-postgres env HS_E2E_POSTGRES_URL="$HS_TEST_POSTGRES_URL" \
  bash scripts/e2e.sh test_connected.py test_three_desktops.py test_counter.py

# The installers, built from the same debug build, unpacked into a throw-away root and tried.
packages() {
  local dir="$ROOT/target/packages-ci"
  rm -rf "$dir"
  bash scripts/package.sh --debug --out "$dir"
  bash scripts/smoke-packages.sh "$dir"
}
run_step packages packages

printf '%stest.sh: all %d steps passed in %d s (%s)%s\n' "$GREEN" \
  "${#done_steps[@]}" "$((SECONDS - T0))" "$(IFS=,; echo "${times[*]}" | sed 's/,/, /g')" "$RESET"
