# Scale-out on Citus (issue 19): a coordinator and two workers on this machine, the
# extension distributed by lead_scoring.distribute(), and the same rules and events
# given to a single node beside it. Live scoring runs in the triggers on the shards
# (src/pg/placement.hpp); every per-contact result must be what the single node
# gives: scores, group scores, the ledger, alerts, the attribute history, the window
# awards and band_summary.
#
# What this covers: distribute() of a database already in use, live scoring (single
# rows, multi-row batches for many contacts, COPY, new contacts with attributes,
# attribute updates), rule edits after distribute(), operations on one contact
# (adjust, reset, forget_contact, explain) and on every contact (recompute,
# run_maintenance), the reads above, leaderboard_top and contacts_in_band, evaluate
# and band_report, train and the live probability, a rebalance onto a new worker
# while events arrive, the alert relay, and DROP EXTENSION. The pg_regress suite
# runs against a coordinator in 008_citus_regress.pl.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;
use Time::HiRes qw(usleep);

my %conf = (citus => q{
shared_preload_libraries = 'citus,lead_scoring'
lead_scoring.maintenance = off
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_worker_processes = 16
max_connections = 60
}, single => q{
shared_preload_libraries = 'lead_scoring'
lead_scoring.maintenance = off
});

my $single = PostgreSQL::Test::Cluster->new('single');
$single->init;
$single->append_conf('postgresql.conf', $conf{single});
$single->start;
$single->safe_psql('postgres', 'CREATE EXTENSION lead_scoring');
my @citus;
for my $name (qw(coordinator worker1 worker2)) {
    my $node = PostgreSQL::Test::Cluster->new($name);
    $node->init;
    $node->append_conf('postgresql.conf', $conf{citus});
    # (the rebalancer's background job connects to its own node by this name)
    $node->append_conf('postgresql.conf', "citus.local_hostname = '" . $node->host . "'");
    $node->start;
    # The extension on every node, before the workers are added (SPEC: Scale-out).
    $node->safe_psql('postgres', 'CREATE EXTENSION citus; CREATE EXTENSION lead_scoring;');
    push @citus, $node;
}
my ($coordinator, @workers) = @citus;
$coordinator->safe_psql('postgres', sprintf(q{SELECT citus_set_coordinator_host('%s', %d)},
                                            $coordinator->host, $coordinator->port));
for my $w (@workers) {
    $coordinator->safe_psql('postgres', sprintf(q{SELECT citus_add_node('%s', %d)}, $w->host, $w->port));
}
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM citus_get_active_worker_nodes()'), '2',
   'a coordinator and two workers');

# The rules, on both: fit (attribute rules), event rules with property filters, a
# capped group with a window, thresholds and bands.
my $rules = q{
    INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('m', 'contract'), ('n', NULL);
    INSERT INTO lead_scoring.point_groups (model_id, name, max_points, window_size)
    SELECT model_id, 'recent', 12, '3650 days' FROM lead_scoring.models WHERE name = 'm';
    INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, points)
    SELECT m.model_id, CASE WHEN r.name = 'download' THEN g.group_id END, r.name, r.event_type, r.match::jsonb, r.points
      FROM lead_scoring.models m
      JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = 'recent',
           (VALUES ('visit', 'visit', NULL, 3), ('pricing', 'visit', '{"url": "/pricing"}', 5),
                   ('download', 'download', NULL, 7), ('contract', 'contract', NULL, 20)) AS r(name, event_type, match, points)
     WHERE m.name = 'm';
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'any visit', 'visit', 1 FROM lead_scoring.models WHERE name = 'n';
    INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
    SELECT model_id, 'business', '$.business == true', 10 FROM lead_scoring.models;
    INSERT INTO lead_scoring.thresholds (model_id, name, min_score)
    SELECT model_id, 'hot', 25 FROM lead_scoring.models;
    INSERT INTO lead_scoring.bands (model_id, name, min_score)
    SELECT m.model_id, b.name, b.min_score FROM lead_scoring.models m,
           (VALUES ('cold', 0), ('warm', 10), ('hot', 25)) AS b(name, min_score);
};
$single->safe_psql('postgres', $rules);
$coordinator->safe_psql('postgres', $rules);

# A database in use: contacts with attributes and their first events, before
# distribute() moves them into the shards as they are.
my @before = (
    q{INSERT INTO lead_scoring.contacts (contact_id, attributes)
      SELECT c, jsonb_build_object('business', c % 3 = 0) FROM generate_series(1, 60) c},
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
      SELECT c, 'visit', '2026-10-31 10:00+00'::timestamptz + c * interval '1 minute',
             CASE WHEN c % 4 = 0 THEN '{"url": "/pricing"}' ELSE '{}' END::jsonb
        FROM generate_series(1, 90) c},
);
for my $sql (@before) {
    $single->safe_psql('postgres', $sql);
    $coordinator->safe_psql('postgres', $sql);
}
my $moved_sql = q{SELECT (SELECT count(*) || ' ' || sum(score) FROM lead_scoring.scores) || ' / '
                      || (SELECT count(*) || ' ' || sum(delta) FROM lead_scoring.ledger) || ' / '
                      || (SELECT count(*) FROM lead_scoring.alerts) || ' / '
                      || (SELECT count(*) FROM lead_scoring.contact_attribute_history) || ' / '
                      || (SELECT string_agg(b::text, ' ' ORDER BY b::text) FROM lead_scoring.band_summary b)};
my $before_moving = $coordinator->safe_psql('postgres', $moved_sql);

# distribute() refuses what it cannot do, then distributes.
my ($rc, $out, $err) = $single->psql('postgres', 'SELECT lead_scoring.distribute()');
like($err, qr/Citus is not installed in this database/, 'distribute() needs Citus');
($rc, $out, $err) = $coordinator->psql('postgres', 'SELECT lead_scoring.distribute(0)');
like($err, qr/shard_count must be at least 1/, 'and a shard count');
$coordinator->safe_psql('postgres', 'SELECT lead_scoring.distribute(8)');
($rc, $out, $err) = $coordinator->psql('postgres', 'SELECT lead_scoring.distribute()');
like($err, qr/already distributed/, 'it runs once');
# What was there moved as it was: nothing scored again, band counts taken again in
# every shard; the coordinator's own copy of the rows is gone.
is($coordinator->safe_psql('postgres', $moved_sql), $before_moving, 'the rows already there moved into the shards as they were');
like($before_moving, qr{^180 \d+ / 180 }, 'there were scores and ledger rows to move (90 contacts in 2 models)');
is($coordinator->safe_psql('postgres', q{SELECT pg_relation_size('lead_scoring.events') + pg_relation_size('lead_scoring.ledger')
                                               + pg_relation_size('lead_scoring.contact_scores')}), '0',
   "the coordinator's own copy of them is truncated");

is($coordinator->safe_psql('postgres', q{
    SELECT string_agg(c.relname || ':' || p.partmethod::text, ' ' ORDER BY c.relname)
      FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
     WHERE c.relnamespace = 'lead_scoring'::regnamespace AND p.partmethod = 'h'}),
   join(' ', map { "$_:h" } sort qw(absence_deadlines alerts band_counts combination_sets contact_attribute_history
                                    contact_score_keys contact_scores contacts events ledger shards window_awards)),
   'every per-contact table is distributed');
is($coordinator->safe_psql('postgres', q{
    SELECT count(DISTINCT p.colocationid) FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
     WHERE c.relnamespace = 'lead_scoring'::regnamespace AND p.partmethod = 'h'}), '1', 'all co-located');
is($coordinator->safe_psql('postgres', q{
    SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'lead_scoring'::regnamespace AND c.relkind = 'r'
       AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)}), '0',
   'and every rule table a reference table');
is($coordinator->safe_psql('postgres', q{
    SELECT count(*) FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
      JOIN pg_dist_node n ON n.groupid = p.groupid
     WHERE s.logicalrelid = 'lead_scoring.contacts'::regclass AND n.noderole = 'primary' AND n.groupid > 0}), '8',
   'the contacts are in 8 shards on the workers');

# The same events on both, in the same order: times are explicit, ids are not
# compared (each node draws them from its own range on Citus).
my @loads = (
    # single rows
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
      VALUES (1, 'visit', '2026-11-01 10:00+00', '{"url": "/pricing"}')},
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (1, 'download', '2026-11-01 11:00+00')},
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (500, 'visit', '2026-11-01 12:00+00')},
    # a multi-row batch for many contacts, known and new, several events each
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
      SELECT 1 + (g * 7) % 120, (ARRAY['visit', 'visit', 'download', 'contract'])[1 + g % 4],
             '2026-11-02 00:00+00'::timestamptz + g * interval '1 minute',
             CASE WHEN g % 5 = 0 THEN '{"url": "/pricing"}' ELSE '{}' END::jsonb
        FROM generate_series(1, 400) g},
    # the CRM updates attributes of many contacts in one statement (fit again)
    q{UPDATE lead_scoring.contacts SET attributes = jsonb_build_object('business', true)
       WHERE contact_id BETWEEN 10 AND 40},
);
for my $sql (@loads) {
    $single->safe_psql('postgres', $sql);
    $coordinator->safe_psql('postgres', $sql);
}
# COPY, through psql on both
my $copy_rows = join('', map { sprintf("%d\tvisit\t2026-11-03 %02d:%02d:00+00\t{}\n", 100 + $_ % 50, int($_ / 60), $_ % 60) }
                         (0 .. 299));
for my $node ($single, $coordinator) {
    my ($stdout, $stderr);
    IPC::Run::run([ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'), '-c',
                    'COPY lead_scoring.events (contact_id, event_type, occurred_at, properties) FROM STDIN' ],
                  '<', \$copy_rows, '>', \$stdout, '2>', \$stderr) or die "COPY: $stderr";
}
# Through a worker: a client connected to a worker (Citus syncs the metadata to
# every node) inserts events for contacts whose shards are on either worker, and for
# a new contact, single rows and one multi-shard statement; Citus routes each row to
# its shard, where it is scored as any other. (In the client's session scoring opens
# no subtransaction: Citus would send SAVEPOINT on the connections busy with the
# statement's COPY to the other worker; src/pg/subtransaction.cpp.)
my $through_worker = q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
    SELECT c, 'visit', '2026-11-04 00:00+00'::timestamptz + c * interval '1 second', '{"url": "/pricing"}'
      FROM unnest(ARRAY[2, 3, 5, 8, 13, 21, 34, 55, 89]) c;
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (144, 'visit', '2026-11-04 00:10+00');
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (9001, 'download', '2026-11-04 00:11+00')};
$single->safe_psql('postgres', $through_worker);
$workers[0]->safe_psql('postgres', $through_worker);
is($coordinator->safe_psql('postgres', q{SELECT count(DISTINCT s.nodeport) FROM unnest(ARRAY[2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 9001]) c,
    LATERAL (SELECT nodeport FROM pg_dist_shard_placement
              WHERE shardid = get_shard_id_for_distribution_column('lead_scoring.contacts', c)) s}), '2',
   'the events inserted through a worker went to shards on both workers');
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.events
    WHERE event_id BETWEEN (1::bigint << 48) AND (1::bigint << 50) AND occurred_at::date = '2026-11-04'}), '11',
   'events inserted through a worker drew their ids from its range, not from the coordinator\'s');

# What each node holds, in an order that does not depend on ids or shards.
my %reads = (
    scores => q{SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at
                  FROM lead_scoring.scores ORDER BY model, contact_id},
    group_scores => q{SELECT model, point_group, contact_id, score, fit_score, behavior_score
                        FROM lead_scoring.group_scores ORDER BY model, point_group, contact_id},
    # (groups by name: a group created after distribute() may get another id)
    ledger => q{SELECT l.model_id, g.name, l.contact_id, l.delta, l.kind, l.rule_id, l.occurred_at, l.reason
                  FROM lead_scoring.ledger l JOIN lead_scoring.point_groups g USING (group_id)
                 ORDER BY l.contact_id, l.model_id, l.occurred_at, g.name, l.rule_id, l.kind, l.delta},
    alerts => q{SELECT a.threshold_id, a.model_id, a.contact_id, a.score FROM lead_scoring.alerts a
                 ORDER BY a.contact_id, a.model_id, a.threshold_id, a.score},
    history => q{SELECT h.contact_id, h.attributes FROM lead_scoring.contact_attribute_history h
                  ORDER BY h.contact_id, h.changed_at, h.attributes::text},
    window_awards => q{SELECT w.contact_id, w.model_id, g.name, w.occurred_at, w.rule_id, w.points
                         FROM lead_scoring.window_awards w JOIN lead_scoring.point_groups g USING (group_id)
                        ORDER BY 1, 2, 3, 4, 5},
    band_summary => q{SELECT * FROM lead_scoring.band_summary},
    # (PL/pgSQL on a coordinator: the inlined SQL of one node would read the
    # coordinator's empty table)
    contacts_in_band => q{SELECT model, contact_id, score, band FROM lead_scoring.contacts_in_band('m', 'warm') LIMIT 30},
    events => q{SELECT count(*), count(DISTINCT contact_id) FROM lead_scoring.events},
);
sub compare {
    my ($when) = @_;
    for my $what (sort keys %reads) {
        my $expected = $single->safe_psql('postgres', $reads{$what});
        ok(length($expected) > 0, "$when, $what: the single node has rows");
        is($coordinator->safe_psql('postgres', $reads{$what}), $expected, "$when, $what: the cluster gives the same");
    }
    # Each model's leaderboard_top (each shard's best merged, ranked on the coordinator)
    # equals the single node's, which is the view's first rows (ties by contact_id).
    for my $model (split /\n/, $single->safe_psql('postgres', 'SELECT name FROM lead_scoring.models ORDER BY 1')) {
        my $top = qq{SELECT contact_id, score, band, qualified, rank FROM lead_scoring.leaderboard_top('$model', 15)};
        my $expected = $single->safe_psql('postgres', $top);
        is($single->safe_psql('postgres', qq{SELECT contact_id, score, band, qualified, rank FROM lead_scoring.leaderboard
                                              WHERE model = '$model' ORDER BY rank, contact_id LIMIT 15}), $expected,
           "$when, leaderboard_top('$model'): the view's first rows on the single node");
        is($coordinator->safe_psql('postgres', $top), $expected, "$when, leaderboard_top('$model'): the cluster gives the same");
    }
}
compare('after live scoring');
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.scores WHERE score >= 25}),
   $single->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.scores WHERE score >= 25}), 'hot contacts');
ok($single->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.alerts}) > 5, 'thresholds fired');

# Rule edits after distribute(): checks run on every node's placement of the rule
# tables, what an edit does to the scores runs once, from the coordinator, in every
# shard (a new model's default group, rescoring after a cap or clamp edit, a decay
# policy, a conversion type, renaming, recounting bands, deleting a model's rows).
my @edits = (
    q{INSERT INTO lead_scoring.models (name) VALUES ('p')},
    q{INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
      SELECT model_id, 'p visit', 'visit', 4 FROM lead_scoring.models WHERE name = 'p'},
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
      SELECT c, 'visit', '2026-11-04 08:00+00' FROM generate_series(1, 150, 3) c},
    q{UPDATE lead_scoring.point_groups SET max_points = 5 WHERE name = 'recent'},
    q{UPDATE lead_scoring.models SET max_score = 20 WHERE name = 'm'},
    q{UPDATE lead_scoring.models SET conversion_event_type = 'download' WHERE name = 'm'},
    q{UPDATE lead_scoring.models SET name = 'p2' WHERE name = 'p'},
    q{INSERT INTO lead_scoring.bands (model_id, name, min_score) SELECT model_id, 'top', 19 FROM lead_scoring.models WHERE name = 'm'},
    q{DELETE FROM lead_scoring.models WHERE name = 'n'},
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
      SELECT c, 'visit', '2026-11-05 08:00+00', '{"url": "/pricing"}' FROM generate_series(1, 200, 7) c},
);
for my $sql (@edits) {
    $single->safe_psql('postgres', $sql);
    $coordinator->safe_psql('postgres', $sql);
}
is($coordinator->safe_psql('postgres', q{SELECT string_agg(m.name || ':' || g.name, ' ' ORDER BY g.group_id)
                                           FROM lead_scoring.point_groups g JOIN lead_scoring.models m USING (model_id)}),
   'm:default m:recent p2:default', 'a new model has its one default group');
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.scores WHERE model = 'm' AND score > 20}), '0',
   'the clamp applies to every stored score');
compare('after rule edits');

# Operations on one contact: on the cluster the coordinator runs each in the
# contact's shard, inside its own transaction (src/pg/shard_operations.hpp).
my @operations = (
    q{SELECT lead_scoring.adjust('m', 7, 5, 'bonus')},
    q{SELECT lead_scoring.adjust('m', 999, 3, 'a contact without events')},
    q{BEGIN; SELECT lead_scoring.adjust('m', 8, 2, 'first'); SELECT lead_scoring.reset('m', 8, 'then reset'); COMMIT},
    q{SELECT lead_scoring.adjust('m', 12, -4, 'in a group', 'recent')},
    q{SELECT count(*) FROM lead_scoring.forget_contact(9)},
    q{BEGIN; SELECT count(*) FROM lead_scoring.forget_contact(10); SELECT lead_scoring.adjust('m', 11, 1, 'same tx'); COMMIT},
);
for my $sql (@operations) {
    is($coordinator->safe_psql('postgres', $sql), $single->safe_psql('postgres', $sql), "same result: $sql");
}
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.events WHERE contact_id IN (9, 10)}), '0',
   'erased contacts are gone');
# Called on a worker for a contact whose shard is on the other worker: a clear error.
my $elsewhere = $coordinator->safe_psql('postgres', sprintf(q{
    SELECT c FROM generate_series(1, 100) c
     WHERE NOT EXISTS (SELECT 1 FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                        WHERE p.shardid = get_shard_id_for_distribution_column('lead_scoring.contacts', c)
                          AND n.nodeport = %d) LIMIT 1}, $workers[0]->port));
($rc, $out, $err) = $workers[0]->psql('postgres', "SELECT lead_scoring.adjust('m', $elsewhere, 1, 'on a worker')");
like($err, qr/the shard of contact $elsewhere is not on this node/, 'an operation on a worker names the problem');
# Operations routed to a shard end with the caller's statement: one that adjusted
# several contacts and then failed keeps none of them (each call runs in a
# transaction on the shard's node that the caller's ends).
($rc, $out, $err) = $coordinator->psql('postgres', q{
    SELECT lead_scoring.adjust('m', c, CASE WHEN c = 5 THEN 'NaN'::numeric ELSE 1 END, 'half done') FROM generate_series(1, 5) c});
like($err, qr/invalid points value "NaN": points must be a finite number/, 'the fifth adjustment fails');
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.ledger WHERE reason = 'half done'}), '0',
   'and the four before it are not kept');
($rc, $out, $err) = $coordinator->psql('postgres', q{
    SELECT count(*) FROM generate_series(1, 3) c, lead_scoring.forget_contact(CASE WHEN c < 3 THEN c + 2 ELSE NULL END)});
like($err, qr/must not be null/, 'a statement of erasures fails at its third');
is($coordinator->safe_psql('postgres', q{SELECT count(DISTINCT contact_id) FROM lead_scoring.events WHERE contact_id IN (3, 4)}), '2',
   'and the two contacts erased before it are still there');
# (operators' and attribute changes are dated by each server's clock)
# (whether an event is named, not its id: events inserted through a worker draw ids
# from its range)
$reads{explain} = q{SELECT c.contact_id, x.point_group, x.source, x.rule, x.event_id IS NOT NULL, x.points,
                           CASE WHEN x.source IN ('manual', 'reset', 'attribute') THEN NULL ELSE x.occurred_at END
                      FROM generate_series(1, 12) c(contact_id), LATERAL lead_scoring.explain('m', c.contact_id) x};
compare('after operations');
# Judged as of a time, from every shard (judged_scores_in_shard), and aggregated.
$reads{judged} = q{SELECT * FROM lead_scoring.judged_scores('m', '2030-01-01') ORDER BY contact_id};
$reads{evaluate} = q{SELECT * FROM lead_scoring.evaluate('m', '2030-01-01')};
$reads{band_report} = q{SELECT * FROM lead_scoring.band_report('m', '2030-01-01')};
compare('evaluating');

# Predictive scoring: train() on the coordinator gathers every shard's judged rows
# (training_rows_in_shard) in contact order and fits them as one node does; every
# shard then refreshes its contacts' probabilities (refresh_probabilities in each).
# The model has no declared features: its rules are the features.
my $train = q{SELECT term, round(coefficient::numeric, 9), round(std_error::numeric, 9)
                FROM lead_scoring.train('m', '2030-01-01') ORDER BY term};
my $single_fit = $single->safe_psql('postgres', $train);
ok($single_fit =~ tr/\n// >= 3, 'train: the single node fits several terms');
is($coordinator->safe_psql('postgres', $train), $single_fit, 'train: the cluster fits the same terms');
$reads{fit} = q{SELECT m.name, f.as_of, f.contacts, f.converted, round(f.auc::numeric, 9), round(f.rules_auc::numeric, 9), f.iterations
                  FROM lead_scoring.predictive_fits f JOIN lead_scoring.models m USING (model_id)};
$reads{probability} = q{SELECT model, contact_id, round(conversion_probability::numeric, 9) FROM lead_scoring.scores
                         WHERE conversion_probability IS NOT NULL ORDER BY 1, 2};
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.scores WHERE model = 'm' AND conversion_probability IS NULL}),
   '0', 'every contact of the model has a probability after train');
# Live: events move the probability in their shard, as on one node.
my $moved = q{SELECT round(sum(conversion_probability)::numeric, 9) FROM lead_scoring.scores
               WHERE model = 'm' AND contact_id BETWEEN 1 AND 60 AND contact_id % 2 = 1};
my $before_live = $coordinator->safe_psql('postgres', $moved);
for my $node ($coordinator, $single) {
    $node->safe_psql('postgres', q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
                                   SELECT c, 'visit', '2026-11-06 09:00+00' FROM generate_series(1, 60, 2) c});
}
$reads{explain_prediction} = q{SELECT c, x.feature, x.value, round(x.contribution::numeric, 9)
                                 FROM generate_series(1, 9) c, LATERAL lead_scoring.explain_prediction('m', c) x ORDER BY 1, 2};
isnt($coordinator->safe_psql('postgres', $moved), $before_live, 'live events moved the probabilities on the cluster');
compare('after train and live events');

# Operations on every contact: the coordinator runs the same call in every shard
# (lead_scoring.call_in_shard), one distributed transaction, and adds the results up.
my @everywhere = (
    q{SELECT lead_scoring.recompute('m')},
    q{SELECT lead_scoring.recompute('m', 5)},
    q{SELECT lead_scoring.recompute('m', 20, 60)},
    q{UPDATE lead_scoring.point_groups SET decay_after = '10 days', decay_every = '10 days', decay_points = 1
       WHERE name = 'default' AND model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'm')},
    q{SELECT lead_scoring.run_maintenance('2026-12-20 00:00+00')},
    q{SELECT lead_scoring.run_maintenance('2030-12-20 00:00+00')},
    q{SELECT lead_scoring.recompute('p2', 1, 1000)},
);
for my $sql (@everywhere) {
    is($coordinator->safe_psql('postgres', $sql), $single->safe_psql('postgres', $sql), "same result: $sql");
}
ok($single->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.ledger WHERE kind = 'decay'}) > 10,
   'decay steps were taken');
compare('after recompute and maintenance');

# An operation on every shard is one transaction: when one shard fails, the others
# keep what they had (a trigger on one worker's shard refuses the rescoring).
$coordinator->safe_psql('postgres', q{SELECT lead_scoring.adjust('m', c, 3, 'to rebuild') FROM generate_series(1, 40) c});
$single->safe_psql('postgres', q{SELECT lead_scoring.adjust('m', c, 3, 'to rebuild') FROM generate_series(1, 40) c});
my ($failing) = split /\n/, $workers[0]->safe_psql('postgres', q{
    SET citus.override_table_visibility = off;
    SELECT relname FROM pg_class WHERE relname ~ '^contact_scores_[0-9]+$' ORDER BY 1 LIMIT 1});
$workers[0]->safe_psql('postgres', qq{
    SET citus.enable_manual_changes_to_shards = on;
    SET citus.enable_ddl_propagation = off;  -- (a function of this node only)
    CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
        BEGIN RAISE EXCEPTION 'refused in one shard'; END \$\$;
    CREATE TRIGGER refuse BEFORE UPDATE ON lead_scoring.$failing FOR EACH ROW EXECUTE FUNCTION public.refuse();});
# (recompute writes the ledger rows again: new entry ids)
my $ledger_sql = q{SELECT count(*) || ' ' || sum(delta) || ' ' || sum(entry_id::numeric) FROM lead_scoring.ledger};
my $ledger_before = $coordinator->safe_psql('postgres', $ledger_sql);
($rc, $out, $err) = $coordinator->psql('postgres', q{SELECT lead_scoring.recompute('m')});
like($err, qr/refused in one shard/, 'one shard fails');
is($coordinator->safe_psql('postgres', $ledger_sql), $ledger_before, 'and no shard kept its part');
$workers[0]->safe_psql('postgres', "SET citus.enable_manual_changes_to_shards = on; SET citus.enable_ddl_propagation = off;"
                                 . " DROP TRIGGER refuse ON lead_scoring.$failing; DROP FUNCTION public.refuse()");

# lead_scoring.shards must list every shard, or operations on every shard refuse.
$coordinator->safe_psql('postgres', q{DELETE FROM lead_scoring.shards WHERE shard_key = (SELECT min(shard_key) FROM lead_scoring.shards)});
($rc, $out, $err) = $coordinator->psql('postgres', q{SELECT lead_scoring.recompute('m')});
like($err, qr/lead_scoring.shards lists 7 of the contacts' 8 shards/, 'a missing shard is named');
is($coordinator->safe_psql('postgres', q{SELECT lead_scoring.refresh_shards()}), '8', 'refresh_shards lists them again');
is($coordinator->safe_psql('postgres', q{SELECT lead_scoring.recompute('m')}), $single->safe_psql('postgres', q{SELECT lead_scoring.recompute('m')}),
   'and recompute runs');

# A third worker joins and the shards are rebalanced onto it (logical replication,
# Citus's default) while events keep arriving through the coordinator: no point is
# lost or counted twice. The same events go to the single node afterwards.
my $worker3 = PostgreSQL::Test::Cluster->new('worker3');
$worker3->init;
$worker3->append_conf('postgresql.conf', $conf{citus});
$worker3->append_conf('postgresql.conf', "citus.local_hostname = '" . $worker3->host . "'");
$worker3->start;
$worker3->safe_psql('postgres', 'CREATE EXTENSION citus; CREATE EXTENSION lead_scoring;');
push @citus, $worker3;
my $arriving = join('', map {
    sprintf("INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)"
          . " SELECT c, 'visit', '2026-11-06 00:00+00'::timestamptz + interval '%d seconds', '{\"url\": \"/pricing\"}'"
          . " FROM generate_series(%d, %d) c; SELECT pg_sleep(0.02);\n", $_, 1 + ($_ * 13) % 150, 1 + ($_ * 13) % 150 + 20)
} (1 .. 300));
my ($in, $arrived, $arrive_err) = ($arriving, '', '');
my $sender = IPC::Run::start([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $coordinator->connstr('postgres') ],
                             '<', \$in, '>', \$arrived, '2>', \$arrive_err);
$coordinator->safe_psql('postgres', sprintf(q{SELECT citus_add_node('%s', %d)}, $worker3->host, $worker3->port));
$coordinator->safe_psql('postgres', q{SELECT citus_rebalance_start(); SELECT citus_rebalance_wait();});
ok($sender->finish, 'events arrived through the rebalance') or diag($arrive_err);
ok($coordinator->safe_psql('postgres', sprintf(q{
    SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
     WHERE n.nodeport = %d AND p.shardid IN (SELECT shardid FROM pg_dist_shard
                                              WHERE logicalrelid = 'lead_scoring.contacts'::regclass)}, $worker3->port)) > 0,
   'the new worker holds shards of the contacts');
$single->safe_psql('postgres', $arriving);
compare('after a rebalance while events arrived');
# Scoring goes on on the moved shards.
for my $node ($single, $coordinator) {
    $node->safe_psql('postgres', q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
                                   SELECT c, 'download', '2026-11-07 00:00+00' FROM generate_series(1, 150) c});
}
compare('after events on the moved shards');
# After adding a worker, refresh_shards() (README) gives it its range of event ids;
# events inserted through it then draw from that range, and a second call changes
# nothing (no sequence restarts).
$coordinator->safe_psql('postgres', 'SELECT lead_scoring.refresh_shards()');
my $through_worker3 = q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
    SELECT c, 'visit', '2026-11-08 00:00+00' FROM generate_series(1, 40) c};
$single->safe_psql('postgres', $through_worker3);
$worker3->safe_psql('postgres', $through_worker3);
$coordinator->safe_psql('postgres', 'SELECT lead_scoring.refresh_shards()');
$worker3->safe_psql('postgres', $through_worker3 =~ s/2026-11-08/2026-11-09/r);
$single->safe_psql('postgres', $through_worker3 =~ s/2026-11-08/2026-11-09/r);
my $worker3_group = $coordinator->safe_psql('postgres', sprintf(q{SELECT groupid FROM pg_dist_node WHERE nodeport = %d}, $worker3->port));
is($coordinator->safe_psql('postgres', qq{SELECT count(*) FROM lead_scoring.events
    WHERE occurred_at::date IN ('2026-11-08', '2026-11-09')
      AND event_id BETWEEN (${worker3_group}::bigint << 48) AND ((${worker3_group} + 1)::bigint << 48)}), '80',
   'events inserted through the added worker drew ids from its range, also after a second refresh_shards()');
is($coordinator->safe_psql('postgres', q{SELECT count(DISTINCT event_id) FROM lead_scoring.events
    WHERE occurred_at::date IN ('2026-11-08', '2026-11-09')}), '80',
   'the second refresh_shards() did not restart the range: no id drawn twice');
compare('after events through the added worker');

# The maintenance worker on the coordinator: one distributed transaction per round
# runs maintenance in every shard. A contact last active on 2026-10-01 owes decay
# steps of 1 point per 10 days (set above) by now.
$coordinator->safe_psql('postgres', q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
                                      VALUES (4242, 'contract', '2026-10-01 00:00+00')});
$coordinator->safe_psql('postgres', q{
    ALTER SYSTEM SET lead_scoring.maintenance = on;
    ALTER SYSTEM SET lead_scoring.database = 'postgres';
    ALTER SYSTEM SET lead_scoring.maintenance_interval = '200ms';
    SELECT pg_reload_conf();});
ok($coordinator->poll_query_until('postgres', q{
    SELECT count(*) > 0 FROM lead_scoring.ledger WHERE contact_id = 4242 AND kind = 'decay'}),
   'the worker decays scores on the cluster');
my $owed = $coordinator->safe_psql('postgres', q{
    SELECT floor(EXTRACT(epoch FROM now() - '2026-10-01 00:00+00'::timestamptz - interval '10 days') / 864000)::bigint + 1});
ok($coordinator->poll_query_until('postgres', qq{
    SELECT score = greatest(0, 20 - $owed) FROM lead_scoring.scores WHERE model = 'm' AND contact_id = 4242}),
   "by the steps owed ($owed)");

# Ids drawn on the workers are unique across the cluster (each node its own range).
is($coordinator->safe_psql('postgres', q{
    SELECT (SELECT count(*) - count(DISTINCT entry_id) FROM lead_scoring.ledger) || ' '
        || (SELECT count(*) - count(DISTINCT change_id) FROM lead_scoring.contact_attribute_history) || ' '
        || (SELECT count(*) - count(DISTINCT alert_id) FROM lead_scoring.alerts) || ' '
        || (SELECT count(*) - count(DISTINCT event_id) FROM lead_scoring.events)}), '0 0 0 0',
   'ledger, history, alert and event ids are unique');
# ... and each within its node's range (group id << 48 on): no range counted twice.
is($coordinator->safe_psql('postgres', q{
    SELECT count(*) FROM (SELECT entry_id AS id FROM lead_scoring.ledger UNION ALL
                          SELECT change_id FROM lead_scoring.contact_attribute_history UNION ALL
                          SELECT alert_id FROM lead_scoring.alerts UNION ALL
                          SELECT event_id FROM lead_scoring.events) i
     WHERE i.id >= ((SELECT max(groupid) FROM pg_dist_node) + 1)::bigint << 48}), '0',
   'every id is within the range of a node');
# Each shard's band counts are kept under a key of that shard: asked for by key
# (Citus then reads only that key's shard), every row is found.
my @keys = split /\n/, $coordinator->safe_psql('postgres', q{SELECT DISTINCT shard_key FROM lead_scoring.band_counts});
ok(@keys >= 4, 'band counts are kept in several shards (' . scalar(@keys) . ' keys)');
my $found = 0;
$found += $coordinator->safe_psql('postgres', "SELECT count(*) FROM lead_scoring.band_counts WHERE shard_key = $_") for @keys;
is($found, $coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.band_counts}),
   'each in the shard of its key');
# The invariants on the cluster: every stored total is its group states added up
# (rescoring, in every shard, changes nothing), every group balance the sum of its
# ledger rows.
my $rescored = 0;
$rescored += $coordinator->safe_psql('postgres', "SELECT lead_scoring.rescore_totals($_)")
    for split /\n/, $coordinator->safe_psql('postgres', 'SELECT model_id FROM lead_scoring.models ORDER BY 1');
is($rescored, 0, 'every stored total equals its group states added up');
is($coordinator->safe_psql('postgres', q{
    SELECT count(*) FROM (
        SELECT cs.contact_id, cs.model_id, u.group_id, u.behavior_score
          FROM lead_scoring.contact_scores cs, lead_scoring.state_groups(cs.state) u) s
     WHERE s.behavior_score <> coalesce((SELECT sum(l.delta) FROM lead_scoring.ledger l
                                          WHERE l.contact_id = s.contact_id AND l.model_id = s.model_id
                                            AND l.group_id = s.group_id), 0)}),
   '0', 'every group balance is the sum of its ledger rows');

# The alert relay on the cluster: claim_alerts claims in every shard
# (claim_alerts_in_shard, FOR UPDATE SKIP LOCKED within each), the calls that record
# an outcome find the alert by id in its shard. One relay run (--once) on each
# delivers every alert once, with the same contents as on one node.
my $relay_dir = PostgreSQL::Test::Utils::tempdir;
sub delivered_in {
    my @lines;
    for my $file (@_) {
        next unless -e $file;
        open my $fh, '<', $file or die "$file: $!";
        while (my $line = <$fh>) {
            my $a = JSON::PP::decode_json($line);
            push @lines, join('|', $a->{alert_id}, $a->{contact_id}, $a->{threshold}, $a->{score},
                              $a->{event} ? ($a->{event}{event_type}, $a->{event}{occurred_at}) : ('', ''));
        }
        close $fh;
    }
    return @lines;
}
sub without_ids { return sort map { (split /\|/, $_, 2)[1] } @_ }
for my $node ($coordinator, $single) {
    my ($stdout, $stderr) = ('', '');
    IPC::Run::run([ 'lead_scoring_relay', '-d', $node->connstr('postgres'), '--once', '--batch', '4',
                    '--exec', "cat >> $relay_dir/once_" . $node->name . '.jsonl' ], '>', \$stdout, '2>', \$stderr);
    is($? >> 8, 0, $node->name . ': the relay ran once') or diag($stderr);
}
my @cluster_alerts = delivered_in("$relay_dir/once_coordinator.jsonl");
my @single_alerts = delivered_in("$relay_dir/once_single.jsonl");
ok(@single_alerts > 10, 'the single node delivered its alerts (' . scalar(@single_alerts) . ')');
is_deeply([ without_ids(@cluster_alerts) ], [ without_ids(@single_alerts) ], 'the cluster delivered the same alerts');
my %once;
$once{ (split /\|/)[0] }++ for @cluster_alerts;
is(scalar(keys %once), scalar(@cluster_alerts), 'each once');
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL'), '0',
   'and every alert is marked delivered');
# Two relays at once while events arrive: every new alert delivered exactly once.
$coordinator->safe_psql('postgres', q{INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, notify_channel)
                                      SELECT model_id, 'every ping', 0, 'ping', 'sales' FROM lead_scoring.models WHERE name = 'm'});
my @relays = map {
    IPC::Run::start([ 'lead_scoring_relay', '-d', $coordinator->connstr('postgres'), '--poll', '0.2', '--batch', '3',
                      '--exec', "cat >> $relay_dir/two_$_.jsonl" ], '>', "$relay_dir/two_$_.out", '2>', "$relay_dir/two_$_.err")
} (1, 2);
for my $round (1 .. 5) {
    $coordinator->safe_psql('postgres', qq{INSERT INTO lead_scoring.events (contact_id, event_type)
                                           SELECT c, 'ping' FROM generate_series($round, 150, 5) c});
    usleep(100_000);
}
ok($coordinator->poll_query_until('postgres', 'SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL', '0'),
   'two relays delivered the new alerts');
$_->signal('TERM') for @relays;
$_->finish for @relays;
my @two = delivered_in("$relay_dir/two_1.jsonl", "$relay_dir/two_2.jsonl");
my %two;
$two{ (split /\|/)[0] }++ for @two;
is(scalar(@two), 150, 'one hundred and fifty deliveries');
is(scalar(keys %two), 150, 'of as many alerts: none twice');

# DROP EXTENSION on the coordinator: its event trigger drops the shards first
# (Citus alone left them on the workers). Dropping another extension leaves them.
my $our_relations = q{SET citus.override_table_visibility = off;
    SELECT count(*) FROM pg_class WHERE relnamespace = to_regnamespace('lead_scoring')};
my $shards = $coordinator->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_shard');
$coordinator->safe_psql('postgres', 'CREATE EXTENSION pg_trgm; DROP EXTENSION pg_trgm');
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_shard'), $shards,
   'dropping another extension keeps the shards');
ok($workers[0]->safe_psql('postgres', $our_relations) > 50, 'a worker holds shards before the drop');
$coordinator->safe_psql('postgres', 'DROP EXTENSION lead_scoring CASCADE');
for my $node (@citus) {
    is($node->safe_psql('postgres', $our_relations), '0', $node->name . ': no table or index of the extension is left');
}
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_partition'), '0', 'nor any Citus metadata of them');

# DROP SCHEMA lead_scoring CASCADE drops the extension with its schema, and leaves
# nothing either: Citus propagates a schema's drop to the workers, shards and all
# (the extension's event trigger is not needed there).
# (Citus created it on the workers too: it propagates an extension's DDL)
$coordinator->safe_psql('postgres', 'CREATE EXTENSION lead_scoring');
$coordinator->safe_psql('postgres', q{SELECT lead_scoring.distribute(4);
    INSERT INTO lead_scoring.models (name) VALUES ('again');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 1 FROM lead_scoring.models;
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) SELECT c, 'visit', now() FROM generate_series(1, 20) c});
is($coordinator->safe_psql('postgres', q{SELECT count(*) FROM lead_scoring.scores WHERE score = 1}), '20', 'distributed again, it scores');
ok($workers[0]->safe_psql('postgres', $our_relations) > 20, 'a worker holds shards again');
$coordinator->safe_psql('postgres', 'DROP SCHEMA lead_scoring CASCADE');
for my $node (@citus) {
    is($node->safe_psql('postgres', $our_relations), '0', $node->name . ': after DROP SCHEMA lead_scoring CASCADE, nothing of it is left');
}
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_partition'), '0', 'nor any Citus metadata of them');

$_->stop for (@citus, $single);
done_testing();
