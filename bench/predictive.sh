#!/usr/bin/env bash
# Predictive scoring against its baselines in one run (issue 17), on a throwaway
# server: N contacts (default 100,000) with 10 activity events each, whose
# conversion depends on a few event kinds and attributes; ~100 feature columns
# (60 event counts: 30 event types x 2 variants, an industry with 30 levels, 5
# numbers, 5 flags). Prints
#   - train() against evaluate() on the same data and as_of (time ratio);
#   - out-of-time AUC: fitted at T1 = 2026-04-01 on the labels known then, judged on
#     the contacts not converted by T1 (label: converted by T2 = 2026-06-01), for
#     lead_scoring's fit, the rule score, and scikit-learn's LogisticRegression on
#     the same features and split (Debian's python3-sklearn, C = 1 / l2).
# The report is written to bench/results/predictive.txt.
#
#   bash bench/predictive.sh               # 100,000 contacts
#   PRED_CONTACTS=20000 bash bench/predictive.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
N=${PRED_CONTACTS:-100000}
PORT=${BENCH_PORT:-5495}
DIR=${BENCH_DIR:-/tmp/bench_predictive_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install
if ! python3 -c 'import sklearn' 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn >/dev/null
    else echo "python3-sklearn is needed (apt-get install python3-sklearn)" >&2; exit 1; fi
fi
PY=/usr/bin/python3

source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
cleanup() { cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 512MB" "max_wal_size = 8GB" \
    "work_mem = 64MB"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psqlq -c "CREATE DATABASE bench"
echo "== generating $N contacts, $((N * 10)) events"
psqlq -d bench -v N="$N" -f "$here/predictive_data.sql"
# (as the data of a database in use would be: vacuumed, its hint bits set)
psqlq -d bench -c "VACUUM ANALYZE"

echo "== evaluate vs train at T1, 3 runs each, interleaved"
declare -a EV TR WR PH
for rep in 1 2 3; do
    # (each train rewrites every score row: the dead versions of the run before are
    # vacuumed first, as autovacuum would between two trains, so that no run reads
    # through the last one's)
    psqlq -d bench -c "VACUUM lead_scoring.contact_scores"
    e=$( { echo '\timing on'; echo "SELECT auc FROM lead_scoring.evaluate('m', '2026-04-01');"; } | psql -X -q -d bench | awk '/^Time:/ {print $2}')
    # (client_min_messages = debug1: train reports how long each of its phases took)
    out=$( { echo '\timing on'; echo 'SET client_min_messages = debug1;';
             echo "SELECT count(*) FROM lead_scoring.train('m', '2026-04-01');"; } | psql -X -q -d bench 2>&1)
    t=$(echo "$out" | awk '/^Time:/ {v = $2} END {print v}')
    PH+=("$(echo "$out" | sed -n 's/.*train of model "m": //p')")
    # The floor of the refresh: the same rows' UPDATE written by hand (state and a new
    # probability, so that no update is HOT, as none of train's is), in statements of
    # 1,000 contacts as train writes them, rolled back.
    psqlq -d bench -c "VACUUM lead_scoring.contact_scores"
    w=$( { echo 'BEGIN;'; echo "SELECT clock_timestamp() AS t0 \\gset"; cat <<'SQL'
DO $$ DECLARE lo int8; hi int8; BEGIN
  SELECT min(contact_id), max(contact_id) INTO lo, hi FROM lead_scoring.contact_scores WHERE model = 'm';
  WHILE lo <= hi LOOP
    UPDATE lead_scoring.contact_scores SET state = state, conversion_probability = coalesce(conversion_probability, 0.5) * 0.99
     WHERE model = 'm' AND contact_id >= lo AND contact_id < lo + 1000;
    lo := lo + 1000;
  END LOOP; END $$;
SQL
             echo "SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);"; echo 'ROLLBACK;'; } |
         psql -X -q -At -d bench)
    echo "== rep $rep: evaluate $e ms, train $t ms (${PH[-1]}), the refresh's UPDATE by hand $w ms"
    EV+=("$e"); TR+=("$t"); WR+=("$w")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
e=$(median "${EV[@]}"); t=$(median "${TR[@]}"); w=$(median "${WR[@]}")
# The fit's own time (Newton iterations), median over the runs, from the phases.
f=$(median $(printf '%s\n' "${PH[@]}" | sed -n 's/.*fitted \([0-9]*\) ms.*/\1/p'))

# The split, and the same features for scikit-learn.
psqlq -d bench -At -F, -c "
SELECT c.contact_id,
       coalesce(p.occurred_at <= '2026-04-01', false)::int, coalesce(p.occurred_at <= '2026-06-01', false)::int,
       s.conversion_probability, s.score,
       c.attributes->>'industry', c.attributes->>'n1', c.attributes->>'n2', c.attributes->>'n3', c.attributes->>'n4',
       c.attributes->>'n5', (c.attributes->'flags'->>'f1')::bool::int, (c.attributes->'flags'->>'f2')::bool::int,
       (c.attributes->'flags'->>'f3')::bool::int, (c.attributes->'flags'->>'f4')::bool::int,
       (c.attributes->'flags'->>'f5')::bool::int,
       (SELECT string_agg(coalesce(k.n, 0)::text, ' ' ORDER BY g.t, g.v)
          FROM (SELECT t, v FROM generate_series(1, 30) t, unnest(ARRAY['a', 'b']) v) g
          LEFT JOIN (SELECT event_type, properties->>'v' AS v, count(*) AS n FROM lead_scoring.events e
                      WHERE e.contact_id = c.contact_id AND e.event_type <> 'purchase' GROUP BY 1, 2) k
            ON k.event_type = 'e' || g.t AND k.v = g.v)
  FROM lead_scoring.contacts c
  JOIN lead_scoring.scores s ON s.contact_id = c.contact_id AND s.model = 'm'
  LEFT JOIN (SELECT contact_id, min(occurred_at) AS occurred_at FROM lead_scoring.events
              WHERE event_type = 'purchase' GROUP BY 1) p ON p.contact_id = c.contact_id
 ORDER BY c.contact_id" > "$work/rows.csv"
read -r fit_auc rules_auc train_auc iters < <(psqlq -d bench -At -F' ' -c "SELECT auc, rules_auc, auc, iterations FROM lead_scoring.predictive_fits")
"$PY" "$here/predictive_sklearn.py" "$work/rows.csv" > "$work/sk.txt"
cat "$work/sk.txt"
{
    echo "predictive benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "$N contacts, $((N * 10)) activity events, $(psql -X -At -d bench -c "SELECT count(*) FROM lead_scoring.predictive_terms") regression columns, $iters Newton iterations"
    echo "  evaluate('m', T1): ${EV[*]} ms (median $e)"
    echo "  train('m', T1):    ${TR[*]} ms (median $t)"
    echo "  train / evaluate:  $(awk -v a="$t" -v b="$e" 'BEGIN {printf "%.2fx", a / b}') (target <= 2x)"
    echo "  train's phases (debug1), each run:"
    printf '    %s\n' "${PH[@]}"
    echo "  the floor: what train must do besides what evaluate does, measured alone"
    echo "    the refresh's UPDATE of every score row by hand: ${WR[*]} ms (median $w)"
    echo "    the fit (Newton iterations, from the phases): median $f ms"
    echo "    (evaluate + fit + that UPDATE) / evaluate: $(awk -v e="$e" -v f="$f" -v w="$w" 'BEGIN {printf "%.2fx", (e + f + w) / e}'),"
    echo "    before a single feature is extracted or encoded"
    echo "  in-sample AUC at T1: fit $(printf '%.4f' "$fit_auc"), rules $(printf '%.4f' "$rules_auc")"
    cat "$work/sk.txt"
} | tee "$RESULTS/predictive.txt"
