#!/usr/bin/env bash
# lead_scoring benchmark: plain inserts (the floor) vs scored inserts vs the same
# scoring in PL/pgSQL, batched and single-row, on one throwaway server in one run.
#
#   bash bench/run.sh                      # defaults: 3 repetitions, 15 s pgbench runs
#   BENCH_SECONDS=30 BENCH_REPS=5 bash bench/run.sh
#
# Environment: BENCH_SECONDS (pgbench duration per run, default 15), BENCH_REPS
# (repetitions per variant, default 3), BENCH_PORT (default 5499), BENCH_DIR (cluster
# directory, default /tmp/bench_lead_scoring_<pid>).
# The report is printed and written to bench/results/latest.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
SECS=${BENCH_SECONDS:-15}
REPS=${BENCH_REPS:-3}
PORT=${BENCH_PORT:-5499}
DIR=${BENCH_DIR:-/tmp/bench_lead_scoring_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"

PGBIN=/usr/lib/postgresql/15/bin
PG_CONFIG=$PGBIN/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
if [ ! -f "$("$PG_CONFIG" --pkglibdir)/lead_scoring.so" ]; then
    echo "== lead_scoring.so is not installed: building and installing it" >&2
    make -C "$root" install
fi

SO=$("$PG_CONFIG" --pkglibdir)/lead_scoring.so
so_id() { echo "$(md5sum "$SO" | cut -c1-12), built $(date -r "$SO" '+%Y-%m-%d %H:%M:%S')"; }
SO_AT_START=$(so_id)
GIT_AT_START=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')

source "$root/scripts/pg_cluster.sh"
cleanup() {
    cluster_stop
    [ -f "$DIR/server.log" ] && cp "$DIR/server.log" "$RESULTS/server.log"
    rm -rf "$DIR"
}
trap cleanup EXIT

# Same server settings for all three variants. Durability stays at its defaults
# (fsync, synchronous_commit, full_page_writes on); checkpoints are spaced out and
# forced before every timed run so that no run pays for another one's writes.
SETTINGS=(
    "shared_preload_libraries = 'lead_scoring'"
    "shared_buffers = 256MB"
    "max_wal_size = 4GB"
    "checkpoint_timeout = 30min"
)
log() { echo "== $*" >&2; }

log "starting a throwaway cluster in $DIR on port $PORT"
cluster_start "$DIR" "$PORT" "${SETTINGS[@]}"
chmod 755 "$DIR"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
val() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# Another engineer may be reinstalling the extension: retry a failed CREATE EXTENSION.
create_extension() {
    local db=$1 try
    for try in 1 2 3 4 5; do
        if psqlq -d "$db" -c "CREATE EXTENSION lead_scoring" 2>"$DIR/create_ext.err"; then return 0; fi
        log "CREATE EXTENSION failed in $db (try $try): $(head -c 300 "$DIR/create_ext.err"); retrying in 60 s"
        sleep 60
    done
    cat "$DIR/create_ext.err" >&2
    return 1
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

START=$(date +%s)

###########################################################################
log "building the template database (setup.sql + plpgsql_baseline.sql)"
psqlq -d postgres -c "CREATE DATABASE bench_template"
create_extension bench_template
psqlq -d bench_template -c "CREATE EXTENSION pg_prewarm"
psqlq -d bench_template -f "$here/setup.sql" >/dev/null
psqlq -d bench_template -f "$here/plpgsql_baseline.sql" >/dev/null
SERVER_VERSION=$(val -d postgres -c "SHOW server_version")

declare -A TABLE=([plain]=plain [scored]=lead_scoring.events [plpgsql]=plbase.events [writes]=plain)
VARIANTS=(plain scored plpgsql)
# The batch has a fourth variant, "writes": the rows a scored batch writes (its events,
# ledger rows, alerts and score rows), written by hand in plain SQL into tables like
# lead_scoring's, with the same indexes: the floor that no scoring in the database can
# go under, and the share of the scored time that is scoring rather than writing.
BATCH_VARIANTS=(plain scored plpgsql writes)

log "recording what a scored batch writes (for the writes variant)"
psqlq -d postgres -c "CREATE DATABASE bench_writes_source TEMPLATE bench_template"
psqlq -d bench_writes_source -c "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) SELECT * FROM stage"
psqlq -d bench_template <<'SQL'
CREATE TABLE w_src_ledger (LIKE lead_scoring.ledger);
CREATE TABLE w_src_alerts (LIKE lead_scoring.alerts);
CREATE TABLE w_src_scores (LIKE lead_scoring.contact_scores);
CREATE TABLE w_ledger (LIKE lead_scoring.ledger INCLUDING ALL);
CREATE TABLE w_alerts (LIKE lead_scoring.alerts INCLUDING ALL);
CREATE TABLE w_scores AS SELECT * FROM lead_scoring.contact_scores;
DO $$ DECLARE d text; BEGIN
  FOR d IN SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'lead_scoring.contact_scores'::regclass LOOP
    EXECUTE replace(replace(d, 'INDEX contact_scores_', 'INDEX w_scores_'), 'ON lead_scoring.contact_scores', 'ON public.w_scores');
  END LOOP; END $$;
SQL
for t in ledger alerts contact_scores; do
    src=w_src_${t#contact_}
    psql -X -q -v ON_ERROR_STOP=1 -d bench_writes_source -c "COPY lead_scoring.$t TO STDOUT" |
        psqlq -d bench_template -c "COPY $src FROM STDIN"
done
psqlq -d postgres -c "DROP DATABASE bench_writes_source"
psqlq -d bench_template -c "VACUUM ANALYZE"
WRITES_ROWS=$(val -d bench_template -c "SELECT (SELECT count(*) FROM w_src_ledger) || ' ledger rows, ' || (SELECT count(*) FROM w_src_alerts)
    || ' alerts, ' || (SELECT count(*) FROM w_src_scores n JOIN w_scores o USING (model_id, contact_id) WHERE n.state IS DISTINCT FROM o.state)
    || ' score rows updated'")

# The timed statements of a batch variant.
batch_sql() {
    case $1 in
        writes) cat <<'SQL'
INSERT INTO plain (contact_id, event_type, occurred_at, properties) SELECT * FROM stage;
INSERT INTO w_ledger OVERRIDING SYSTEM VALUE SELECT * FROM w_src_ledger ORDER BY entry_id;
INSERT INTO w_alerts OVERRIDING SYSTEM VALUE SELECT * FROM w_src_alerts ORDER BY alert_id;
UPDATE w_scores o SET score = n.score, fit_score = n.fit_score, behavior_score = n.behavior_score, qualified = n.qualified,
       last_activity_at = n.last_activity_at, updated_at = n.updated_at, maintenance_due_at = n.maintenance_due_at,
       state = n.state, first_event_at = n.first_event_at, converted_at = n.converted_at,
       conversion_probability = n.conversion_probability
  FROM w_src_scores n WHERE n.model_id = o.model_id AND n.contact_id = o.contact_id AND n.state IS DISTINCT FROM o.state;
SQL
        ;;
        *) echo "INSERT INTO ${TABLE[$1]} (contact_id, event_type, occurred_at, properties) SELECT * FROM stage;" ;;
    esac
}

# Fresh database copied from the template, with its relations read into shared buffers.
fresh_db() {
    local db=$1
    psqlq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE bench_template"
    val -d "$db" -c "SELECT count(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('public', 'lead_scoring', 'plbase')" >/dev/null
}

totals_sql() {  # scores, ledger and alerts of one implementation: "sum(score) ledger_rows sum(delta) alerts"
    local scores=$1 ledger=$2 alerts=$3
    echo "SELECT (SELECT sum(score) FROM $scores) || ' ' || (SELECT count(*) FROM $ledger) || ' '
              || (SELECT coalesce(sum(delta), 0) FROM $ledger) || ' ' || (SELECT count(*) FROM $alerts)"
}
LS_TOTALS=$(totals_sql lead_scoring.contact_scores lead_scoring.ledger lead_scoring.alerts)
PL_TOTALS=$(totals_sql plbase.scores plbase.ledger plbase.alerts)

###########################################################################
# Batch: INSERT ... SELECT of the 50,000 staged events, each repetition in a fresh copy
# of the template (the simplest fair reset), variants interleaved. Each session warms up
# (a 200-event insert rolled back: rule cache, plans, catalog caches), checkpoints, and
# then times the insert server-side, commit included.
declare -A BATCH_MS
declare -A TOTALS
for rep in $(seq 1 "$REPS"); do
    for v in "${BATCH_VARIANTS[@]}"; do
        db=bench_batch_${v}
        fresh_db "$db"
        t=${TABLE[$v]}
        ms=$(val -d "$db" <<SQL
SET client_min_messages = warning;
BEGIN;
INSERT INTO $t (contact_id, event_type, occurred_at, properties) SELECT * FROM stage LIMIT 200;
ROLLBACK;
CHECKPOINT;
SELECT clock_timestamp() AS t0 \gset
BEGIN;
$(batch_sql "$v")
COMMIT;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);
SQL
)
        BATCH_MS[$v]="${BATCH_MS[$v]:-} $ms"
        case $v in
            scored)  TOTALS[scored]="${TOTALS[scored]:-}$(val -d "$db" -c "$LS_TOTALS")|" ;;
            plpgsql) TOTALS[plpgsql]="${TOTALS[plpgsql]:-}$(val -d "$db" -c "$PL_TOTALS")|" ;;
        esac
        log "batch rep $rep $v: $ms ms"
        if [ "$v" = plpgsql ] && [ "$rep" = "$REPS" ]; then
            # Cross-check (untimed): the same events through lead_scoring in this database,
            # then compare the two implementations contact by contact.
            psqlq -d "$db" -c "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) SELECT * FROM stage"
            CROSS=$(psqlq -d "$db" <<'SQL'
\pset footer off
SELECT 'lead_scoring' AS implementation, sum(score) AS total_score, count(*) AS score_rows,
       (SELECT count(*) FROM lead_scoring.ledger) AS ledger_rows, (SELECT sum(delta) FROM lead_scoring.ledger) AS ledger_points,
       (SELECT count(*) FROM lead_scoring.alerts) AS alerts
  FROM lead_scoring.contact_scores
UNION ALL
SELECT 'plpgsql', sum(score), count(*), (SELECT count(*) FROM plbase.ledger), (SELECT sum(delta) FROM plbase.ledger),
       (SELECT count(*) FROM plbase.alerts)
  FROM plbase.scores;
SELECT count(*) AS contacts,
       count(*) FILTER (WHERE a.score IS DISTINCT FROM b.score) AS score_differs,
       count(*) FILTER (WHERE a.behavior_score IS DISTINCT FROM b.behavior_score) AS behavior_differs,
       count(*) FILTER (WHERE a.fit_score IS DISTINCT FROM b.fit_score) AS fit_differs
  FROM lead_scoring.contact_scores a FULL JOIN plbase.scores b USING (model_id, contact_id);
SELECT t.name AS threshold,
       (SELECT count(*) FROM lead_scoring.alerts x WHERE x.threshold_id = t.threshold_id) AS lead_scoring_alerts,
       (SELECT count(*) FROM plbase.alerts x WHERE x.threshold_id = t.threshold_id) AS plpgsql_alerts
  FROM lead_scoring.thresholds t ORDER BY t.threshold_id;
SQL
)
        fi
        psqlq -d postgres -c "DROP DATABASE $db"
    done
done

###########################################################################
# Single-row: pgbench, 2 clients, one event per transaction, variants interleaved.
log "single-row: pgbench -c 2 -j 2 -T $SECS, $REPS runs per variant, interleaved"
fresh_db bench_tps
for v in "${VARIANTS[@]}"; do
    cat > "$DIR/pgbench_$v.sql" <<SQL
\\set c random(1, 20000)
INSERT INTO ${TABLE[$v]} (contact_id, event_type, occurred_at, properties)
VALUES (:c,
        (ARRAY['page_visit','email_open','email_click','form_submit','webinar_attended','asset_download','page_visit','email_open'])[1 + (random() * 7)::int],
        now() - random() * interval '30 days',
        jsonb_build_object('url', (ARRAY['/','/pricing','/docs/a','/blog'])[1 + (random() * 3)::int],
                           'download', random() < 0.3, 'asset', 'wp' || (random() * 10)::int));
SQL
done
# Supplementary: the scoring cost of a one-row statement without the commit. A server-side
# loop runs 5,000 one-row INSERT statements in one transaction (each statement fires the
# statement-level trigger once, each row the PL/pgSQL row trigger once), so the WAL
# flush of every commit, which dominates pgbench's latency, is left out.
LOOP_N=5000
declare -A LOOP_US
for rep in $(seq 1 "$REPS"); do
    for v in "${VARIANTS[@]}"; do
        us=$(val -d bench_tps <<SQL
SET client_min_messages = warning;
SELECT clock_timestamp() AS t0 \gset
DO \$\$ BEGIN FOR i IN 1..$LOOP_N LOOP
  INSERT INTO ${TABLE[$v]} (contact_id, event_type, occurred_at, properties)
  VALUES (1 + (random() * 19999)::int,
          (ARRAY['page_visit','email_open','email_click','form_submit','webinar_attended','asset_download','page_visit','email_open'])[1 + (random() * 7)::int],
          now() - random() * interval '30 days',
          jsonb_build_object('url', (ARRAY['/','/pricing','/docs/a','/blog'])[1 + (random() * 3)::int],
                             'download', random() < 0.3, 'asset', 'wp' || (random() * 10)::int));
END LOOP; END \$\$;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / $LOOP_N, 1);
SQL
)
        LOOP_US[$v]="${LOOP_US[$v]:-} $us"
        log "one-row statements without commit, rep $rep $v: $us us per statement"
    done
done

declare -A TPS LAT
for rep in $(seq 1 "$REPS"); do
    for v in "${VARIANTS[@]}"; do
        psqlq -d bench_tps -c "CHECKPOINT"
        out=$DIR/pgbench_${v}_$rep.log
        pgbench -n -M prepared -c 2 -j 2 -T "$SECS" -f "$DIR/pgbench_$v.sql" bench_tps >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
        tps=$(awk '/^tps = / {print $3; exit}' "$out")
        lat=$(awk '/^latency average = / {print $4; exit}' "$out")
        failed=$(awk '/number of failed transactions/ {print $5; exit}' "$out")
        TPS[$v]="${TPS[$v]:-} $tps"
        LAT[$v]="${LAT[$v]:-} $lat"
        log "single-row rep $rep $v: $tps tps, $lat ms${failed:+, failed $failed}"
    done
done
ROWS_TPS=$(val -d bench_tps -c "SELECT (SELECT count(*) FROM plain) || ' plain, ' || (SELECT count(*) FROM lead_scoring.events)
    || ' scored (' || (SELECT count(*) FROM lead_scoring.ledger) || ' ledger rows), ' || (SELECT count(*) FROM plbase.events)
    || ' plpgsql (' || (SELECT count(*) FROM plbase.ledger) || ' ledger rows)'")

EXPLAIN=$(psqlq -d bench_tps -c "EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'b' LIMIT 20")
EXPLAIN_ANALYZE=$(psqlq -d bench_tps -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'b' LIMIT 20")
CACHE_B=$(psqlq -d bench_tps <<'SQL'
\pset footer off
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'page_visit', '{"url": "/"}');
SELECT * FROM lead_scoring.rule_cache_stats();
SQL
)

###########################################################################
# Rule cache memory with 1,000 event rules over 10 groups (fresh database).
log "rule cache with 1,000 event rules"
psqlq -d postgres -c "CREATE DATABASE bench_rules"
create_extension bench_rules
CACHE_1000=$(psqlq -d bench_rules <<'SQL'
\pset footer off
SET client_min_messages = warning;
INSERT INTO lead_scoring.models (name, max_score) VALUES ('r', 1000);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points)
SELECT model_id, 'g' || i, CASE WHEN i % 3 = 0 THEN 100 END FROM lead_scoring.models, generate_series(1, 9) i;
-- 1,000 rules: 40 event types, four kinds of properties_match (none, one key, two keys,
-- a nested object), a jsonpath condition on a third of them, limits on some.
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition, points, max_awards, cooldown)
SELECT g.model_id, g.group_id, 'rule ' || i, 'type_' || (i % 40),
       CASE i % 4 WHEN 0 THEN NULL
                  WHEN 1 THEN jsonb_build_object('url', '/page/' || i)
                  WHEN 2 THEN jsonb_build_object('campaign', 'c' || (i % 20), 'channel', 'email')
                  ELSE jsonb_build_object('form', jsonb_build_object('id', i % 7, 'kind', 'signup')) END,
       CASE WHEN i % 3 = 0 THEN format('$.amount >= %s', i % 100)::jsonpath
            WHEN i % 3 = 1 AND i % 2 = 0 THEN format('$.url starts with "/p%s"', i % 10)::jsonpath END,
       CASE WHEN i % 10 = 9 THEN -(i % 7) - 1 ELSE (i % 20) + 1 END,
       CASE WHEN i % 7 = 0 THEN 1 + i % 3 END,
       CASE WHEN i % 11 = 0 THEN interval '1 hour' END
  FROM generate_series(1, 1000) i
  JOIN lead_scoring.point_groups g ON g.name = CASE WHEN i % 10 = 0 THEN 'default' ELSE 'g' || (i % 10) END;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'big', '$.employees >= 50', 10 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 50 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'type_1', '{"url": "/page/1"}');
SELECT * FROM lead_scoring.rule_cache_stats();
SQL
)
CACHE_1000_BYTES=$(val -d bench_rules <<'SQL'
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (2, 'type_2', '{}');
SELECT bytes FROM lead_scoring.rule_cache_stats();
SQL
)

###########################################################################
ELAPSED=$(( $(date +%s) - START ))
LOG_ERRORS=$(grep -cE '(ERROR|FATAL|PANIC):' "$DIR/server.log" || true)
declare -A BMED TMED LMED UMED
for v in "${VARIANTS[@]}"; do
    UMED[$v]=$(echo "${LOOP_US[$v]}" | median)
    BMED[$v]=$(echo "${BATCH_MS[$v]}" | median)
    TMED[$v]=$(echo "${TPS[$v]}" | median)
    LMED[$v]=$(echo "${LAT[$v]}" | median)
done
BMED[writes]=$(echo "${BATCH_MS[writes]}" | median)

report() {
    local rev
    rev=$GIT_AT_START
    git -C "$root" diff --quiet HEAD -- src sql 2>/dev/null || rev="$rev (the working tree had uncommitted changes in src/ or sql/ at the end)"
    echo "lead_scoring benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "git $rev at start; installed lead_scoring.so $SO_AT_START; PostgreSQL $SERVER_VERSION; $(nproc) cores"
    if [ "$(so_id)" != "$SO_AT_START" ]; then
        echo "WARNING: lead_scoring.so was reinstalled during the run (now $(so_id)); sessions started after that"
        echo "         used the new build: rerun for clean numbers"
    fi
    echo "server: ${SETTINGS[*]}; everything else default (fsync, synchronous_commit on)"
    echo "batch: INSERT INTO <table> (...) SELECT * FROM stage, 50,000 events, $REPS runs per variant, each in a fresh copy of the template database"
    echo "single-row: pgbench -n -M prepared -c 2 -j 2 -T $SECS, one event per transaction, $REPS runs per variant, interleaved"
    echo "total run time: ${ELAPSED} s; server log: $LOG_ERRORS ERROR/FATAL/PANIC lines (bench/results/server.log)"
    echo
    echo "runs (in order):"
    for v in "${VARIANTS[@]}"; do
        printf '  %-8s batch ms:%s   single-row tps:%s   latency ms:%s\n' "$v" "${BATCH_MS[$v]}" "${TPS[$v]}" "${LAT[$v]}"
    done
    printf '  %-8s batch ms:%s   (%s, by hand)\n' writes "${BATCH_MS[writes]}" "$WRITES_ROWS"
    echo
    printf '%-9s %16s %14s %18s %18s\n' variant "batch ms (med)" "batch ev/s" "single tps (med)" "latency ms (med)"
    for v in "${VARIANTS[@]}"; do
        printf '%-9s %16s %14s %18s %18s\n' "$v" "${BMED[$v]}" \
            "$(awk -v ms="${BMED[$v]}" 'BEGIN {printf "%.0f", 50000 / (ms / 1000)}')" "${TMED[$v]}" "${LMED[$v]}"
    done
    echo
    awk -v bp="${BMED[plain]}" -v bs="${BMED[scored]}" -v bl="${BMED[plpgsql]}" \
        -v tp="${TMED[plain]}" -v ts="${TMED[scored]}" -v tl="${TMED[plpgsql]}" 'BEGIN {
        printf "%-44s %9s %10s %6s\n", "ratio (time per event)", "measured", "target", "";
        r = bs / bp; printf "%-44s %8.2fx %10s %6s\n", "batch:      scored / plain", r, "<= 4.0x", (r <= 4.0 ? "ok" : "MISSED");
        r = bl / bs; printf "%-44s %8.2fx %10s %6s\n", "batch:      plpgsql / scored (x faster)", r, ">= 8x", (r >= 8 ? "ok" : "MISSED");
        r = tp / ts; printf "%-44s %8.2fx %10s %6s\n", "single-row: scored / plain", r, "<= 3.0x", (r <= 3.0 ? "ok" : "MISSED");
        r = ts / tl; printf "%-44s %8.2fx %10s %6s\n", "single-row: plpgsql / scored (x faster)", r, ">= 5x", (r >= 5 ? "ok" : "MISSED");
    }'
    awk -v bp="${BMED[plain]}" -v bs="${BMED[scored]}" -v bw="${BMED[writes]}" 'BEGIN {
        printf "batch floor: the same writes by hand / plain %.2fx (%s ms); scored / those writes %.2fx,\n", bw / bp, bw, bs / bw;
        printf "  so %.0f of the scored batch'"'"'s %.0f ms are writing its rows and %.0f ms everything else\n", bw, bs, bs - bw }'
    echo
    echo "supplementary, one-row INSERT statements without the commit ($LOOP_N in one transaction, server-side loop),"
    echo "microseconds per statement, median (runs):"
    for v in "${VARIANTS[@]}"; do
        printf '  %-8s %8s us   (%s )\n' "$v" "${UMED[$v]}" "${LOOP_US[$v]}"
    done
    awk -v p="${UMED[plain]}" -v s="${UMED[scored]}" -v l="${UMED[plpgsql]}" 'BEGIN {
        printf "  scored / plain %.2fx, plpgsql / scored %.2fx; scoring cost per statement: scored %.1f us, plpgsql %.1f us\n",
               s / p, l / s, s - p, l - p }'
    echo
    echo "totals after each batch run (sum(score) ledger_rows sum(delta) alerts):"
    echo "  scored : ${TOTALS[scored]//|/ | }"
    echo "  plpgsql: ${TOTALS[plpgsql]//|/ | }"
    echo
    echo "cross-check: the same 50,000 events through both implementations in one database:"
    echo "$CROSS"
    echo
    echo "single-row database at the end: $ROWS_TPS"
    echo
    echo "rule cache, 1,000 event rules (10 groups, 40 event types): $CACHE_1000_BYTES bytes"
    echo "$CACHE_1000"
    echo
    echo "rule cache, benchmark model b (12 event rules):"
    echo "$CACHE_B"
    echo
    echo "EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'b' LIMIT 20  (20,000+ contacts)"
    echo "$EXPLAIN"
    echo
    echo "the same with ANALYZE:"
    echo "$EXPLAIN_ANALYZE"
}
report | tee "$RESULTS/latest.txt"
