#!/usr/bin/env bash
# lead_scoring_relay's latency and throughput (issue 18), on a throwaway server:
#   latency: the relay idle, LISTENing; RELAY_EVENTS (50) single events, one at a
#     time, each making an alert; from the moment before the event's INSERT is sent
#     (so the figure includes psql's start and the commit: an upper bound) to the
#     moment its command starts (the command writes the time first). Median and 90th.
#   throughput: RELAY_ALERTS (20,000) alerts waiting, one relay --once to stdout.
# The report is written to bench/results/relay.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
EVENTS=${RELAY_EVENTS:-50}
ALERTS=${RELAY_ALERTS:-20000}
PORT=${BENCH_PORT:-5494}
DIR=${BENCH_DIR:-/tmp/bench_relay_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install
RELAY="$(pg_config --bindir)/lead_scoring_relay"
source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
chmod 777 "$work"
cleanup() { [ -n "${relay_pid:-}" ] && kill "$relay_pid" 2>/dev/null; cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psqlq -c "CREATE DATABASE bench"
psqlq -d bench <<'SQL'
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (1, 'hot', 'hot', 10);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, notify_channel)
VALUES (1, 'every hot event', 0, 'hot', 'sales');
SQL
conn="host=$PGHOST port=$PGPORT dbname=bench"

echo "== latency: $EVENTS events, one at a time, the relay idle"
"$RELAY" -d "$conn" --exec "date +%s%N >> $work/started; cat > /dev/null" 2>/dev/null &
relay_pid=$!
sleep 1
: > "$work/sent"
for i in $(seq 1 "$EVENTS"); do
    date +%s%N >> "$work/sent"
    psqlq -d bench -c "INSERT INTO lead_scoring.events (contact_id, event_type) VALUES ($i, 'hot')"
    sleep 0.2
done
sleep 1
kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true; relay_pid=
lat=$(paste "$work/sent" "$work/started" | awk '{printf "%.2f\n", ($2 - $1) / 1e6}' | sort -g)
n=$(echo "$lat" | wc -l)
med=$(echo "$lat" | sed -n "$(( (n + 1) / 2 ))p"); p90=$(echo "$lat" | sed -n "$(( (n * 9 + 9) / 10 ))p")

echo "== throughput: $ALERTS alerts waiting, one relay --once to stdout"
psqlq -d bench -c "INSERT INTO lead_scoring.events (contact_id, event_type) SELECT 100000 + c, 'hot' FROM generate_series(1, $ALERTS) c"
start=$(date +%s%N)
"$RELAY" -d "$conn" --once --batch 500 > /dev/null 2>&1
end=$(date +%s%N)
left=$(psql -X -At -d bench -c "SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL")
rate=$(awk -v n="$ALERTS" -v ns="$((end - start))" 'BEGIN {printf "%.0f", n / (ns / 1e9)}')
{
    echo "relay benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "  latency, event INSERT sent -> command started ($n events): median $med ms, 90th percentile $p90 ms (target: median < 50 ms)"
    echo "  throughput to stdout: $ALERTS alerts in $(awk -v ns="$((end - start))" 'BEGIN {printf "%.2f", ns / 1e9}') s = $rate alerts/s, $left left undelivered (target >= 2,000/s)"
} | tee "$RESULTS/relay.txt"
