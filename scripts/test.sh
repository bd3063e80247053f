#!/usr/bin/env bash
# Same set-up as run.sh, then every check and test, in order; the first failure stops the run.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

T0=$SECONDS
STEPS=(setup fmt clippy cargo-test ui-typecheck ui-test build e2e)
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
run_step fmt          cargo fmt --all --check
run_step clippy       cargo clippy --workspace --all-targets -- -D warnings
run_step cargo-test   cargo test --workspace
run_step ui-typecheck npm --prefix ui run typecheck
run_step ui-test      npm --prefix ui test
run_step build        cargo build -p household-app
run_step e2e          bash scripts/e2e.sh

printf '%stest.sh: all %d steps passed in %d s (%s)%s\n' "$GREEN" \
  "${#done_steps[@]}" "$((SECONDS - T0))" "$(IFS=,; echo "${times[*]}" | sed 's/,/, /g')" "$RESET"
