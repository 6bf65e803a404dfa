#!/usr/bin/env bash
# Many one-row INSERTs in one transaction (a CRM that syncs inside a transaction)
# against the same events in autocommit, on one throwaway server in one run (issue
# 13, class 8). Each variant sends the same statements through psql -f: N one-row
# INSERTs into lead_scoring.events, either wrapped in BEGIN ... COMMIT or each its
# own transaction. Two shapes: every event for one contact (the worst case: one
# score row updated N times) and events spread over 1,000 contacts.
#
#   bash bench/one_transaction.sh                    # N = 1000, 4000, 16000
#   ONE_TX_SIZES="1000 10000 100000" bash bench/one_transaction.sh
#
# Prints the time per event of each variant and the ratio one transaction / autocommit
# (the target is <= 1: a transaction should be no slower than autocommit); the report
# is written to bench/results/one_transaction.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
SIZES=${ONE_TX_SIZES:-"1000 4000 16000"}
PORT=${BENCH_PORT:-5498}
DIR=${BENCH_DIR:-/tmp/bench_one_tx_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
cleanup() { cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 256MB" "max_wal_size = 4GB"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psqlq -c "CREATE DATABASE bench_template"
psqlq -d bench_template <<'SQL'
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 50 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 2 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT model_id, group_id, 'open', 'open', 1 FROM lead_scoring.point_groups WHERE name = 'email';
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 100 FROM lead_scoring.models;
-- the contacts exist already, as in a CRM that syncs their activity
INSERT INTO lead_scoring.contacts (contact_id) SELECT generate_series(1, 1000);
SQL

# statements <file> <n> <contacts>: n one-row inserts cycling over the contacts
statements() {
    awk -v n="$2" -v k="$3" 'BEGIN { for (i = 0; i < n; i++)
        printf "INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (%d, %s);\n", 1 + i % k, (i % 3 ? "'"'"'visit'"'"'" : "'"'"'open'"'"'") }' > "$1"
}

# run <label> <file> <wrap: tx|auto>: ms for the whole file in a fresh database
run() {
    local db="bench_$RANDOM$RANDOM"
    psqlq -c "CREATE DATABASE $db TEMPLATE bench_template"
    psqlq -d "$db" -c "CHECKPOINT"
    local start end
    start=$(date +%s%N)
    if [ "$3" = tx ]; then
        { echo "BEGIN;"; cat "$2"; echo "COMMIT;"; } | psqlq -d "$db" >/dev/null
    else
        psqlq -d "$db" -f "$2" >/dev/null
    fi
    end=$(date +%s%N)
    psqlq -c "DROP DATABASE $db"
    echo $(( (end - start) / 1000000 ))
}

report=$RESULTS/one_transaction.txt
{
    echo "lead_scoring: one-row INSERTs in one transaction vs autocommit, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); PostgreSQL $(pg_config --version | cut -d' ' -f2); $(nproc) cores; psql -f over a Unix socket"
    printf '%-14s %8s %14s %14s %12s %12s %10s\n' shape events "one tx (ms)" "autocommit ms" "tx us/event" "auto us/ev" "tx/auto"
    for contacts in 1 1000; do
        for n in $SIZES; do
            statements "$work/s.sql" "$n" "$contacts"
            tx=$(run "tx" "$work/s.sql" tx)
            auto=$(run "auto" "$work/s.sql" auto)
            printf '%-14s %8d %14d %14d %12.1f %12.1f %9.2fx\n' "$contacts contact(s)" "$n" "$tx" "$auto" \
                "$(echo "$tx * 1000 / $n" | bc -l)" "$(echo "$auto * 1000 / $n" | bc -l)" "$(echo "$tx / $auto" | bc -l)"
        done
    done
} | tee "$report"
