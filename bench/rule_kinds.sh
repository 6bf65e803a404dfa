#!/usr/bin/env bash
# What combination and absence rules cost live scoring (issue 16), on one throwaway
# server in one run: the same batch of events for new contacts scored under
#   rules        12 event rules (the bench model's kind of load)
#   +combination the same plus a webinar combination rule (3 facts, 4 tiers,
#                correlated by webinar_id) whose facts most events show
#   +absence     the same plus two absence rules (registered -> attended by the
#                webinar's ends_at, invited -> registered), anchors and expected
#                events among the batch
#   +fit         the event rules plus a predictive fit on them (trained on 2,000
#                earlier contacts): every event counts toward the live probability
# and the plain insert with no model, as the floor. Each variant runs 3 times,
# interleaved, in a fresh database; prints the median time and the ratios. The
# report is written to bench/results/rule_kinds.txt.
#
#   bash bench/rule_kinds.sh              # 50,000 events over 5,000 contacts
#   KINDS_EVENTS=100000 bash bench/rule_kinds.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
EVENTS=${KINDS_EVENTS:-50000}
CONTACTS=$((EVENTS / 10))
PORT=${BENCH_PORT:-5496}
DIR=${BENCH_DIR:-/tmp/bench_kinds_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
cleanup() { cluster_stop; rm -rf "$DIR"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 256MB" "max_wal_size = 4GB"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

setup_sql() {  # $1: variant
    echo "CREATE EXTENSION lead_scoring;"
    [ "$1" = plain ] && return
    cat <<'SQL'
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, properties_match)
SELECT 1, 'r' || i, (ARRAY['webinar', 'download', 'visit', 'email_open'])[1 + i % 4], 1 + i,
       CASE WHEN i % 3 = 0 THEN jsonb_build_object('action', (ARRAY['invited', 'registered', 'attended', 'question'])[1 + i % 4]) END
  FROM generate_series(1, 12) i;
SQL
    if [ "$1" = combination ] || [ "$1" = absence ]; then cat <<'SQL'
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by) VALUES (1, 'reactions', 'webinar_id');
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, properties_match) VALUES
    (1, 'attended', 'webinar', '{"action": "attended"}'), (1, 'asked', 'webinar', '{"action": "question"}'),
    (1, 'downloaded', 'download', NULL);
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points) VALUES
    (1, '{attended}', 10), (1, '{attended,asked}', 20), (1, '{attended,downloaded}', 20), (1, '{attended,asked,downloaded}', 35);
SQL
    fi
    if [ "$1" = fit ]; then cat <<'SQL'
UPDATE lead_scoring.models SET conversion_event_type = 'purchase';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT -i, (ARRAY['webinar', 'download', 'visit', 'email_open'])[1 + (i * 7 + k) % 4], timestamptz '2026-01-01' + k * interval '1 hour',
       jsonb_build_object('action', (ARRAY['invited', 'registered', 'attended', 'question'])[1 + (i + k) % 4])
  FROM generate_series(1, 2000) i, generate_series(1, 5) k;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT -i, 'purchase', timestamptz '2026-02-01' FROM generate_series(1, 2000) i WHERE i % 3 = 0;
SELECT count(*) FROM lead_scoring.train('m', '2026-02-15');
SQL
    fi
    if [ "$1" = absence ]; then cat <<'SQL'
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, anchor_match, expected_event_type,
                                        expected_match, correlate_by, deadline_property, points) VALUES
    (1, 'no show', 'webinar', '{"action": "registered"}', 'webinar', '{"action": "attended"}', 'webinar_id', 'ends_at', -20),
    (1, 'no registration', 'webinar', '{"action": "invited"}', 'webinar', '{"action": "registered"}', 'webinar_id', NULL, -30);
UPDATE lead_scoring.absence_rules SET deadline_after = '7 days' WHERE name = 'no registration';
SQL
    fi
}

# Events: per contact 10, mostly webinar reactions across 5 webinars, in time order.
events_sql="INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 1 + i % $CONTACTS, t.type, timestamptz '2026-03-01' + i * interval '1 second',
       jsonb_build_object('webinar_id', i % 5, 'action', t.action, 'ends_at', '2026-04-01T11:00:00Z')
  FROM generate_series(1, $EVENTS) i,
       LATERAL (SELECT (ARRAY['webinar', 'webinar', 'webinar', 'webinar', 'download', 'visit'])[1 + (i / $CONTACTS) % 6] AS type,
                       (ARRAY['invited', 'registered', 'attended', 'question', '', ''])[1 + (i / $CONTACTS) % 6] AS action) t"

declare -A TIMES
for rep in 1 2 3; do
    for v in plain rules combination absence fit; do
        db="b_${v}_$rep"
        psqlq -c "CREATE DATABASE $db"
        setup_sql "$v" | psqlq -d "$db"
        ms=$( { echo '\timing on'; echo "$events_sql;"; } | psql -X -q -d "$db" | awk '/^Time:/ {print $2}')
        echo "== rep $rep $v: $ms ms"
        TIMES[$v]+="$ms "
        psqlq -c "DROP DATABASE $db"
    done
done
median() { printf '%s\n' $1 | sort -g | sed -n 2p; }
p=$(median "${TIMES[plain]}"); r=$(median "${TIMES[rules]}"); c=$(median "${TIMES[combination]}"); a=$(median "${TIMES[absence]}")
f=$(median "${TIMES[fit]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
{
    echo "rule kinds benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "$EVENTS events for $CONTACTS new contacts in one INSERT ... SELECT, 3 runs each (median ms)"
    echo "  plain (no model):      ${TIMES[plain]} -> $p"
    echo "  event rules:           ${TIMES[rules]} -> $r  ($(ratio "$r" "$p") plain)"
    echo "  + combination rule:    ${TIMES[combination]} -> $c  ($(ratio "$c" "$r") the rules alone)"
    echo "  + two absence rules:   ${TIMES[absence]} -> $a  ($(ratio "$a" "$r") the rules alone)"
    echo "  event rules + a fit:   ${TIMES[fit]} -> $f  ($(ratio "$f" "$r") the rules alone)"
} | tee "$RESULTS/rule_kinds.txt"
