#!/usr/bin/env bash
# What an event costs a contact that holds many unexpired window awards, against a
# fresh contact, on one throwaway server in one run (issue 20: "per-event cost of a
# contact with 20,000 live window awards <= 1.2x that of a fresh contact").
#
#   bash bench/window_awards.sh                 # 20,000 awards, 2,000 events per variant
#   WINDOW_AWARDS=50000 WINDOW_EVENTS=5000 bash bench/window_awards.sh
#
# Model: one group with a 90-day window, a rule giving 1 point per visit. Contact 1
# gets WINDOW_AWARDS visits spread over the last 80 days (none expires during the
# run); then pgbench sends one-row visits (one per transaction, one client), first
# to contact 1, then to a fresh contact (one that exists but holds no award yet: a
# new one per run, so it holds at most WINDOW_EVENTS), interleaved, three times each. Prints the median latency of each and their ratio; the report is
# written to bench/results/window_awards.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
AWARDS=${WINDOW_AWARDS:-20000}
EVENTS=${WINDOW_EVENTS:-2000}
PORT=${BENCH_PORT:-5497}
DIR=${BENCH_DIR:-/tmp/bench_window_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
cleanup() { cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 256MB" "max_wal_size = 4GB"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psqlq -c "CREATE DATABASE bench"
psqlq -d bench <<SQL
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name) VALUES ('m');
UPDATE lead_scoring.point_groups SET window_size = '90 days';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT 1, 'visit', now() - interval '80 days' + (i * interval '80 days') / $AWARDS FROM generate_series(1, $AWARDS) i;
SQL
live=$(psqlq -At -d bench -c "SELECT (SELECT count(*) FROM lead_scoring.window_awards WHERE contact_id = 1), score FROM lead_scoring.scores WHERE contact_id = 1" 2>/dev/null ||
       psqlq -At -d bench -c "SELECT cardinality(window_units), score FROM lead_scoring.contact_scores WHERE contact_id = 1")  # before issue 20
echo "== contact 1 holds (awards|score): $live"

echo "INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'visit');" > "$work/held.sql"
psqlq -d bench -c "INSERT INTO lead_scoring.contacts (contact_id) VALUES (2), (3), (4)"
declare -a HELD FRESH
for rep in 1 2 3; do
    echo "INSERT INTO lead_scoring.events (contact_id, event_type) VALUES ($((rep + 1)), 'visit');" > "$work/fresh.sql"
    for v in held fresh; do
        lat=$(pgbench -n -M prepared -c 1 -t "$EVENTS" -f "$work/$v.sql" bench 2>&1 | awk '/latency average/ {print $4}')
        echo "== rep $rep $v: $lat ms per event"
        if [ "$v" = held ]; then HELD+=("$lat"); else FRESH+=("$lat"); fi
    done
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
h=$(median "${HELD[@]}"); f=$(median "${FRESH[@]}")
{
    echo "window awards benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "contact 1 held $live (awards|score) before the runs; $EVENTS one-row events per run, 3 runs each, interleaved"
    echo "  contact with $AWARDS live awards: ${HELD[*]} ms per event (median $h)"
    echo "  a fresh contact:                ${FRESH[*]} ms per event (median $f)"
    echo "  ratio held / fresh: $(awk -v a="$h" -v b="$f" 'BEGIN {printf "%.2fx", a / b}') (target <= 1.2x)"
} | tee "$RESULTS/window_awards.txt"
