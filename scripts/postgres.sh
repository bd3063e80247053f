# shellcheck shell=bash
# A throw-away PostgreSQL cluster for the tests — sourced after common.sh, never run directly:
#
#   source scripts/common.sh; source scripts/postgres.sh
#   start_test_postgres    # initdb in a temp folder, server on 127.0.0.1:<free port>,
#                          # exports HS_TEST_POSTGRES_URL=postgres://household@127.0.0.1:<port>/postgres
#   ...tests...
#   stop_test_postgres     # optional: also runs on exit, failure, Ctrl-C or kill (TERM/HUP)
#
# The server binaries come from Debian's `postgresql` package (scripts/setup.sh installs it);
# the highest version >= 15 under /usr/lib/postgresql is used. initdb refuses to run as root,
# so as root the cluster belongs to a system user `household-pg` (created when missing).
# It is a test cluster: trust authentication, no fsync, nothing kept after it stops.
#
# Clean-up is chained onto the EXIT trap that is set when start_test_postgres runs (test.sh's
# on_exit still runs, first, and still sees the exit status). A script that sets its own EXIT
# trap AFTER start_test_postgres replaces that chain and must call stop_test_postgres itself.
# Sourcing this file twice, or calling either function twice, is harmless.

HS_PG_MIN_VERSION=15
HS_PG_SYSTEM_USER=household-pg
# State of the running cluster (kept when the file is sourced again).
HS_PG_DIR="${HS_PG_DIR:-}"       # the temp folder: data/, server.log, the unix socket
HS_PG_BIN="${HS_PG_BIN:-}"       # the server binaries' folder
HS_PG_OWNER="${HS_PG_OWNER:-}"   # the user the server runs as, when we are root

# The newest PostgreSQL server binaries folder of version >= 15, or nothing.
pg_server_bindir() {
  local d v best="" best_v=0
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" && -x "$d/pg_isready" ]] || continue
    v="${d#/usr/lib/postgresql/}"
    v="${v%/bin}"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if ((v >= HS_PG_MIN_VERSION && v > best_v)); then
      best="$d"
      best_v="$v"
    fi
  done
  [[ -n "$best" ]] && printf '%s\n' "$best"
}

# Runs a command as the cluster's owner, from inside the cluster folder (the owner may not be
# allowed into the caller's working directory).
_hs_pg_run() {
  if [[ -n "$HS_PG_OWNER" ]]; then
    (cd "$HS_PG_DIR" && runuser -u "$HS_PG_OWNER" -- "$@")
  else
    (cd "$HS_PG_DIR" && "$@")
  fi
}

# A TCP port nobody listens on at the moment (the caller retries if it is taken meanwhile).
_hs_pg_free_port() {
  local port
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  for _ in {1..50}; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  return 1
}

# The EXIT trap's part: stops the cluster, then hands the exit status it saw on to the trap
# that was there before (errexit is switched off first: under `set -e` a non-zero return here
# would end the trap before that one ran).
_hs_pg_on_exit() {
  local rc=$?
  set +e
  stop_test_postgres
  return "$rc"
}

# Chains _hs_pg_on_exit onto the current EXIT trap (once), and makes Ctrl-C, TERM and HUP exit
# through it when nothing else handles them.
_hs_pg_install_trap() {
  local current="" sig words
  # `trap -p EXIT` prints `trap -- '<command>' EXIT`, quoted for re-reading.
  if [[ -n "$(trap -p EXIT)" ]]; then
    eval "words=($(trap -p EXIT))"
    current="${words[2]}"
  fi
  if [[ "$current" != *_hs_pg_on_exit* ]]; then
    # ours first (it hands the exit status on), then the trap that was there
    trap -- "_hs_pg_on_exit${current:+; $current}" EXIT
  fi
  for sig in INT TERM HUP; do
    if [[ -z "$(trap -p "$sig")" ]]; then
      case "$sig" in
        INT) trap 'exit 130' INT ;;
        TERM) trap 'exit 143' TERM ;;
        HUP) trap 'exit 129' HUP ;;
      esac
    fi
  done
}

# Stops the cluster (immediate shutdown: nothing in it is worth keeping) and removes its
# folder. Does nothing when no cluster was started; safe to call repeatedly.
stop_test_postgres() {
  local dir="$HS_PG_DIR" pid
  [[ -n "$dir" ]] || return 0
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    _hs_pg_run "$HS_PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    # pg_ctl could not stop it (or is gone): end the postmaster we started, by its pid.
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf "$dir"
  HS_PG_DIR=""
  unset HS_TEST_POSTGRES_URL
}

# Starts the throw-away cluster and exports HS_TEST_POSTGRES_URL (see the top of this file).
start_test_postgres() {
  local base port attempt started=""
  if [[ -n "$HS_PG_DIR" && -n "${HS_TEST_POSTGRES_URL:-}" ]] \
    && "$HS_PG_BIN/pg_isready" -q -d "$HS_TEST_POSTGRES_URL" >/dev/null 2>&1; then
    info "test PostgreSQL already running: $HS_TEST_POSTGRES_URL"
    return 0
  fi
  stop_test_postgres # a half-started one from an earlier call

  HS_PG_BIN="$(pg_server_bindir)" \
    || die "no PostgreSQL >= $HS_PG_MIN_VERSION server in /usr/lib/postgresql/*/bin: run scripts/setup.sh (it installs Debian's postgresql)"

  HS_PG_OWNER=""
  if [[ "$(id -u)" -eq 0 ]]; then
    if ! id -u "$HS_PG_SYSTEM_USER" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --user-group "$HS_PG_SYSTEM_USER" 2>/dev/null \
        || id -u "$HS_PG_SYSTEM_USER" >/dev/null 2>&1 \
        || die "could not create the system user $HS_PG_SYSTEM_USER"
    fi
    HS_PG_OWNER="$HS_PG_SYSTEM_USER"
  fi

  # From here on, any failure (die = exit) runs the clean-up.
  _hs_pg_install_trap
  base="${TMPDIR:-/tmp}"
  [[ -z "$HS_PG_OWNER" ]] || base=/tmp # the owner must reach it; root's TMPDIR may be private
  HS_PG_DIR="$(mktemp -d "$base/household-pg.XXXXXX")" || die "could not make a temp folder in $base"
  if [[ -n "$HS_PG_OWNER" ]]; then
    chown "$HS_PG_OWNER:" "$HS_PG_DIR"
  fi

  if ! _hs_pg_run "$HS_PG_BIN/initdb" -D "$HS_PG_DIR/data" -U household --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$HS_PG_DIR/initdb.log" 2>&1; then
    sed 's/^/    /' "$HS_PG_DIR/initdb.log" >&2
    die "initdb failed"
  fi
  # The socket stays in the temp folder; TCP on loopback only. Durability is not wanted here.
  _hs_pg_run tee -a "$HS_PG_DIR/data/postgresql.conf" >/dev/null <<EOF

# --- throw-away test cluster (scripts/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$HS_PG_DIR'
max_connections = 300
fsync = off
full_page_writes = off
synchronous_commit = off
EOF

  # The free port may be taken between the check and the server's bind: try a few.
  for attempt in 1 2 3 4 5; do
    port="$(_hs_pg_free_port)" || die "no free TCP port found"
    if _hs_pg_run "$HS_PG_BIN/pg_ctl" -D "$HS_PG_DIR/data" -l "$HS_PG_DIR/server.log" \
      -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
      started=1
      break
    fi
    info "PostgreSQL did not start on port $port (attempt $attempt)"
  done
  if [[ -z "$started" ]]; then
    tail -n 20 "$HS_PG_DIR/server.log" 2>/dev/null | sed 's/^/    /' >&2
    die "could not start the test PostgreSQL (log above)"
  fi

  for _ in {1..60}; do
    "$HS_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U household -d postgres && break
    sleep 0.5
  done
  "$HS_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U household -d postgres \
    || die "the test PostgreSQL on port $port does not accept connections"

  export HS_TEST_POSTGRES_URL="postgres://household@127.0.0.1:$port/postgres"
  info "test PostgreSQL $("$HS_PG_BIN/postgres" --version | awk '{print $3}') on $HS_TEST_POSTGRES_URL ($HS_PG_DIR)"
}
