#!/usr/bin/env bash
# Runs the TAP tests (test/t/*.pl) with PostgreSQL's own Perl test modules. They
# start their own clusters, which PostgreSQL refuses to do as root: as root, the
# tests run as user postgres from a copy of what they read.
set -euo pipefail
cd "$(dirname "$0")/.."
# Arguments: test files to run (t/003_upgrade.pl); none: all of them.
tests=("${@:-t/}")
PGBIN=/usr/lib/postgresql/15/bin
PGXS_DIR=$(dirname "$(pg_config --pgxs)")/..
work=$(mktemp -d "${TMPDIR:-/tmp}/lead_scoring_tap.XXXXXX")
cp -r test/t test/upgrade examples "$work"/
# (008 runs the pg_regress suite against a Citus coordinator, from $work/regress)
mkdir -p "$work/regress/test" && cp -r test/sql test/expected test/fresh.sql "$work/regress/test"/ && cp -r examples "$work/regress"/
run=(env PATH="$PGBIN:$PATH" TESTDIR="$work" PG_REGRESS="$PGXS_DIR/test/regress/pg_regress"
     prove --ext .pl -I "$PGXS_DIR/test/perl" "${tests[@]}")
status=0
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$work"
    (cd "$work" && runuser -u postgres -- "${run[@]}") || status=$?
else
    (cd "$work" && "${run[@]}") || status=$?
fi
if [ "$status" -ne 0 ]; then
    find "$work/tmp_check/log" -type f -name '*.log' -exec sh -c 'echo "== $1"; tail -n 40 "$1"' _ {} \; 2>/dev/null || true
    exit "$status"
fi
# KEEP_TAP=1 keeps the copy and its logs (tmp_check/log) for a look after a passing run.
[ -n "${KEEP_TAP:-}" ] || rm -rf "$work"
