#!/usr/bin/env bash
# Installs what is missing and starts a Household Services server (debug build) on its
# embedded SQLite: data in ~/.local/share/household-server unless --data-dir is given,
# HTTPS on 0.0.0.0:8443 with a self-signed certificate whose fingerprint it prints.
# Arguments go to the server, e.g.:  bash scripts/run-server.sh --listen 127.0.0.1:9443
#                                    bash scripts/run-server.sh create-admin --help
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
step "Starting household-server (cargo run -p household-server)"
exec cargo run -p household-server -- "$@"
