#!/usr/bin/env bash
# Peak private memory of the backend that COPYs a large file of events, scored
# against the same COPY with the triggers off, on one throwaway server in one run
# (issue 20: "COPY of 1M events: peak backend memory <= 2x that of the same COPY
# with triggers off").
#
#   bash bench/copy_memory.sh                  # 1,000,000 events for 100,000 contacts
#   COPY_EVENTS=200000 bash bench/copy_memory.sh
#   COPY_CHUNK=50000 bash bench/copy_memory.sh  # lead_scoring.event_chunk_size (default: the extension's)
#
# Memory is sampled every 50 ms while the COPY runs, two ways: the backend's resident
# set (VmRSS, what top shows: private memory and the shared buffers it touched) and
# its private memory alone (RssAnon); the largest samples are the peaks. Also prints
# each COPY's time. The report is written to bench/results/copy_memory.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
EVENTS=${COPY_EVENTS:-1000000}
PORT=${BENCH_PORT:-5496}
DIR=${BENCH_DIR:-/tmp/bench_copy_memory_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
cleanup() { cluster_stop; rm -rf "$DIR"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 256MB" "max_wal_size = 4GB"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

psqlq -d postgres <<SQL
CREATE TABLE stage AS
SELECT (i % $((EVENTS / 10))) + 1 AS contact_id, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'visit' END AS event_type,
       now() - (i || ' seconds')::interval AS occurred_at
  FROM generate_series(1, $EVENTS) i;
COPY stage TO '$DIR/events.csv' CSV;
SQL

# Copies the file into a fresh database; prints "seconds peak_rss_kB peak_rss_anon_kB".
copy_run() {
    local replica=$1 db=copy_$1 pidfile=$DIR/pid outfile=$DIR/out
    PGOPTIONS='-c client_min_messages=warning' psqlq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psqlq -d "$db" <<'SQL'
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 50 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 2 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT model_id, group_id, 'open', 'open', 1 FROM lead_scoring.point_groups WHERE name = 'email';
SQL
    local role=origin
    [ "$replica" = off ] && role=replica
    rm -f "$pidfile" "$outfile"
    local chunk=""
    [ -n "${COPY_CHUNK:-}" ] && chunk="SET lead_scoring.event_chunk_size = $COPY_CHUNK;"
    psqlq -At -d "$db" -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(0.3)" -c "SET session_replication_role = $role; $chunk" \
        -c "\\timing on" -c "COPY lead_scoring.events (contact_id, event_type, occurred_at) FROM '$DIR/events.csv' CSV" \
        >"$pidfile" 2>"$outfile" &
    local job=$! peak=0 peak_rss=0 pid=""
    while kill -0 "$job" 2>/dev/null; do
        [ -z "$pid" ] && pid=$(head -1 "$pidfile" 2>/dev/null || true)
        if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
            local kb rss
            read -r kb rss < <(awk '/^RssAnon/ {a = $2} /^VmRSS/ {r = $2} END {print a + 0, r + 0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
            [ "$kb" -gt "$peak" ] && peak=$kb
            [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
        fi
        sleep 0.05
    done
    wait "$job" || { cat "$outfile" >&2; return 1; }
    local ms
    ms=$(grep -o 'Time: [0-9.]*' "$pidfile" | tail -1 | cut -d' ' -f2)
    echo "$(awk -v m="$ms" 'BEGIN {printf "%.1f", m / 1000}') $peak_rss $peak"
}

read -r off_s off_rss off_kb < <(copy_run off)
echo "== triggers off: $off_s s, peak resident $off_rss kB, private $off_kb kB"
read -r on_s on_rss on_kb < <(copy_run on)
echo "== scored: $on_s s, peak resident $on_rss kB, private $on_kb kB"
{
    echo "COPY memory benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "COPY of $EVENTS events for $((EVENTS / 10)) contacts, one model, two rules; event_chunk_size ${COPY_CHUNK:-default}"
    echo "  triggers off (session_replication_role = replica): $off_s s, peak resident $((off_rss / 1024)) MB, private $((off_kb / 1024)) MB"
    echo "  scored:                                           $on_s s, peak resident $((on_rss / 1024)) MB, private $((on_kb / 1024)) MB"
    echo "  resident scored / off: $(awk -v a="$on_rss" -v b="$off_rss" 'BEGIN {printf "%.2fx", a / b}') (target <= 2x);" \
         "private scored / off: $(awk -v a="$on_kb" -v b="$off_kb" 'BEGIN {printf "%.2fx", a / b}')"
} | tee "$RESULTS/copy_memory.txt"
