#!/usr/bin/env bash
# Runs a benchmark with a throw-away PostgreSQL cluster next to it, so the benches that
# compare engines measure both: e.g.
#   bash scripts/bench-postgres.sh cargo bench -p household-core --bench queries
# The cluster (scripts/postgres.sh) lives in a temp folder and is removed on exit.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
start_test_postgres
"$@"
