#!/usr/bin/env bash
# Scale-out on Citus (issue 19): one node against a coordinator and two workers on
# this machine, same rules (bench/setup.sql's model "b"), same data, one run:
#   batch       one INSERT ... SELECT of 50,000 events for 20,000 known contacts
#               (median of 3, on the same database each time)
#   single-row  pgbench, 2 clients, 10 s, one event per transaction
#   reads       at 200,000+ contacts: bench/reads.sh's reads (leaderboard, band_summary,
#               one contact's score, group scores and explain, the MQL list, a band's
#               first 100, the open alerts queue) and leaderboard_top (pgbench, 1
#               client, 5 s, average)
# All four servers share this machine's cores: the cluster cannot be faster here;
# the figures show what distribution costs (README "Scale-out on Citus").
# Needs Citus installed (scripts/install-deps.sh builds it). Run as root or postgres.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PGBIN=/usr/lib/postgresql/15/bin
base=${TMPDIR:-/tmp}/lead_scoring_citus_bench
port0=${CITUS_BENCH_PORT:-56200}
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
log() { echo "== $*" >&2; }

start_node() {  # name port preload
    local dir=$base/$1
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_postgres "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    cat >> "$dir/data/postgresql.conf" <<CONF
port = $2
listen_addresses = 'localhost'
unix_socket_directories = '$dir'
shared_preload_libraries = '$3'
lead_scoring.maintenance = off
max_connections = 100
max_worker_processes = 16
shared_buffers = 256MB
CONF
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
}
stop_all() {
    for d in "$base"/*/data; do [ -d "$d" ] && as_postgres "$PGBIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 || true; done
}
trap stop_all EXIT
stop_all
rm -rf "$base"
mkdir -p "$base"
[ "$(id -u)" -eq 0 ] && chown postgres "$base"

single=$port0 coordinator=$((port0 + 1))
start_node single "$single" lead_scoring
start_node coordinator "$coordinator" citus,lead_scoring
start_node worker1 $((port0 + 2)) citus,lead_scoring
start_node worker2 $((port0 + 3)) citus,lead_scoring
q() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h localhost -p "$port" -U postgres -d postgres "$@"; }
v() { local port=$1; shift; psql -X -At -v ON_ERROR_STOP=1 -h localhost -p "$port" -U postgres -d postgres "$@"; }
for p in $((port0 + 1)) $((port0 + 2)) $((port0 + 3)); do q "$p" -c 'CREATE EXTENSION citus' -c 'CREATE EXTENSION lead_scoring'; done
q "$single" -c 'CREATE EXTENSION lead_scoring'
q "$coordinator" -c "SELECT citus_set_coordinator_host('localhost', $coordinator)" \
    -c "SELECT citus_add_node('localhost', $((port0 + 2)))" -c "SELECT citus_add_node('localhost', $((port0 + 3)))" >/dev/null

# The rules of bench/setup.sql, distribute() on the coordinator, then its contacts and
# staged events (the same on both: setseed).
rules=$(sed -n '1,/^INSERT INTO lead_scoring.contacts/p' "$here/setup.sql" | sed '$d')
data=$(sed -n '/^INSERT INTO lead_scoring.contacts/,/^CREATE TABLE plain/p' "$here/setup.sql" | sed '$d')
for p in "$single" "$coordinator"; do q "$p" <<<"$rules"; done
q "$coordinator" -c 'SELECT lead_scoring.distribute(32)' >/dev/null
for p in "$single" "$coordinator"; do q "$p" <<<"$data"; q "$p" -c 'VACUUM ANALYZE' 2>/dev/null; done
log "loaded: $(v "$coordinator" -c 'SELECT count(*) FROM lead_scoring.contacts') contacts on both; 32 shards on 2 workers"

ms() {  # port sql -> milliseconds
    local port=$1 sql=$2 t0 t1
    t0=$(date +%s%N); q "$port" -c "$sql"; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
declare -A BATCH
for name in single coordinator; do
    port=${!name}
    runs=()
    for rep in 1 2 3; do
        t=$(ms "$port" "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) SELECT * FROM stage")
        log "batch rep $rep $name: $t ms"
        runs+=("$t")
    done
    BATCH[$name]=$(median "${runs[@]}")
done
same=$(v "$single" -c 'SELECT sum(score) FROM lead_scoring.scores')
same_c=$(v "$coordinator" -c 'SELECT sum(score) FROM lead_scoring.scores')
log "sum of scores after the batches: single $same, cluster $same_c"

script=$base/one_event.sql
cat > "$script" <<'SQL'
\set c random(1, 20000)
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (:c, 'page_visit', '{"url": "/pricing"}');
SQL
declare -A TPS
for name in single coordinator; do
    port=${!name}
    TPS[$name]=$(pgbench -n -h localhost -p "$port" -U postgres -c 2 -j 2 -T 10 -f "$script" postgres 2>/dev/null |
                 sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    log "single-row $name: ${TPS[$name]} tps"
done

# 200,000 more contacts, one event each, for the reads.
for p in "$single" "$coordinator"; do
    q "$p" -c "INSERT INTO lead_scoring.events (contact_id, event_type, properties)
               SELECT c, 'page_visit', jsonb_build_object('url', CASE WHEN c % 7 = 0 THEN '/pricing' ELSE '/' END)
                 FROM generate_series(100001, 300000) c"
    q "$p" -c 'VACUUM ANALYZE' 2>/dev/null
done
declare -A READS
for p in "$single" "$coordinator"; do
    q "$p" -c "INSERT INTO lead_scoring.bands (model_id, name, min_score)
               SELECT model_id, b.name, b.min_score FROM lead_scoring.models, (VALUES ('cold', 0), ('warm', 30), ('hot', 60)) AS b(name, min_score)"
done
# bench/reads.sh's reads, and leaderboard_top (the leaderboard read Citus can push down).
read_names=("leaderboard view, top 20" "leaderboard_top('b', 20)" "band_summary" "one contact's score"
            "its group scores" "its explain" "MQL list, top 100 at 50 or more" "a band's first 100"
            "open alerts queue, first 20")
read_sql=("SELECT * FROM lead_scoring.leaderboard WHERE model = 'b' LIMIT 20"
          "SELECT * FROM lead_scoring.leaderboard_top('b', 20)"
          "SELECT * FROM lead_scoring.band_summary"
          "SELECT * FROM lead_scoring.scores WHERE model = 'b' AND contact_id = 4711"
          "SELECT * FROM lead_scoring.group_scores WHERE model = 'b' AND contact_id = 4711"
          "SELECT * FROM lead_scoring.explain('b', 4711)"
          "SELECT contact_id, score FROM lead_scoring.scores WHERE model = 'b' AND score >= 50 ORDER BY score DESC LIMIT 100"
          "SELECT * FROM lead_scoring.contacts_in_band('b', 'warm') LIMIT 100"
          "SELECT * FROM lead_scoring.alerts WHERE acknowledged_at IS NULL ORDER BY created_at LIMIT 20")
for i in "${!read_names[@]}"; do
    echo "${read_sql[$i]};" > "$base/read.sql"
    for name in single coordinator; do
        port=${!name}
        READS[$name,$i]=$(pgbench -n -h localhost -p "$port" -U postgres -c 1 -T 5 -f "$base/read.sql" postgres 2>/dev/null |
                          sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
        log "${read_names[$i]} $name: ${READS[$name,$i]} ms"
    done
done
contacts=$(v "$coordinator" -c 'SELECT count(*) FROM lead_scoring.contacts')

echo
echo "Citus benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'),"
echo "$(nproc) cores; one node vs a coordinator and 2 workers (32 shards) on this machine"
printf '%-44s %12s %12s %9s\n' "" "one node" "cluster" "ratio"
awk -v s="${BATCH[single]}" -v c="${BATCH[coordinator]}" 'BEGIN {
    printf "%-44s %9d ms %9d ms %8.2fx   (target <= 3x)\n", "batch: 50,000 events, per statement", s, c, c / s }'
awk -v s="${TPS[single]}" -v c="${TPS[coordinator]}" 'BEGIN {
    printf "%-44s %8.0f tps %8.0f tps %8.2fx   (time per event)\n", "single-row: one event per transaction", s, c, s / c }'
for i in "${!read_names[@]}"; do
    awk -v n="${read_names[$i]} ($contacts contacts)" -v s="${READS[single,$i]}" -v c="${READS[coordinator,$i]}" 'BEGIN {
        printf "%-44s %9.3f ms %9.3f ms %8.2fx   (target < 100 ms)\n", n, s, c, c / s }'
done
echo "same scores on both: $([ "$same" = "$same_c" ] && echo yes || echo "NO ($same vs $same_c)")"
