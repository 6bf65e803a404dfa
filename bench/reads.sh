#!/usr/bin/env bash
# The reads CRM pages, sales and BI run all day, at two sizes, on one throwaway server
# in one run (issue 15): median time of each read at 100,000 and 1,000,000 contacts
# (10 events each) and their ratio.
#
#   bash bench/reads.sh                          # sizes 100000 and 1000000
#   READS_SIZES="20000 200000" bash bench/reads.sh
#
# Data per size (a database each, loaded live through the extension): model m (max
# score 100, bands cold 0 / warm 30 / hot 60, threshold hot at 60, conversion event
# signup); every contact has 10 events: one in ten has 10 demos (30 points each:
# clamped at 100, so 10% of the contacts tie at the top), the others visits (5
# points each: 50), and one in twenty signs up; half the alerts are acknowledged.
# Each read runs for READS_SECONDS (default 5) through pgbench, one client, random
# contacts; band_summary, which can take seconds, runs READS_SLOW_RUNS times (3).
# The report is written to bench/results/reads.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
SIZES=${READS_SIZES:-"100000 1000000"}
SECS=${READS_SECONDS:-5}
SLOW_RUNS=${READS_SLOW_RUNS:-3}
PORT=${BENCH_PORT:-5495}
DIR=${BENCH_DIR:-/tmp/bench_reads_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
cleanup() { cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 512MB" "max_wal_size = 8GB" \
    "lead_scoring.maintenance = off"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# name|pgbench script (:c is a random contact of the size)|slow
READS=(
    "one contact's score|SELECT * FROM lead_scoring.scores WHERE model = 'm' AND contact_id = :c;|"
    "its group scores|SELECT * FROM lead_scoring.group_scores WHERE model = 'm' AND contact_id = :c;|"
    "its explain|SELECT * FROM lead_scoring.explain('m', :c);|"
    "leaderboard top 20 (10% tied at the top)|SELECT * FROM lead_scoring.leaderboard WHERE model = 'm' LIMIT 20;|"
    "MQL list, top 100 at 60 or more|SELECT contact_id, score FROM lead_scoring.scores WHERE model = 'm' AND score >= 60 ORDER BY score DESC LIMIT 100;|"
    "a band's first 100|SELECT * FROM lead_scoring.contacts_in_band('m', 'warm') LIMIT 100;|"
    "open alerts queue, first 20|SELECT * FROM lead_scoring.alerts WHERE acknowledged_at IS NULL ORDER BY created_at LIMIT 20;|"
    "band_summary|SELECT * FROM lead_scoring.band_summary WHERE model = 'm';|slow"
)
declare -A MS
for n in $SIZES; do
    db=reads_$n
    echo "== loading $n contacts, $((n * 10)) events"
    start=$(date +%s)
    psqlq -c "CREATE DATABASE $db"
    psqlq -d "$db" <<SQL
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name, max_score, conversion_event_type) VALUES ('m', 100, 'signup');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, r.name, r.name, r.points FROM lead_scoring.models, (VALUES ('visit', 5), ('demo', 30), ('signup', 0)) AS r(name, points);
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models, (VALUES ('cold', 0), ('warm', 30), ('hot', 60)) AS b(name, min_score);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'hot', 60 FROM lead_scoring.models;
SQL
    for ((from = 1; from <= n; from += 50000)); do
        to=$((from + 49999 < n ? from + 49999 : n))
        psqlq -d "$db" -c "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
            SELECT c, CASE WHEN c % 10 = 0 THEN 'demo' ELSE 'visit' END,
                   timestamptz '2026-01-01' + (c % 1000) * interval '1 hour' + k * interval '1 day'
              FROM generate_series($from, $to) c, generate_series(1, 10) k ORDER BY c, k"
        psqlq -d "$db" -c "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
            SELECT c, 'signup', timestamptz '2026-01-20' FROM generate_series($from, $to) c WHERE c % 20 = 3"
    done
    psqlq -d "$db" -c "UPDATE lead_scoring.alerts SET acknowledged_at = now() WHERE alert_id % 2 = 0" -c "VACUUM ANALYZE"
    echo "== loaded in $(( $(date +%s) - start )) s: $(psql -X -At -d "$db" -c "SELECT count(*) FILTER (WHERE score = 100) || ' at the top, ' || count(*) || ' scores, ' || (SELECT count(*) FROM lead_scoring.alerts WHERE acknowledged_at IS NULL) || ' open alerts' FROM lead_scoring.contact_scores")"
    for read in "${READS[@]}"; do
        IFS='|' read -r name sql slow <<<"$read"
        printf '\\set c random(1, %s)\n%s\n' "$n" "$sql" > "$work/read.sql"
        if [ -n "$slow" ]; then
            out=$(pgbench -n -M prepared -c 1 -t "$SLOW_RUNS" -f "$work/read.sql" "$db" 2>&1)
        else
            out=$(pgbench -n -M prepared -c 1 -T "$SECS" -f "$work/read.sql" "$db" 2>&1)
        fi
        ms=$(awk '/latency average/ {print $4}' <<<"$out")
        [ -n "$ms" ] || { echo "$out" >&2; exit 1; }
        MS["$name|$n"]=$ms
        echo "== $n: $name: $ms ms"
    done
done
set -- $SIZES
small=$1 big=${2:-$1}
{
    echo "reads benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "sizes: $SIZES contacts, 10 events each (10% tied at max_score); pgbench, one client, average latency"
    printf '%-45s %12s %12s %8s\n' "read" "$small (ms)" "$big (ms)" "ratio"
    for read in "${READS[@]}"; do
        IFS='|' read -r name sql slow <<<"$read"
        a=${MS["$name|$small"]} b=${MS["$name|$big"]}
        printf '%-45s %12s %12s %8s\n' "$name" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2fx", b / a}')"
    done
    echo "targets at the larger size: score < 0.5 ms, group scores < 1 ms, leaderboard < 2 ms, band_summary < 20 ms,"
    echo "open alerts < 2 ms; each <= 1.5x its time at the smaller size"
} | tee "$RESULTS/reads.txt"
