#!/usr/bin/env bash
# Contacts: what creating and changing contacts costs, on one throwaway server in one
# run (issues 14 and 20). Each figure is the median of three runs, each in a new
# database (one model: an event rule and two attribute rules):
#   - 50,000 events for 50,000 new contacts in one INSERT ... SELECT, and for 25,000
#     new and 25,000 known ones (issue 20: new contacts in one pass);
#   - importing 100,000 contacts with attributes in one INSERT ... SELECT (issue 14:
#     each gets its first attribute history row);
#   - one attribute change of a random contact, pgbench, one client, 8 s (issue 14).
#
#   bash bench/contacts.sh
# The report is written to bench/results/contacts.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PORT=${BENCH_PORT:-5494}
DIR=${BENCH_DIR:-/tmp/bench_contacts_$$}
RESULTS=$here/results
mkdir -p "$RESULTS"
[ -f "$(pg_config --pkglibdir)/lead_scoring.so" ] || make -C "$root" install

source "$root/scripts/pg_cluster.sh"
work=$(mktemp -d)
cleanup() { cluster_stop; rm -rf "$DIR" "$work"; }
trap cleanup EXIT
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'lead_scoring'" "shared_buffers = 256MB" "max_wal_size = 4GB" \
    "lead_scoring.maintenance = off"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' psqlq -d postgres -c "DROP DATABASE IF EXISTS c" -c "CREATE DATABASE c"
    psqlq -d c <<'SQL'
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 2 FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points) SELECT model_id, 'big', '$.employees > 500', 10 FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points) SELECT model_id, 'cto', '$.title == "cto"', 15 FROM lead_scoring.models;
SQL
}
timed() { psql -X -At -d c -c "CHECKPOINT" -c "\\timing on" -c "$1" | awk '/^Time:/ {print $2}'; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
declare -a ALL HALF IMPORT CHANGE
for rep in 1 2 3; do
    fresh_db
    ALL+=("$(timed "INSERT INTO lead_scoring.events (contact_id, event_type) SELECT g, 'visit' FROM generate_series(1, 50000) g")")
    fresh_db
    psqlq -d c -c "INSERT INTO lead_scoring.contacts (contact_id) SELECT g * 2 FROM generate_series(1, 25000) g"
    HALF+=("$(timed "INSERT INTO lead_scoring.events (contact_id, event_type) SELECT g, 'visit' FROM generate_series(1, 50000) g")")
    fresh_db
    IMPORT+=("$(timed "INSERT INTO lead_scoring.contacts (contact_id, attributes)
        SELECT g, jsonb_build_object('employees', g % 1000, 'title', CASE WHEN g % 7 = 0 THEN 'cto' ELSE 'manager' END,
                                     'region', 'emea') FROM generate_series(1, 100000) g")")
    printf '%s\n%s\n' '\set c random(1, 100000)' \
        "UPDATE lead_scoring.contacts SET attributes = jsonb_build_object('employees', random() * 1000, 'title', 'cto') WHERE contact_id = :c;" \
        > "$work/change.sql"
    CHANGE+=("$(pgbench -n -M prepared -c 1 -T 8 -f "$work/change.sql" c 2>&1 | awk '/latency average/ {print $4}')")
    echo "== rep $rep: all new ${ALL[-1]} ms, half new ${HALF[-1]} ms, import ${IMPORT[-1]} ms, one change ${CHANGE[-1]} ms"
done
{
    echo "contacts benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "  50,000 events, 50,000 new contacts:        ${ALL[*]} ms (median $(median "${ALL[@]}"))"
    echo "  50,000 events, 25,000 new + 25,000 known:  ${HALF[*]} ms (median $(median "${HALF[@]}"))"
    echo "  import of 100,000 contacts with attributes: ${IMPORT[*]} ms (median $(median "${IMPORT[@]}"))"
    echo "  one attribute change (pgbench latency):     ${CHANGE[*]} ms (median $(median "${CHANGE[@]}"))"
} | tee "$RESULTS/contacts.txt"
