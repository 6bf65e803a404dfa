#!/usr/bin/env bash
# lead_scoring recompute/evaluate benchmark: after a rule change, recompute(model)
# over RC_EVENTS events of RC_CONTACTS contacts, against the floor of a rebuild (one
# hand-written INSERT ... SELECT ... GROUP BY summing the points of the same rules per
# contact, without limits); evaluate(model) over the same data; the backend's peak
# private memory during recompute of a fifth of the contacts and of all of them.
#
#   bash bench/recompute.sh                         # 100,000 contacts, 1,000,000 events, 3 runs
#   RC_CONTACTS=20000 RC_EVENTS=200000 RC_REPS=1 bash bench/recompute.sh
#
# Environment: RC_CONTACTS, RC_EVENTS, RC_REPS (runs per variant, default 3),
# RC_PORT (default 5497), RC_DIR (cluster directory). Report: bench/results/recompute.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
C=${RC_CONTACTS:-100000}
E=${RC_EVENTS:-1000000}
REPS=${RC_REPS:-3}
PORT=${RC_PORT:-5497}
DIR=${RC_DIR:-/tmp/bench_recompute_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
OUT=$RESULTS/recompute.txt

PGBIN=/usr/lib/postgresql/15/bin
PG_CONFIG=$PGBIN/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
[ -f "$("$PG_CONFIG" --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
cleanup() { cluster_stop; rm -rf "$DIR"; }
trap cleanup EXIT
log() { echo "== $*" >&2; }
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
val() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# The whole database fits in shared buffers; durability at its defaults.
log "starting a throwaway cluster in $DIR on port $PORT"
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "lead_scoring.maintenance = off" \
    "shared_buffers = 1GB" "max_wal_size = 8GB" "checkpoint_timeout = 30min" "autovacuum = off" "timezone = 'UTC'"
chmod 755 "$DIR"

# Template: model m (conversion: signup), five rules, one with max_awards (which the
# baseline ignores), E events of C contacts between Jan 1 and Mar 31 2026, inserted
# live in time order in statements of 50,000 events: 80% visits, 8% opens, 6%
# downloads, 4% demos, 2% signups, the type varying with each contact's round of events.
log "building the template: $C contacts, $E events"
psqlq -d postgres -c "CREATE DATABASE rc_template"
psqlq -d rc_template -c "CREATE EXTENSION lead_scoring" -c "CREATE EXTENSION pg_prewarm"
psqlq -d rc_template <<'SQL'
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('m', 'signup');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, max_awards)
SELECT model_id, r.t, r.t, r.p, r.mx FROM lead_scoring.models,
       (VALUES ('visit', 2, NULL), ('open', 1, NULL), ('download', 10, 3), ('demo', 25, NULL), ('signup', 50, NULL))
       AS r(t, p, mx);
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.n, b.s FROM lead_scoring.models, (VALUES ('0-25', 0), ('26-50', 26), ('51-75', 51), ('76-100', 76)) b(n, s);
CREATE SCHEMA bench;
CREATE TABLE bench.rebuilt (contact_id bigint PRIMARY KEY, score numeric NOT NULL);
SQL
T0=$(date +%s)
val -d rc_template -c "INSERT INTO lead_scoring.contacts (contact_id) SELECT g FROM generate_series(1, $C) g" -c "ANALYZE" >/dev/null
STEP=50000
for ((lo = 1; lo <= E; lo += STEP)); do
    hi=$((lo + STEP - 1 < E ? lo + STEP - 1 : E))
    val -d rc_template -c "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
        SELECT 1 + (g * 7919) % $C,
               CASE (g + g / $C * 7) % 50 WHEN 0 THEN 'signup' WHEN 1 THEN 'demo' WHEN 2 THEN 'demo'
                    WHEN 3 THEN 'download' WHEN 4 THEN 'download' WHEN 5 THEN 'download'
                    WHEN 6 THEN 'open' WHEN 7 THEN 'open' WHEN 8 THEN 'open' WHEN 9 THEN 'open' ELSE 'visit' END,
               timestamptz '2026-01-01' + g * (interval '90 days' / $E)
          FROM generate_series($lo::bigint, $hi) g ORDER BY g" >/dev/null
done
LOAD_S=$(( $(date +%s) - T0 ))
psqlq -d rc_template -c "VACUUM ANALYZE" -c "CHECKPOINT"
INFO=$(val -d rc_template -c "SELECT (SELECT count(*) FROM lead_scoring.events) || ' events, '
    || (SELECT count(*) FROM lead_scoring.contact_scores) || ' score rows, '
    || (SELECT count(*) FROM lead_scoring.ledger) || ' ledger rows; database '
    || pg_size_pretty(pg_database_size(current_database()))")
log "template: $INFO (loaded in $LOAD_S s)"

fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' psqlq -d postgres -c "DROP DATABASE IF EXISTS $1" \
        -c "CREATE DATABASE $1 TEMPLATE rc_template STRATEGY FILE_COPY"
    val -d "$1" -c "SELECT count(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('lead_scoring', 'bench')" -c "CHECKPOINT" >/dev/null
}

# Runs SQL in db; prints "ms peak_rss_anon_kB": the statement's time (server side) and
# the largest private memory of its backend, sampled every 50 ms.
timed() {
    local db=$1 sql=$2 pidfile=$DIR/pid.$$ outfile=$DIR/out.$$
    rm -f "$pidfile" "$outfile"
    val -d "$db" -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(0.3)" \
        -c "DO \$\$ DECLARE t timestamptz := clock_timestamp(); BEGIN $sql;
            RAISE NOTICE 'ms=%', round(extract(epoch FROM clock_timestamp() - t) * 1000, 1); END \$\$" \
        >"$pidfile" 2>"$outfile" &
    local job=$! peak=0 pid=""
    while kill -0 "$job" 2>/dev/null; do
        [ -z "$pid" ] && pid=$(head -1 "$pidfile" 2>/dev/null || true)
        if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
            local kb
            kb=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
        fi
        sleep 0.05
    done
    wait "$job" || { cat "$outfile" >&2; return 1; }
    echo "$(grep -o 'ms=[0-9.]*' "$outfile" | cut -d= -f2) $peak"
}

# The rule change recompute has to apply: visits are now worth 3.
CHANGE="UPDATE lead_scoring.event_rules SET points = 3 WHERE name = 'visit'"
# A change to a rarer rule (demos, 4% of the events): most rows stay as they are.
CHANGE2="UPDATE lead_scoring.event_rules SET points = 30 WHERE name = 'demo'"
# The writes recompute has to make for CHANGE, by hand: every visit's ledger row
# replaced by one with the new points, the score rows moved by the difference. No
# history read, no rules applied: what the same rewrite costs in plain SQL (the
# append-only trigger is bypassed the way recompute bypasses it). The serialised
# state column is rewritten as it is (plain SQL cannot edit it): the same row write.
SAME_WRITES="PERFORM pg_catalog.set_config('session_replication_role', 'replica', true);
    WITH v AS (SELECT rule_id, points FROM lead_scoring.event_rules WHERE name = 'visit'),
         gone AS (DELETE FROM lead_scoring.ledger l USING v WHERE l.rule_id = v.rule_id
                  RETURNING l.model_id, l.group_id, l.contact_id, l.kind, l.rule_id, l.event_id, l.occurred_at, l.created_at)
    INSERT INTO lead_scoring.ledger (model_id, group_id, contact_id, delta, kind, rule_id, event_id, occurred_at, created_at)
    SELECT g.model_id, g.group_id, g.contact_id, v.points, g.kind, g.rule_id, g.event_id, g.occurred_at, g.created_at
      FROM gone g CROSS JOIN v;
    UPDATE lead_scoring.contact_scores s
       SET score = s.score + x.n, behavior_score = s.behavior_score + x.n,
           state = s.state, updated_at = pg_catalog.now()
      FROM (SELECT l.contact_id, count(*) AS n FROM lead_scoring.ledger l
              JOIN lead_scoring.event_rules r ON r.rule_id = l.rule_id AND r.name = 'visit'
             GROUP BY l.contact_id) x
     WHERE s.contact_id = x.contact_id"
BASELINE="INSERT INTO bench.rebuilt SELECT e.contact_id, sum(r.points) FROM lead_scoring.events e
          JOIN lead_scoring.event_rules r ON r.event_type = e.event_type AND r.active GROUP BY e.contact_id"
FIFTH=$((C / 5))
declare -a R R2 G W EV M5 MALL
for ((rep = 1; rep <= REPS; rep++)); do
    fresh_db rc_run; psqlq -d rc_run -c "$CHANGE"
    read -r ms kb < <(timed rc_run "PERFORM lead_scoring.recompute('m')"); R+=("$ms"); MALL+=("$kb")
    log "rep $rep recompute: $ms ms, peak private memory $kb kB"
    CHECK=$(val -d rc_run -c "SELECT sum(score) FROM lead_scoring.contact_scores")
    fresh_db rc_run; psqlq -d rc_run -c "$CHANGE2"
    read -r ms kb < <(timed rc_run "PERFORM lead_scoring.recompute('m')"); R2+=("$ms")
    log "rep $rep recompute after the demo change: $ms ms"
    fresh_db rc_run; psqlq -d rc_run -c "$CHANGE"
    read -r ms kb < <(timed rc_run "$SAME_WRITES"); W+=("$ms")
    CHECK_W=$(val -d rc_run -c "SELECT sum(score) FROM lead_scoring.contact_scores")
    log "rep $rep the same writes by hand: $ms ms"
    fresh_db rc_run
    read -r ms kb < <(timed rc_run "$BASELINE"); G+=("$ms")
    log "rep $rep INSERT ... SELECT ... GROUP BY: $ms ms"
    read -r ms kb < <(timed rc_run "PERFORM * FROM lead_scoring.evaluate('m', '2026-04-01')"); EV+=("$ms")
    log "rep $rep evaluate: $ms ms"
    fresh_db rc_run; psqlq -d rc_run -c "$CHANGE"
    read -r ms kb < <(timed rc_run "PERFORM lead_scoring.recompute('m', 1, $FIFTH)"); M5+=("$kb")
    log "rep $rep recompute of contacts 1-$FIFTH: $ms ms, peak private memory $kb kB"
done
EVAL_ROW=$(val -d rc_run -F ' | ' -c "SELECT * FROM lead_scoring.evaluate('m', '2026-04-01')")
psqlq -d postgres -c "DROP DATABASE rc_run"

r=$(echo "${R[*]}" | median); r2=$(echo "${R2[*]}" | median); g=$(echo "${G[*]}" | median); w=$(echo "${W[*]}" | median); e=$(echo "${EV[*]}" | median)
m5=$(echo "${M5[*]}" | median); mall=$(echo "${MALL[*]}" | median)
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x <= t ? "ok" : "MISSED") }'; }
{
    echo "lead_scoring recompute/evaluate benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); $(val -d postgres -c 'SELECT version()' | cut -d, -f1); $(nproc) cores"
    echo "data: $INFO; loaded live in $LOAD_S s; model m: visit 2 -> 3 (the rule change), open 1, download 10 (max 3 awards), demo 25, signup 50"
    echo "command: RC_CONTACTS=$C RC_EVENTS=$E RC_REPS=$REPS bash bench/recompute.sh"
    echo "runs: $REPS per variant, each in a fresh prewarmed copy; times server-side; medians"
    echo
    printf "%-58s %12s\n" "variant" "ms"
    printf "%-58s %12s\n" "(r) recompute('m'), one transaction" "$r"
    printf "%-58s %12s\n" "(r2) recompute('m') after demo 25 -> 30 instead" "$r2"
    printf "%-58s %12s\n" "(g) INSERT ... SELECT ... GROUP BY (no limits)" "$g"
    printf "%-58s %12s\n" "(w) recompute's writes for (r) by hand (no history read)" "$w"
    printf "%-58s %12s\n" "(e) evaluate('m', '2026-04-01')" "$e"
    echo
    printf "%-58s %10s %10s %8s\n" "ratio" "measured" "target" ""
    rg=$(awk -v a="$r" -v b="$g" 'BEGIN {printf "%.2f", a / b}')
    er=$(awk -v a="$e" -v b="$r" 'BEGIN {printf "%.2f", a / b}')
    mr=$(awk -v a="$mall" -v b="$m5" 'BEGIN {printf "%.2f", a / b}')
    printf "%-58s %9sx %10s %8s\n" "(r) / (g)" "$rg" "<= 2x" "$(verdict "$rg" 2)"
    r2g=$(awk -v a="$r2" -v b="$g" 'BEGIN {printf "%.2f", a / b}')
    printf "%-58s %9sx %10s %8s\n" "(r2) / (g), for comparison" "$r2g" "" ""
    rw=$(awk -v a="$r" -v b="$w" 'BEGIN {printf "%.2f", a / b}')
    printf "%-58s %9sx %10s %8s\n" "(r) / (w), for comparison" "$rw" "" ""
    printf "%-58s %9sx %10s %8s\n" "(e) / (r)" "$er" "< 2x" "$(verdict "$er" 2)"
    printf "%-58s %9sx %10s %8s\n" "peak private memory, all contacts / a fifth" "$mr" "flat" "$(verdict "$mr" 1.25)"
    echo "    peak private memory (RssAnon) of the backend: $m5 kB for contacts 1-$FIFTH, $mall kB for all $C"
    echo
    echo "per run, ms: recompute ${R[*]}; recompute after the demo change ${R2[*]}; group by ${G[*]}; same writes by hand ${W[*]}; evaluate ${EV[*]}"
    echo "sum(score) after recompute: $CHECK; after the same writes by hand: $CHECK_W"
    echo "evaluate('m', '2026-04-01'): $EVAL_ROW"
} | tee "$OUT"
