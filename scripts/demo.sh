#!/usr/bin/env bash
# The demo: installs what it needs, builds and installs the extension, starts a
# throwaway cluster, loads the spec's worked example ("sauna"), replays Andrzej's
# story and shows the leaderboard, bands, the alert and explain. Run as root on
# Debian 12 (or as a user with the packages installed and sudo for make install).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "== building and installing lead_scoring"
make -s -j2 >/dev/null
if [ "$(id -u)" -eq 0 ]; then make -s install >/dev/null; else sudo make -s install >/dev/null; fi

source scripts/pg_cluster.sh
trap cluster_stop EXIT
cluster_start "${TMPDIR:-/tmp}/lead_scoring_demo_$$" 54330
psql() { command psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

echo "== CREATE EXTENSION lead_scoring; the sauna model (rules, attribute rule, threshold, bands)"
psql -c "CREATE EXTENSION lead_scoring"
psql -f examples/sauna_model.sql
psql -c "SELECT r.name AS rule, r.event_type, r.properties_match, r.points
           FROM lead_scoring.event_rules r ORDER BY r.rule_id"

echo "== Andrzej's story, event by event"
psql -P footer=off -f examples/sauna_story.sql

echo "== a few more contacts, so that the leaderboard and bands have something to rank"
psql <<'SQL'
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES
  (2, '{"name": "Beata", "is_business": true}'), (3, '{"name": "Cezary"}'), (4, '{"name": "Dorota"}');
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES
  (2, 'page_visit', '{}'), (2, 'webinar_attended', '{}'), (2, 'email_open', '{}'),
  (3, 'page_visit', '{"campaign": "nurture"}'), (3, 'email_open', '{}'),
  (4, 'page_visit', '{}'), (4, 'form_submit', '{"download": true}'), (4, 'webinar_attended', '{}');
SQL

echo "== leaderboard: SELECT * FROM lead_scoring.leaderboard WHERE model = 'sauna' LIMIT 20"
psql -c "SELECT rank, contact_id, score, fit_score, behavior_score, band, qualified
           FROM lead_scoring.leaderboard WHERE model = 'sauna' LIMIT 20"

echo "== bands: SELECT * FROM lead_scoring.band_summary WHERE model = 'sauna'"
psql -c "SELECT * FROM lead_scoring.band_summary WHERE model = 'sauna'"

echo "== the alert: a contact with >= 70 points visited the pricing page"
psql -c "SELECT a.alert_id, t.name AS threshold, a.contact_id, a.score, e.properties->>'url' AS url, a.event_id
           FROM lead_scoring.alerts a JOIN lead_scoring.thresholds t USING (threshold_id)
           LEFT JOIN lead_scoring.events e USING (event_id)"

echo "== explain: SELECT * FROM lead_scoring.explain('sauna', 1)"
psql -c "SELECT * FROM lead_scoring.explain('sauna', 1)"
psql -c "SELECT sum(points) AS explained_total FROM lead_scoring.explain('sauna', 1)"

echo "== the leaderboard reads an index, not a sort of every contact"
psql -c "EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'sauna' LIMIT 20"

echo "== reviewing the model: does the score rank the contacts who sign first? (evaluate, band_report)"
psql -c "SELECT * FROM lead_scoring.evaluate('sauna')"
psql -c "SELECT * FROM lead_scoring.band_report('sauna')"

echo "== a rule change, then recompute: webinars are now worth 10 instead of 20"
psql -c "UPDATE lead_scoring.event_rules SET points = 10 WHERE event_type = 'webinar_attended'" \
     -c "SELECT lead_scoring.recompute('sauna') AS contacts_rebuilt" \
     -c "SELECT contact_id, score, band FROM lead_scoring.scores WHERE model = 'sauna' ORDER BY score DESC, contact_id"

echo "== predictive scoring: train, compare with the rules, explain, suggest points (examples/predictive_walkthrough.sql)"
psql -f examples/predictive_walkthrough.sql

echo "== the alert goes out through lead_scoring_relay (here to stdout; --exec 'curl ...' posts it to a webhook)"
"$(pg_config --bindir)/lead_scoring_relay" -d "host=$PGHOST port=$PGPORT dbname=postgres" --once --exec 'cat; echo'
psql -c "SELECT alert_id, delivered_at IS NOT NULL AS delivered, delivery_attempts FROM lead_scoring.alerts"
