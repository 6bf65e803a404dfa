#!/usr/bin/env bash
# lead_scoring maintenance benchmark: decay of MAINT_CONTACTS contacts by run_maintenance
# (one transaction), by the worker's one-batch-per-transaction loop, and by one
# hand-written SQL UPDATE doing the same arithmetic; the longest row lock a batch
# holds; how long a live insert waits while maintenance runs.
#
#   bash bench/maintenance.sh                              # defaults: 1,000,000 contacts, 3 runs each
#   MAINT_CONTACTS=300000 MAINT_REPS=1 bash bench/maintenance.sh
#
# Environment: MAINT_CONTACTS (contacts, one score row each, default 1000000),
# MAINT_REPS (runs per variant, default 3), MAINT_BATCH_SIZES (lead_scoring.batch_size
# values for run_maintenance, default "1000 10000"), MAINT_LIVE_PAUSE_MS (pause between
# two live inserts, default 20), MAINT_PORT (default 5498), MAINT_DIR (cluster
# directory, default /tmp/bench_maintenance_<pid>).
# The report is printed and written to bench/results/maintenance.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
N=${MAINT_CONTACTS:-1000000}
REPS=${MAINT_REPS:-3}
read -r -a A_SIZES <<<"${MAINT_BATCH_SIZES:-1000 10000}"
PAUSE_MS=${MAINT_LIVE_PAUSE_MS:-20}
PORT=${MAINT_PORT:-5498}
DIR=${MAINT_DIR:-/tmp/bench_maintenance_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
AS_OF='2026-03-01 00:00:00+00'
WORKER_BATCH=1000   # the worker's batch (lead_scoring.batch_size's default)

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
    [ -f "$DIR/server.log" ] && cp "$DIR/server.log" "$RESULTS/maintenance_server.log"
    rm -rf "$DIR"
}
trap cleanup EXIT

# The background worker is switched off: every batch measured here is one this script
# runs. autovacuum is off so that no vacuum starts in the middle of a timed run (the
# template is VACUUM ANALYZEd once, and every run starts from a copy of it). shared_buffers
# holds the whole database (about 1.8 GB at 1M contacts), read in before every run.
# Durability stays at its defaults; a CHECKPOINT precedes every timed run.
SETTINGS=(
    "shared_preload_libraries = 'lead_scoring'"
    "lead_scoring.maintenance = off"
    "shared_buffers = 2GB"
    "max_wal_size = 8GB"
    "checkpoint_timeout = 30min"
    "autovacuum = off"
    "timezone = 'UTC'"
)
log() { echo "== $*" >&2; }

log "starting a throwaway cluster in $DIR on port $PORT"
cluster_start "$DIR" "$PORT" "${SETTINGS[@]}"
chmod 755 "$DIR"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
val() { psql -X -q -At -v ON_ERROR_STOP=1 -v as_of="$AS_OF" "$@"; }

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
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
fmt() { printf "%'d" "$1"; }

START=$(date +%s)

###########################################################################
# Template: model m, N contacts with one visit each (Jan 1 .. Jan 21 2026, scattered
# over the contacts so that maintenance order is not heap order), the baseline's tables.
log "building the template database: $N contacts"
psqlq -d postgres -c "CREATE DATABASE maint_template"
create_extension maint_template
psqlq -d maint_template -c "CREATE EXTENSION pg_prewarm"
psqlq -d maint_template -f "$here/maintenance_setup.sql" >/dev/null
SERVER_VERSION=$(val -d postgres -c "SHOW server_version")

# One visit per contact, occurred_at = Jan 1 + a permutation of the contacts times
# 1.728 s (20 days over 1M contacts).
events_sql() {
    echo "INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
          SELECT g, 'visit', timestamptz '2026-01-01 00:00+00' + ((g * 7919) % 1000000) * interval '1.728 seconds'
            FROM generate_series($1::bigint, $2::bigint) g"
}
# A session plans its score-row lookups once (generic plans): when that happens while
# contact_scores is empty and never analyzed, the plan is a sequential scan with the
# contact array as a filter, which is quadratic in a bulk insert of new contacts (see
# bench/README.md). So: a first small chunk, ANALYZE, then the rest in new sessions,
# one per core.
T_LOAD=$(date +%s.%N)
SEED=$(( N < 10000 ? N : 10000 ))
val -d maint_template -c "$(events_sql 1 "$SEED")" -c "ANALYZE lead_scoring.contact_scores; ANALYZE lead_scoring.contacts" >/dev/null
if [ "$N" -gt "$SEED" ]; then
    MID=$(( SEED + (N - SEED) / 2 ))
    val -d maint_template -c "$(events_sql $((SEED + 1)) "$MID")" >/dev/null &
    p1=$!
    val -d maint_template -c "$(events_sql $((MID + 1)) "$N")" >/dev/null &
    p2=$!
    wait "$p1"
    wait "$p2"
fi
LOAD_S=$(awk -v a="$T_LOAD" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
psqlq -d maint_template -f "$here/maintenance_plain.sql" >/dev/null
psqlq -d maint_template -c "VACUUM ANALYZE" -c "CHECKPOINT"
TEMPLATE_INFO=$(val -d maint_template <<'SQL'
SELECT format('%s score rows, %s of them due at %s; steps due per contact: %s; template database %s (contact_scores %s)',
              count(*), count(*) FILTER (WHERE maintenance_due_at <= :'as_of'), :'as_of',
              (SELECT string_agg(k || ': ' || n, ', ' ORDER BY k) FROM (
                   SELECT floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM last_activity_at)
                                 - 30 * 86400) / (7 * 86400))::int + 1 AS k, count(*) AS n
                     FROM lead_scoring.contact_scores GROUP BY 1) x),
              pg_size_pretty(pg_database_size(current_database())),
              pg_size_pretty(pg_total_relation_size('lead_scoring.contact_scores')))
  FROM lead_scoring.contact_scores;
SQL
)
log "template: $TEMPLATE_INFO (loaded in $LOAD_S s)"
if [ "$(val -d maint_template <<<"SELECT bench.batch_continues()")" = t ]; then
    BATCH_API="maintenance_batch(as_of, batch_size, after_due, after_contact, after_model): each batch goes on after the last row of the one before (run_maintenance, the worker and (b) alike)"
else
    BATCH_API="maintenance_batch(as_of, batch_size): each batch starts from the first due row"
fi

# Fresh database copied from the template, with its relations read into shared buffers.
fresh_db() {
    local db=$1
    PGOPTIONS='-c client_min_messages=warning' psqlq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE maint_template STRATEGY FILE_COPY"
    val -d "$db" -c "SELECT count(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('lead_scoring', 'bench')" >/dev/null
}
drop_db() { psqlq -d postgres -c "DROP DATABASE $1"; }

# "sum(score) due_left decay_ledger_rows sum(decay_delta)" of lead_scoring after a run.
LS_TOTALS="SELECT (SELECT sum(score) FROM lead_scoring.contact_scores) || ' '
    || (SELECT count(*) FROM lead_scoring.contact_scores WHERE maintenance_due_at <= :'as_of') || ' '
    || (SELECT count(*) FROM lead_scoring.ledger WHERE kind = 'decay') || ' '
    || (SELECT coalesce(sum(delta), 0) FROM lead_scoring.ledger WHERE kind = 'decay')"
# "batches max p99 median" (ms) of bench.batch_times.
BATCH_STATS="SELECT count(*) || ' ' || max(ms) || ' ' || percentile_disc(0.99) WITHIN GROUP (ORDER BY ms)
    || ' ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) FROM bench.batch_times"
INSERT_STATS="SELECT count(*) || ' ' || coalesce(max(ms), 0) || ' ' || coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY ms), 0)
    || ' ' || coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY ms), 0) FROM bench.insert_times"

###########################################################################
# Timed runs, each in a fresh copy of the template, variants interleaved.
declare -A A_MS A_TOT
B_MS='' B_MAX='' B_P99='' B_MED='' B_N='' B_TOT=''
D_MS='' D_BMAX='' D_BP99='' D_IN='' D_IMAX='' D_IP99='' D_IMED='' D_TOT=''
C_MS='' C_ROWS='' C_TOT='' CL_MS='' CL_ROWS='' CL_TOT=''
for rep in $(seq 1 "$REPS"); do
    # (a) run_maintenance(as_of): every batch in one transaction (the call's).
    for bs in "${A_SIZES[@]}"; do
        db=maint_a
        fresh_db "$db"
        out=$(val -d "$db" <<SQL
SET client_min_messages = warning;
SET lead_scoring.batch_size = $bs;
CHECKPOINT;
SELECT clock_timestamp() AS t0 \gset
SELECT lead_scoring.run_maintenance(:'as_of') AS changed \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1) || ' ' || :changed;
SQL
)
        read -r ms changed <<<"$out"
        A_MS[$bs]="${A_MS[$bs]:-} $ms"
        A_TOT[$bs]="${A_TOT[$bs]:-}$(val -d "$db" <<<"$LS_TOTALS") changed=$changed|"
        log "rep $rep (a) run_maintenance, batch_size $bs: $ms ms, $changed balances changed"
        if [ "$rep" = "$REPS" ] && [ "$bs" = "${A_SIZES[0]}" ]; then
            # Cross-check (untimed): the baseline in this same database, then both compared
            # contact by contact (scores, balances, steps) and ledger row by ledger row.
            val -d "$db" -v with_ledger=false -f "$here/maintenance_update.sql" >/dev/null
            val -d "$db" -v with_ledger=true -f "$here/maintenance_update.sql" >/dev/null
            CROSS=$(psqlq -d "$db" -v as_of="$AS_OF" <<'SQL'
\pset footer off
SELECT count(*) AS contacts,
       count(*) FILTER (WHERE s.score IS DISTINCT FROM p.score) AS score_differs,
       count(*) FILTER (WHERE s.behavior_score IS DISTINCT FROM p.balance) AS balance_differs,
       count(*) FILTER (WHERE (SELECT u.decay_steps FROM lead_scoring.state_groups(s.state) u LIMIT 1) IS DISTINCT FROM p.decay_steps::bigint) AS steps_differ,
       count(*) FILTER (WHERE s.score IS DISTINCT FROM l.score OR (SELECT u.decay_steps FROM lead_scoring.state_groups(s.state) u LIMIT 1) IS DISTINCT FROM l.decay_steps::bigint)
           AS with_ledger_differs,
       sum(s.score) AS lead_scoring_sum, sum(p.score) AS update_sum, sum(l.score) AS update_ledger_sum
  FROM lead_scoring.contact_scores s
  FULL JOIN bench.plain_scores p USING (contact_id)
  FULL JOIN bench.plain_scores_l l USING (contact_id);
SELECT (SELECT count(*) FROM lead_scoring.ledger WHERE kind = 'decay') AS lead_scoring_decay_rows,
       (SELECT count(*) FROM bench.plain_ledger) AS update_ledger_rows,
       (SELECT count(*) FROM (SELECT contact_id, delta, occurred_at, reason FROM lead_scoring.ledger WHERE kind = 'decay'
                              EXCEPT ALL SELECT contact_id, delta, occurred_at, reason FROM bench.plain_ledger) x)
        + (SELECT count(*) FROM (SELECT contact_id, delta, occurred_at, reason FROM bench.plain_ledger
                              EXCEPT ALL SELECT contact_id, delta, occurred_at, reason FROM lead_scoring.ledger WHERE kind = 'decay') y)
           AS ledger_rows_differ;
SELECT score, count(*) AS contacts FROM lead_scoring.contact_scores GROUP BY score ORDER BY score;
SQL
)
        fi
        drop_db "$db"
    done

    # (b) the worker's way: maintenance_batch(as_of, 1000), one transaction each.
    db=maint_b
    fresh_db "$db"
    ms=$(val -d "$db" <<SQL
SET client_min_messages = warning;
CHECKPOINT;
SELECT clock_timestamp() AS t0 \gset
CALL bench.run_batches(:'as_of', $WORKER_BATCH);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);
SQL
)
    read -r n mx p99 med <<<"$(val -d "$db" <<<"$BATCH_STATS")"
    B_MS="$B_MS $ms"; B_MAX="$B_MAX $mx"; B_P99="$B_P99 $p99"; B_MED="$B_MED $med"; B_N="$B_N $n"
    B_TOT="$B_TOT$(val -d "$db" <<<"$LS_TOTALS")|"
    [ "$rep" = "$REPS" ] && B_PROFILE=$(val -d "$db" <<'SQL'
SELECT format('batches %s-%s: median %s ms, max %s ms', min(batch), max(batch),
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ms), max(ms))
  FROM (SELECT *, ntile(5) OVER (ORDER BY batch) AS part FROM bench.batch_times) x
 GROUP BY part ORDER BY part;
SQL
)
    log "rep $rep (b) maintenance_batch per transaction: $ms ms, $n batches, batch max $mx ms, p99 $p99 ms, median $med ms"
    drop_db "$db"

    # (d) = (b) with a live application inserting one event per transaction meanwhile.
    db=maint_d
    fresh_db "$db"
    psqlq -d "$db" -c "CHECKPOINT"
    val -d "$db" >"$DIR/d_batches.out" <<SQL &
SET client_min_messages = warning;
SELECT clock_timestamp() AS t0 \gset
CALL bench.run_batches(:'as_of', $WORKER_BATCH);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);
SQL
    pb=$!
    sleep 0.5
    val -d "$db" <<<"CALL bench.live_inserts(:'as_of', $PAUSE_MS, 1000000)" >/dev/null &
    pi=$!
    wait "$pb"
    wait "$pi"
    ms=$(tail -1 "$DIR/d_batches.out")
    read -r n mx p99 med <<<"$(val -d "$db" <<<"$BATCH_STATS")"
    read -r ni imx ip99 imed <<<"$(val -d "$db" <<<"$INSERT_STATS")"
    D_MS="$D_MS $ms"; D_BMAX="$D_BMAX $mx"; D_BP99="$D_BP99 $p99"
    D_IN="$D_IN $ni"; D_IMAX="$D_IMAX $imx"; D_IP99="$D_IP99 $ip99"; D_IMED="$D_IMED $imed"
    D_TOT="$D_TOT$(val -d "$db" <<<"$LS_TOTALS") inserts=$ni|"
    log "rep $rep (d) batches with live inserts: $ms ms, batch max $mx ms; $ni inserts, max $imx ms, p99 $ip99 ms, median $imed ms"
    drop_db "$db"

    # (c) the hand-written UPDATE; (c+ledger) the same writing a ledger. Separate tables,
    # one database (neither touches lead_scoring's tables).
    db=maint_c
    fresh_db "$db"
    for wl in false true; do
        out=$(val -d "$db" <<SQL
SET client_min_messages = warning;
CHECKPOINT;
SELECT clock_timestamp() AS t0 \gset
\set with_ledger $wl
\i $here/maintenance_update.sql
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1) || ' ' || :ROW_COUNT;
SQL
)
        read -r ms rows <<<"$out"
        if [ "$wl" = false ]; then
            C_MS="$C_MS $ms"; C_ROWS="$C_ROWS $rows"
            C_TOT="$C_TOT$(val -d "$db" <<<"SELECT sum(score) FROM bench.plain_scores") rows=$rows|"
            log "rep $rep (c) one UPDATE: $ms ms, $rows rows"
        else
            CL_MS="$CL_MS $ms"; CL_ROWS="$CL_ROWS $rows"
            CL_TOT="$CL_TOT$(val -d "$db" <<<"SELECT (SELECT sum(score) FROM bench.plain_scores_l) || ' ' || (SELECT count(*) FROM bench.plain_ledger) || ' ' || (SELECT sum(delta) FROM bench.plain_ledger)") rows=$rows|"
            log "rep $rep (c+ledger) UPDATE + ledger rows: $ms ms, $rows ledger rows"
        fi
    done
    if [ "$rep" = "$REPS" ]; then
        # Untimed, on this database's untouched lead_scoring tables:
        # 1. events alone, no maintenance running (the live inserts' own cost);
        log "diagnostics"
        val -d "$db" <<<"CALL bench.live_inserts(:'as_of', 0, 200)" >/dev/null
        read -r ui uimx uip99 uimed <<<"$(val -d "$db" <<<"$INSERT_STATS")"
        # 2. the row query's plan, K batches in one transaction and K committed (maintenance_diag.sql).
        K=$(( N / WORKER_BATCH / 5 )); [ "$K" -gt 200 ] && K=200; [ "$K" -lt 2 ] && K=2
        DIAG=$(psqlq -d "$db" -v as_of="$AS_OF" -v batch="$WORKER_BATCH" -v k="$K" -f "$here/maintenance_diag.sql")
    fi
    drop_db "$db"
done

###########################################################################
ELAPSED=$(( $(date +%s) - START ))
LOG_ERRORS=$(grep -cE '(ERROR|FATAL|PANIC):' "$DIR/server.log" || true)
declare -A AMED
for bs in "${A_SIZES[@]}"; do AMED[$bs]=$(echo "${A_MS[$bs]}" | median); done
BMED=$(echo "$B_MS" | median); BMAXMAX=$(echo "$B_MAX" | maximum); BP99MED=$(echo "$B_P99" | median)
CMED=$(echo "$C_MS" | median); CLMED=$(echo "$CL_MS" | median)
DMED=$(echo "$D_MS" | median); DBMAX=$(echo "$D_BMAX" | maximum); DIMAX=$(echo "$D_IMAX" | maximum)
DIP99=$(echo "$D_IP99" | median); DIMED=$(echo "$D_IMED" | median)

# Sanity: every variant must end with the same sum of scores (live inserts add 40 each).
sum_of() { tr '|' '\n' | grep -v '^$' | awk '{print $1}' | sort -u | tr '\n' ' '; }
SUMS_A=$(for bs in "${A_SIZES[@]}"; do echo "${A_TOT[$bs]}"; done | sum_of)
SUMS_B=$(echo "$B_TOT" | sum_of)
SUMS_C=$(echo "$C_TOT" | sum_of)
SUMS_CL=$(echo "$CL_TOT" | sum_of)
SUMS_D=$(echo "$D_TOT" | tr '|' '\n' | grep -v '^$' | awk '{n = $5; sub("inserts=", "", n); print $1 - 40 * n}' | sort -u | tr '\n' ' ')
ALL_SUMS=$(echo "$SUMS_A $SUMS_B $SUMS_C $SUMS_CL $SUMS_D" | tr ' ' '\n' | grep -v '^$' | awk '{printf "%.4f\n", $1}' | sort -u | wc -l)

report() {
    local rev bs
    rev=$GIT_AT_START
    git -C "$root" diff --quiet HEAD -- src sql 2>/dev/null || rev="$rev (the working tree had uncommitted changes in src/ or sql/ at the end)"
    echo "lead_scoring maintenance benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "git $rev at start; installed lead_scoring.so $SO_AT_START; PostgreSQL $SERVER_VERSION; $(nproc) cores"
    [ "$(so_id)" = "$SO_AT_START" ] || echo "WARNING: lead_scoring.so was reinstalled during the run (now $(so_id)); rerun"
    echo "server: ${SETTINGS[*]}; everything else default (fsync, synchronous_commit on)"
    echo "data: model m, group default decaying 10 points every 7 days after 30 days, rule visit = 40 points;"
    echo "      $(fmt "$N") contacts, one visit each between Jan 1 and Jan 21 2026 (loaded in $LOAD_S s); as_of = $AS_OF"
    echo "      $TEMPLATE_INFO"
    echo "installed: $BATCH_API"
    echo "runs: $REPS per variant, each in a fresh copy of the template, prewarmed, CHECKPOINT first, variants interleaved;"
    echo "      server-side clock_timestamp(), commits included"
    echo "command: MAINT_CONTACTS=$N MAINT_REPS=$REPS MAINT_BATCH_SIZES=\"${A_SIZES[*]}\" MAINT_LIVE_PAUSE_MS=$PAUSE_MS bash bench/maintenance.sh"
    echo "total run time: $ELAPSED s; server log: $LOG_ERRORS ERROR/FATAL/PANIC lines (bench/results/maintenance_server.log)"
    echo
    echo "runs (in order), ms:"
    for bs in "${A_SIZES[@]}"; do
        printf '  %-44s %s\n' "(a) run_maintenance, batch_size $bs" "${A_MS[$bs]}"
    done
    printf '  %-44s %s   (batches:%s; max batch ms:%s; p99:%s; median:%s)\n' "(b) maintenance_batch($WORKER_BATCH) per transaction" "$B_MS" "$B_N" "$B_MAX" "$B_P99" "$B_MED"
    printf '  %-44s %s\n' "(c) one UPDATE" "$C_MS"
    printf '  %-44s %s\n' "(c+ledger) UPDATE + ledger INSERT, one stmt" "$CL_MS"
    printf '  %-44s %s   (max batch ms:%s; p99:%s)\n' "(d) = (b) with live inserts" "$D_MS" "$D_BMAX" "$D_BP99"
    printf '  %-44s %s   (max ms:%s; p99:%s; median:%s)\n' "    live inserts during (d), count" "$D_IN" "$D_IMAX" "$D_IP99" "$D_IMED"
    echo
    printf '%-46s %12s %14s\n' variant "ms (median)" "us per contact"
    for bs in "${A_SIZES[@]}"; do
        printf '%-46s %12s %14.2f\n' "(a) run_maintenance, batch_size $bs" "${AMED[$bs]}" "$(awk -v m="${AMED[$bs]}" -v n="$N" 'BEGIN {print m * 1000 / n}')"
    done
    printf '%-46s %12s %14.2f\n' "(b) maintenance_batch($WORKER_BATCH) per transaction" "$BMED" "$(awk -v m="$BMED" -v n="$N" 'BEGIN {print m * 1000 / n}')"
    printf '%-46s %12s %14.2f\n' "(c) one hand-written UPDATE" "$CMED" "$(awk -v m="$CMED" -v n="$N" 'BEGIN {print m * 1000 / n}')"
    printf '%-46s %12s %14.2f\n' "(c+ledger) the UPDATE writing a ledger too" "$CLMED" "$(awk -v m="$CLMED" -v n="$N" 'BEGIN {print m * 1000 / n}')"
    printf '%-46s %12s %14.2f\n' "(d) (b) with live inserts" "$DMED" "$(awk -v m="$DMED" -v n="$N" 'BEGIN {print m * 1000 / n}')"
    echo
    printf '%-52s %10s %10s %7s\n' "ratio / bound" measured target ""
    for bs in "${A_SIZES[@]}"; do
        awk -v a="${AMED[$bs]}" -v c="$CMED" -v bs="$bs" 'BEGIN { r = a / c;
            printf "%-52s %9.2fx %10s %7s\n", "(a) run_maintenance(" bs ") / (c) UPDATE", r, "<= 1.5x", (r <= 1.5 ? "ok" : "MISSED") }'
    done
    awk -v b="$BMED" -v c="$CMED" 'BEGIN { r = b / c;
        printf "%-52s %9.2fx %10s %7s\n", "(b) batch per transaction / (c) UPDATE", r, "<= 1.5x", (r <= 1.5 ? "ok" : "MISSED") }'
    awk -v m="$BMAXMAX" 'BEGIN {
        printf "%-52s %8.1f ms %10s %7s\n", "(b) longest batch = longest row lock, max of runs", m, "<= 1000 ms", (m <= 1000 ? "ok" : "MISSED") }'
    awk -v m="$DBMAX" 'BEGIN {
        printf "%-52s %8.1f ms %10s %7s\n", "(d) longest batch with live inserts, max of runs", m, "<= 1000 ms", (m <= 1000 ? "ok" : "MISSED") }'
    awk -v i="$DIMAX" -v b="$DBMAX" -v u="$uimx" 'BEGIN {
        printf "%-52s %8.1f ms %10s %7s\n", "(d) longest live insert, max of runs", i, "see below", (i <= b + u ? "ok" : "MISSED");
        printf "    bound: longest batch of (d) %.1f ms + longest insert without maintenance %.1f ms = %.1f ms\n", b, u, b + u }'
    echo
    echo "for comparison, not targets:"
    for bs in "${A_SIZES[@]}"; do
        awk -v a="${AMED[$bs]}" -v c="$CLMED" -v bs="$bs" 'BEGIN {
            printf "  (a) run_maintenance(%s) / (c+ledger): %.2fx\n", bs, a / c }'
    done
    awk -v b="$BMED" -v c="$CLMED" -v d="$DMED" 'BEGIN {
        printf "  (b) / (c+ledger): %.2fx; (d) / (b): %.2fx\n", b / c, d / b }'
    printf '  (a) holds every row it locks until its one transaction commits: its longest row lock is the whole call (%s ms at batch_size %s)\n' "${AMED[${A_SIZES[0]}]}" "${A_SIZES[0]}"
    printf '  live inserts during (d): median %s ms, p99 %s ms (median of runs); without maintenance: %s inserts, median %s ms, p99 %s ms, max %s ms\n' \
        "$DIMED" "$DIP99" "$ui" "$uimed" "$uip99" "$uimx"
    echo "  (b) per-batch times through the last run (fifths):"
    echo "$B_PROFILE" | sed 's/^/    /'
    echo
    echo "sanity, per run (sum(score) due_rows_left decay_ledger_rows sum(decay_delta)):"
    for bs in "${A_SIZES[@]}"; do echo "  (a) $bs: ${A_TOT[$bs]//|/ | }"; done
    echo "  (b): ${B_TOT//|/ | }"
    echo "  (d): ${D_TOT//|/ | }"
    echo "  (c) sum(score): ${C_TOT//|/ | }"
    echo "  (c+ledger) sum(score) ledger_rows sum(delta): ${CL_TOT//|/ | }"
    if [ "$ALL_SUMS" = 1 ]; then
        echo "sanity check: ok, every run ends with total score $SUMS_C(for (d): minus 40 per live insert)"
    else
        echo "sanity check: DIFFERENT totals: (a) $SUMS_A (b) $SUMS_B (c) $SUMS_C (c+ledger) $SUMS_CL (d, minus 40 per insert) $SUMS_D"
    fi
    echo
    echo "cross-check after the last (a) run: the baseline run in the same database, contact by contact:"
    echo "$CROSS"
    echo
    echo "diagnostics (untimed, last run's (c) database, whose lead_scoring tables are untouched):"
    echo "$DIAG"
}
report | tee "$RESULTS/maintenance.txt"
