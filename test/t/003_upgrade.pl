# Upgrades (README "Upgrading"): a database of release 0.1 with a realistic history
# (test/upgrade/0.1_data.sql: what the 0.1 library made of test/upgrade/history.sql)
# is taken to the current version by ALTER EXTENSION lead_scoring UPDATE, and then:
#   - every row of every table pg_dump keeps is still there, unchanged;
#   - its extension objects (members, columns in order, constraints, indexes,
#     triggers, views, functions, sequences, privileges, comments) are those of a
#     fresh install (test/upgrade/catalog.sql, compared line by line);
#   - it holds what a fresh install that lived through the same history holds, and
#     both go on scoring identically (test/upgrade/continue.sql, every row compared).
# Before the update, the current library refuses to score under 0.1's SQL with a
# clear error and stores nothing; the worker skips such a database with a warning.
# Every later schema change extends this test (new tables, backfilled columns).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'lead_scoring'
lead_scoring.database = 'stale'
lead_scoring.maintenance_interval = '200ms'
});
$node->start;

my $current = $node->safe_psql('postgres',
    q{SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'lead_scoring'});
isnt($current, '0.1', "the current version ($current) is newer than 0.1");

sub psql_file {
    my ($db, $file, %env) = @_;
    local %ENV = (%ENV, %env);
    $node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $file ],
        "psql -f $file into $db");
}

# Compares two texts line by line; on a difference, shows the lines only one has.
sub same_lines {
    my ($got, $want, $what) = @_;
    return pass($what) if $got eq $want;
    my (%g, %w);
    $g{$_}++ for split /\n/, $got;
    $w{$_}++ for split /\n/, $want;
    my @only_got  = grep { ($g{$_} // 0) > ($w{$_} // 0) } sort keys %g;
    my @only_want = grep { ($w{$_} // 0) > ($g{$_} // 0) } sort keys %w;
    fail($what);
    diag("only in the first: $_") for grep { defined } @only_got[0 .. 19];
    diag("only in the second: $_") for grep { defined } @only_want[0 .. 19];
    return 0;
}

# The tables and sequences pg_dump keeps (the extension's configuration tables).
sub config_relations {
    my ($db, $kind) = @_;
    return split /\n/, $node->safe_psql($db, qq{
        SELECT c.oid::regclass FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS u(oid)
          JOIN pg_catalog.pg_class c ON c.oid = u.oid
         WHERE e.extname = 'lead_scoring' AND c.relkind = '$kind' ORDER BY c.oid::regclass::text});
}

# ---------------------------------------------------------------------------
# Release 0.1, under the current library.
# ---------------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{CREATE EXTENSION lead_scoring VERSION '0.1'});
is($node->safe_psql('old', q{SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'}),
    '0.1', 'installed at version 0.1');

# The library refuses to score under another version's SQL, naming both versions.
$node->safe_psql('old', q{INSERT INTO lead_scoring.models (name) VALUES ('probe')});
my ($rc, $out, $err) = $node->psql('old',
    q{INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit')});
isnt($rc, 0, 'an event under 0.1 SQL is refused');
like($err, qr/SQL at version 0\.1, but the installed library is version \Q$current\E; nothing was scored/,
    'the error names both versions');
like($err, qr/HINT:  Run ALTER EXTENSION lead_scoring UPDATE/, 'and says what to run');
is($node->safe_psql('old', 'SELECT count(*) FROM lead_scoring.events'), '0', 'the refused event is not stored');
($rc, $out, $err) = $node->psql('old', q{SELECT lead_scoring.adjust('probe', 1, 5, 'x')});
like($err, qr/SQL at version 0\.1/, 'an adjustment is refused the same way');
is($node->safe_psql('old', 'SELECT count(*) FROM lead_scoring.scores'), '0', 'reads still work');
$node->safe_psql('old', q{DELETE FROM lead_scoring.models});

# The worker skips a database whose SQL is older than the library, and says so.
$node->safe_psql('postgres', 'CREATE DATABASE stale');
$node->safe_psql('stale', q{CREATE EXTENSION lead_scoring VERSION '0.1'});
ok($node->wait_for_log(qr/extension's SQL in database "stale" is not at the library's version \Q$current\E; maintenance skipped/),
    'the worker skips a database at 0.1 with a warning');

# The 0.1 data, loaded as a 0.1 data-only dump is restored into 0.1 (its triggers
# do not know about restores: README "Upgrading" explains this path).
psql_file('old', 'upgrade/0.1_data.sql', PGOPTIONS => '-c session_replication_role=replica');

my @tables = config_relations('old', 'r');
my @sequences = config_relations('old', 'S');

# Tables whose layout the update changes are read before and after in one shape.
# contact_scores: 0.1's fifteen state arrays become one serialised state and rows of
# window_awards (issue 20); read before as the arrays, after through state_as_jsonb
# and window_awards, both as the same JSON.
my $ts = q{pg_catalog.to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')};
my %rows_sql = ('lead_scoring.contact_scores' => [
    sprintf(q{SELECT r FROM (SELECT ROW(model_id, model, contact_id, score, fit_score, behavior_score, qualified,
                     last_activity_at, updated_at, maintenance_due_at, pg_catalog.jsonb_build_object(
        'groups', (SELECT coalesce(jsonb_agg(jsonb_build_object('group_id', g, 'fit', lead_scoring.points_of(f),
                               'balance', lead_scoring.points_of(b), 'decay_steps', d) ORDER BY o), '[]')
                     FROM unnest(group_ids, group_fit_units, group_balance_units, group_decay_steps)
                          WITH ORDINALITY u(g, f, b, d, o)),
        'fit', (SELECT coalesce(jsonb_agg(jsonb_build_object('rule_id', i, 'group_id', g,
                               'points', lead_scoring.points_of(p)) ORDER BY o), '[]')
                  FROM unnest(fit_rule_ids, fit_rule_groups, fit_rule_units) WITH ORDINALITY u(i, g, p, o)),
        'limits', (SELECT coalesce(jsonb_agg(jsonb_build_object('rule_id', i, 'awards', a,
                               'last_award_at', %s) ORDER BY o), '[]')
                     FROM unnest(limit_rule_ids, limit_awards, limit_last_at) WITH ORDINALITY u(i, a, t, o)),
        'window_awards', (SELECT coalesce(jsonb_agg(jsonb_build_object('group_id', g, 'occurred_at', %s,
                               'points', lead_scoring.points_of(p), 'rule_id', r, 'event_id', e) ORDER BY t, e, g), '[]')
                            FROM unnest(window_group_ids, window_occurred_at, window_units, window_rule_ids,
                                        window_event_ids) AS u(g, t, p, r, e))))::text AS r
                FROM lead_scoring.contact_scores) x ORDER BY r COLLATE "C"}, sprintf($ts, 't'), sprintf($ts, 't')),
    sprintf(q{SELECT r FROM (SELECT ROW(model_id, model, contact_id, score, fit_score, behavior_score, qualified,
                     last_activity_at, updated_at, maintenance_due_at,
                     (lead_scoring.state_as_jsonb(state) - 'format') || pg_catalog.jsonb_build_object('groups',
                         (SELECT coalesce(jsonb_agg(g - 'score' ORDER BY o), '[]')
                            FROM jsonb_array_elements(lead_scoring.state_as_jsonb(state)->'groups')
                                 WITH ORDINALITY x(g, o)),
                         'window_awards',
                         (SELECT coalesce(jsonb_agg(jsonb_build_object('group_id', w.group_id, 'occurred_at', %s,
                                      'points', w.points, 'rule_id', w.rule_id, 'event_id', w.event_id)
                                      ORDER BY w.occurred_at, w.event_id, w.group_id), '[]')
                            FROM lead_scoring.window_awards w
                           WHERE w.contact_id = s.contact_id AND w.model_id = s.model_id)))::text AS r
                FROM lead_scoring.contact_scores s) x ORDER BY r COLLATE "C"}, sprintf($ts, 'w.occurred_at')),
]);
# What users read of the changed tables, before and after: the same rows.
my $group_scores = q{SELECT j FROM (SELECT pg_catalog.to_jsonb(s)::text AS j FROM lead_scoring.group_scores s) x
                      ORDER BY j COLLATE "C"};

my (%before, %columns);
for my $t (@tables) {
    $columns{$t} = $node->safe_psql('old', qq{
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_catalog.pg_attribute
         WHERE attrelid = '$t'::regclass AND attnum > 0 AND NOT attisdropped});
    $rows_sql{$t} //= [ (qq{SELECT r FROM (SELECT ROW($columns{$t})::text AS r FROM $t) x ORDER BY r COLLATE "C"}) x 2 ];
    $before{$t} = $node->safe_psql('old', $rows_sql{$t}[0]);
}
my $group_scores_before = $node->safe_psql('old', $group_scores);
$before{$_} = $node->safe_psql('old', "SELECT last_value || ' ' || is_called FROM $_") for @sequences;
my %count = map { $_ => scalar(() = $before{$_} =~ /^/mg) } @tables;
ok($count{'lead_scoring.events'} > 3000 && $count{'lead_scoring.ledger'} > 10000 && $count{'lead_scoring.alerts'} > 100,
    'the 0.1 data set is loaded');
note("rows before the update: " . join(', ', map { "$_ $count{$_}" } @tables));

# ---------------------------------------------------------------------------
# The update.
# ---------------------------------------------------------------------------
$node->safe_psql('old', 'ALTER EXTENSION lead_scoring UPDATE');
is($node->safe_psql('old', q{SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'}),
    $current, "updated to $current");

for my $t (@tables) {
    same_lines($node->safe_psql('old', $rows_sql{$t}[1]), $before{$t}, "$t: all $count{$t} rows kept, unchanged");
}
same_lines($node->safe_psql('old', $group_scores), $group_scores_before,
    'group_scores shows every capped group score as 0.1 did');
for my $s (@sequences) {
    is($node->safe_psql('old', "SELECT last_value || ' ' || is_called FROM $s"), $before{$s}, "$s kept its position");
}

# The same objects as a fresh install.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION lead_scoring');
my $catalog = slurp_file('upgrade/catalog.sql');
my $fresh_catalog = $node->safe_psql('fresh', $catalog);
ok(length($fresh_catalog) > 10000, 'the catalog description is not empty');
same_lines($node->safe_psql('old', $catalog), $fresh_catalog, 'the updated extension has the objects of a fresh install');
is_deeply([ config_relations('old', 'r'), config_relations('old', 'S') ],
    [ config_relations('fresh', 'r'), config_relations('fresh', 'S') ], 'pg_dump keeps the same tables');

# ---------------------------------------------------------------------------
# The fresh install lives through the same history; both must hold the same rows
# (times set by now() aside) and go on identically.
# ---------------------------------------------------------------------------
psql_file('fresh', 'upgrade/history.sql');

# Every row of every kept table, as JSON without the columns now() sets.
# The attribute history differs by design: the updated database starts it with one
# change per contact (0.1 kept none), the fresh one has every change of the history.
# So it is compared from a mark on (the changes continue.sql makes, without their
# ids and times), and its start is checked on its own after the update.
my %history_mark = (old => 0, fresh => 0);

sub content {
    my ($db) = @_;
    my %rows;
    for my $t (config_relations($db, 'r')) {
        if ($t eq 'lead_scoring.contact_attribute_history') {
            $rows{$t} = $node->safe_psql($db, qq{
                SELECT contact_id || ' ' || attributes::text || ' ' || actor FROM $t
                 WHERE change_id > $history_mark{$db} ORDER BY contact_id, change_id});
            next;
        }
        # band_summary's counts are kept per writer slot: compared as the sums per band.
        if ($t eq 'lead_scoring.band_counts') {
            $rows{$t} = $node->safe_psql($db, qq{
                SELECT model_id, band, sum(contacts), sum(converted), round(sum(days_us)) FROM $t GROUP BY 1, 2
                HAVING sum(contacts) <> 0 OR sum(converted) <> 0 OR sum(days_us) <> 0 ORDER BY 1, 2});
            next;
        }
        # adjust/reset record now() as their time (only on model "ops", which has no decay).
        # The update counts 0.1's alerts as delivered (by 0.1's NOTIFY); a fresh
        # install has them undelivered: their delivery is checked on its own below.
        my $clock = $t eq 'lead_scoring.ledger'
            ? q{ - CASE WHEN t.kind IN ('manual', 'reset') THEN 'occurred_at' ELSE '' END}
            : $t eq 'lead_scoring.alerts' ? q{ - 'delivered_at'} : '';
        $rows{$t} = $node->safe_psql($db, qq{
            SELECT r FROM (SELECT (pg_catalog.to_jsonb(t) - '{created_at, updated_at}'::text[] $clock)::text AS r
              FROM $t t) x ORDER BY r COLLATE "C"});
    }
    for my $s (config_relations($db, 'S')) {
        next if $s eq 'lead_scoring.contact_attribute_history_change_id_seq';
        $rows{$s} = $node->safe_psql($db, "SELECT last_value || ' ' || is_called FROM $s");
    }
    # What users read: the views and functions over those rows.
    $rows{views} = $node->safe_psql($db, q{
        SELECT pg_catalog.to_jsonb(s) - 'updated_at' FROM lead_scoring.scores s ORDER BY model, contact_id;
        SELECT j FROM (SELECT pg_catalog.to_jsonb(s)::text AS j FROM lead_scoring.group_scores s) x ORDER BY j COLLATE "C";
        SELECT contact_id, score, rank FROM lead_scoring.leaderboard WHERE model = 'main' ORDER BY rank, contact_id LIMIT 50;
        SELECT * FROM lead_scoring.band_summary ORDER BY model, band;
        SELECT point_group, source, rule, event_id,
               -- (an attribute rule's date is that of its change of attributes: see below)
               CASE WHEN source <> 'attribute' THEN occurred_at END, points
          FROM lead_scoring.explain('main', 7) ORDER BY 1, 2, 3, 4, 5, 6});
    # evaluate and band_report judge contacts with the attributes of each moment (the
    # attribute history), which differs by design: the updated database has each
    # contact's current attributes from its creation on (0.1 kept no history).
    $rows{judged_without_attributes} = $node->safe_psql($db, q{
        SELECT count(*), count(converted_at), count(first_event_at) FROM lead_scoring.judged_scores('main', '2026-06-20')});
    return %rows;
}

sub same_content {
    my ($what) = @_;
    my %old = content('old');
    my %fresh = content('fresh');
    is_deeply([ sort keys %old ], [ sort keys %fresh ], "$what: the same tables");
    for my $t (sort keys %fresh) {
        same_lines($old{$t}, $fresh{$t}, "$what: $t the same");
    }
}

# Every score row carried over has its key in contact_score_keys (which keeps the key
# unique now that contact_scores has no unique index), and nothing else is there.
is($node->safe_psql('old', q{
    SELECT (SELECT count(*) FROM lead_scoring.contact_scores s
             WHERE NOT EXISTS (SELECT 1 FROM lead_scoring.contact_score_keys k
                                WHERE k.contact_id = s.contact_id AND k.model_id = s.model_id))
        || ' ' || (SELECT count(*) FROM lead_scoring.contact_score_keys)
        || ' ' || (SELECT count(*) FROM lead_scoring.contact_scores)}),
    "0 $count{'lead_scoring.contact_scores'} $count{'lead_scoring.contact_scores'}",
    'each score row carried over has its key, and only those');

# The history of the updated database starts with one change per contact: at its
# created_at, to its current attributes, by the update.
is($node->safe_psql('old', q{
    SELECT count(*) FROM lead_scoring.contacts c
     WHERE (SELECT count(*) FROM lead_scoring.contact_attribute_history h
             WHERE h.contact_id = c.contact_id AND h.changed_at = c.created_at AND h.attributes = c.attributes
               AND h.actor = 'lead_scoring 0.1 (before the history)') <> 1}), '0',
    'every contact carried over starts its attribute history with its current attributes at its creation');
is($node->safe_psql('old', q{SELECT count(*) FROM lead_scoring.contact_attribute_history}), $count{'lead_scoring.contacts'},
    'and nothing else');
$history_mark{$_} = $node->safe_psql($_, q{SELECT coalesce(max(change_id), 0) FROM lead_scoring.contact_attribute_history})
    for ('old', 'fresh');
same_content('after the history');
# 0.1's alerts count as delivered at their creation; those made after the update not.
is($node->safe_psql('old', q{SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS DISTINCT FROM created_at}), '0',
    "0.1's alerts count as delivered (a relay started afterwards does not send them again)");
my $alerts_before = $node->safe_psql('old', q{SELECT coalesce(max(alert_id), 0) FROM lead_scoring.alerts});

psql_file($_, 'upgrade/continue.sql') for ('old', 'fresh');
is($node->safe_psql('old', qq{SELECT count(*) FILTER (WHERE delivered_at IS NULL) = count(*) AND count(*) > 0
                                FROM lead_scoring.alerts WHERE alert_id > $alerts_before}), 't',
    'alerts made after the update wait for a relay');
ok($node->safe_psql('old', qq{SELECT count(*) FROM lead_scoring.contact_attribute_history WHERE change_id > $history_mark{old}}) > 0,
    'the updated database keeps the history of the changes made after the update');
same_content('after more scoring');
my ($events_after, $ledger_after) = split /\|/, $node->safe_psql('old',
    q{SELECT (SELECT count(*) FROM lead_scoring.events), (SELECT count(*) FROM lead_scoring.ledger)});
ok($events_after > $count{'lead_scoring.events'} && $ledger_after > $count{'lead_scoring.ledger'},
    "scoring went on in the updated database ($events_after events, $ledger_after ledger rows)");

# The state carried over stores each group's score with its cap applied, as 0.1's
# views showed it (a score row written by hand: 0.1's library made the one above,
# where no contact is over a cap); arrays of one kind that differ in length (0.1 cut
# them silently) stop the update with an error naming the contact, and nothing changes.
sub handmade {
    my ($db, $balances, $window_groups) = @_;
    $window_groups //= '{}';
    $node->safe_psql('postgres', "CREATE DATABASE $db");
    $node->safe_psql($db, q{CREATE EXTENSION lead_scoring VERSION '0.1'});
    $node->safe_psql($db, qq{
        INSERT INTO lead_scoring.models (name) VALUES ('h');
        INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'capped', 5 FROM lead_scoring.models;
        SET session_replication_role = replica;
        INSERT INTO lead_scoring.contacts (contact_id) VALUES (1);
        INSERT INTO lead_scoring.contact_scores (model_id, model, contact_id, score, behavior_score, group_ids,
                                                 group_fit_units, group_balance_units, group_decay_steps, window_group_ids)
        SELECT m.model_id, 'h', 1, 8, 11, ARRAY[d.group_id, c.group_id], '{0,0}', '$balances', '{0,0}', '$window_groups'
          FROM lead_scoring.models m
          JOIN lead_scoring.point_groups d ON d.model_id = m.model_id AND d.name = 'default'
          JOIN lead_scoring.point_groups c ON c.model_id = m.model_id AND c.name = 'capped'});
}
handmade('handmade', '{30000,80000}');
my $handmade_groups = q{SELECT point_group, score, behavior_score FROM lead_scoring.group_scores ORDER BY 1};
my $handmade_before = $node->safe_psql('handmade', $handmade_groups);
is($handmade_before, "capped|5|8\ndefault|3|3", '0.1 shows the capped group at its cap');
$node->safe_psql('handmade', 'ALTER EXTENSION lead_scoring UPDATE');
is($node->safe_psql('handmade', $handmade_groups), $handmade_before, 'so does the carried-over state');
is($node->safe_psql('handmade', q{SELECT string_agg(g.score::text, ',' ORDER BY g.group_id)
                                   FROM lead_scoring.contact_scores s, lead_scoring.state_groups(s.state) g}),
    '3,5', 'the state stores the capped group score');
is($node->safe_psql('handmade', q{SELECT lead_scoring.rescore_totals(model_id) FROM lead_scoring.models}), '0',
    'and its totals agree with it');
handmade('uneven', '{30000}');
($rc, $out, $err) = $node->psql('uneven', 'ALTER EXTENSION lead_scoring UPDATE');
like($err, qr/the group arrays of contact 1 in model \d+ differ in length; the state cannot be carried over/,
    'arrays of unequal length stop the update, naming the contact');
is($node->safe_psql('uneven', q{SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'}),
    '0.1', 'and leave the database at 0.1');
handmade('uneven_window', '{30000,80000}', '{1}');
($rc, $out, $err) = $node->psql('uneven_window', 'ALTER EXTENSION lead_scoring UPDATE');
like($err, qr/the window arrays of contact 1 in model \d+ differ in length/, 'so do window arrays of unequal length');

# A 0.1 database that stored an event at 'infinity' (0.1 took it) still updates:
# the time constraint stays unvalidated, with a warning, and new such events are refused.
$node->safe_psql('postgres', 'CREATE DATABASE infinite');
$node->safe_psql('infinite', q{CREATE EXTENSION lead_scoring VERSION '0.1'});
$node->safe_psql('infinite', q{
    SET session_replication_role = replica;
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (1, 'visit', 'infinity'), (2, 'visit', '2026-01-01')});
($rc, $out, $err) = $node->psql('infinite', 'ALTER EXTENSION lead_scoring UPDATE');
is($rc, 0, 'a database with an infinite event time updates');
like($err, qr/WARNING:  lead_scoring: 1 events have an occurred_at outside the years 1 to 9999/, 'with a warning naming the count');
is($node->safe_psql('infinite', q{SELECT convalidated FROM pg_catalog.pg_constraint
                                   WHERE conname = 'occurred_at_from_year_1_to_9999'}), 'f', 'the constraint is left unvalidated');
($rc, $out, $err) = $node->psql('infinite',
    q{INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (3, 'visit', 'infinity')});
like($err, qr/violates check constraint "occurred_at_from_year_1_to_9999"/, 'a new infinite event is refused');
is($node->safe_psql('infinite', 'SELECT count(*) FROM lead_scoring.events'), '2', 'both old events are kept');

# Rules 0.1 accepted and 0.2 refuses (a cooldown that is negative as scoring counts
# it, a threshold name over 200 bytes) stay after the update, and a dump of the
# updated database restores with default options: a restore loads definitions as
# the dumped database held them.
$node->safe_psql('postgres', 'CREATE DATABASE lenient');
$node->safe_psql('lenient', q{CREATE EXTENSION lead_scoring VERSION '0.1'});
$node->safe_psql('lenient', q{
    INSERT INTO lead_scoring.models (name) VALUES ('m');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, cooldown)
    SELECT model_id, 'odd cooldown', 'visit', 1, '-1 year 361 days' FROM lead_scoring.models;
    INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, repeat('t', 250), 5 FROM lead_scoring.models});
$node->safe_psql('lenient', 'ALTER EXTENSION lead_scoring UPDATE');
my $lenient_dump = "$PostgreSQL::Test::Utils::tmp_check/lenient.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('lenient'), '-f', $lenient_dump ], 'pg_dump of the updated database');
$node->safe_psql('postgres', 'CREATE DATABASE lenient_copy');
($rc, $out, $err) = ('', '', '');
my $restored = IPC::Run::run([ 'pg_restore', '-d', $node->connstr('lenient_copy'), $lenient_dump ], '>', \$out, '2>', \$err);
ok($restored, 'it restores with default options') or diag($err);
my $definitions = q{SELECT name, cooldown FROM lead_scoring.event_rules UNION ALL SELECT length(name)::text, NULL FROM lead_scoring.thresholds ORDER BY 1};
is($node->safe_psql('lenient_copy', $definitions), $node->safe_psql('lenient', $definitions), 'with the same definitions');

$node->stop;
done_testing();
