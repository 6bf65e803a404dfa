# Backup (README "Backup and restore"): pg_dump of a database using lead_scoring,
# restored with the tools' default options (plain dump through psql, custom archive
# through pg_restore, a data-only dump into a database where the extension was just
# created) and the documented
# session_replication_role way, gives the same rules, contacts, events, scores,
# ledger and alerts: no error, no default group created twice, no event scored twice.
# Scoring then goes on in every copy exactly as in the original.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'lead_scoring'");
$node->start;

sub psql_file {
    my ($db, $file, %env) = @_;
    local %ENV = (%ENV, %env);
    $node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $file ],
        "psql $file into $db");
}

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION lead_scoring');
psql_file('src', 'examples/sauna_model.sql');
psql_file('src', 'examples/sauna_story.sql');
$node->safe_psql('src', q{
    -- a model whose awards count for ten years (window awards to dump)
    INSERT INTO lead_scoring.models (name) VALUES ('windowed');
    UPDATE lead_scoring.point_groups SET window_size = '10 years'
     WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'windowed');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'visit', 'page_visit', 3 FROM lead_scoring.models WHERE name = 'windowed';
    INSERT INTO lead_scoring.events (contact_id, event_type, properties)
    SELECT c, 'page_visit', '{"url": "/pricing"}' FROM generate_series(2, 40) c;
    UPDATE lead_scoring.contacts SET attributes = attributes || '{"stage": "lead"}' WHERE contact_id <= 10;
    -- a combination rule, its sets to dump
    INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by)
    SELECT model_id, 'visit and webinar', 'topic' FROM lead_scoring.models WHERE name = 'sauna';
    INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type)
    SELECT rule_id, f.fact, f.event_type FROM lead_scoring.combination_rules,
           (VALUES ('visited', 'page_visit'), ('attended', 'webinar_attended')) f(fact, event_type);
    INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points)
    SELECT rule_id, '{visited,attended}', 7 FROM lead_scoring.combination_rules;
    INSERT INTO lead_scoring.events (contact_id, event_type, properties)
    SELECT c, 'page_visit', '{"topic": "saunas"}' FROM generate_series(1, 3) c;
    INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'webinar_attended', '{"topic": "saunas"}');
    -- an absence rule: one deadline fired, one pending far ahead
    INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, deadline_after, points)
    SELECT model_id, 'visit, no webinar', 'page_visit', 'webinar_attended', '1 day', -4 FROM lead_scoring.models WHERE name = 'sauna';
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
        (5, 'page_visit', '2026-01-01'), (5, 'page_visit', '2026-01-05'), (6, 'page_visit', '2999-01-01');
    SELECT lead_scoring.adjust('sauna', 2, 12.5, 'met at the fair');
    SELECT lead_scoring.reset('sauna', 3, 'back to nurture');
    UPDATE lead_scoring.alerts SET acknowledged_at = '2026-05-01 10:00+00' WHERE contact_id = 1;
    SELECT lead_scoring.forget_contact(4);
});

# What must survive, table by table, in a stable order.
my %content = (
    models          => 'SELECT * FROM lead_scoring.models ORDER BY model_id',
    point_groups    => 'SELECT * FROM lead_scoring.point_groups ORDER BY group_id',
    event_rules     => 'SELECT * FROM lead_scoring.event_rules ORDER BY rule_id',
    attribute_rules => 'SELECT * FROM lead_scoring.attribute_rules ORDER BY rule_id',
    thresholds      => 'SELECT * FROM lead_scoring.thresholds ORDER BY threshold_id',
    bands           => 'SELECT * FROM lead_scoring.bands ORDER BY model_id, min_score',
    contacts        => 'SELECT * FROM lead_scoring.contacts ORDER BY contact_id',
    events          => 'SELECT * FROM lead_scoring.events ORDER BY event_id',
    scores          => 'SELECT * FROM lead_scoring.contact_scores ORDER BY model_id, contact_id',
    score_keys      => 'SELECT * FROM lead_scoring.contact_score_keys ORDER BY contact_id, model_id',
    ledger          => 'SELECT * FROM lead_scoring.ledger ORDER BY entry_id',
    alerts          => 'SELECT * FROM lead_scoring.alerts ORDER BY alert_id',
    window_awards   => 'SELECT * FROM lead_scoring.window_awards ORDER BY contact_id, model_id, group_id, occurred_at, event_id',
    history         => 'SELECT * FROM lead_scoring.contact_attribute_history ORDER BY contact_id, change_id',
    combination_rules => 'SELECT * FROM lead_scoring.combination_rules ORDER BY rule_id',
    combination_facts => 'SELECT * FROM lead_scoring.combination_facts ORDER BY rule_id, fact',
    combination_tiers => 'SELECT * FROM lead_scoring.combination_tiers ORDER BY tier_id',
    combination_sets  => 'SELECT * FROM lead_scoring.combination_sets ORDER BY contact_id, model_id, rule_id, correlation',
    absence_rules     => 'SELECT * FROM lead_scoring.absence_rules ORDER BY rule_id',
    absence_deadlines => 'SELECT * FROM lead_scoring.absence_deadlines ORDER BY contact_id, model_id, rule_id, correlation',
    leaderboard     => q{SELECT contact_id, score, band, rank FROM lead_scoring.leaderboard WHERE model = 'sauna' ORDER BY rank, contact_id},
);

sub same_content {
    my ($other, $label) = @_;  # the database restored, and how
    for my $name (sort keys %content) {
        my $want = $node->safe_psql('src', $content{$name});
        my $got  = $node->safe_psql($other, $content{$name});
        isnt($want, '', "$name is not empty in src");
        is($got, $want, "$label: $name is the same after the restore");
    }
}

my $tmp = $PostgreSQL::Test::Utils::tmp_check;
my $plain = "$tmp/src.sql";
my $custom = "$tmp/src.dump";
my $data_only = "$tmp/src_data.sql";
$node->command_ok([ 'pg_dump', '-d', $node->connstr('src'), '-f', $plain ], 'pg_dump, plain format');
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $custom ], 'pg_dump, custom format');
$node->command_ok([ 'pg_dump', '--data-only', '-d', $node->connstr('src'), '-f', $data_only ], 'pg_dump --data-only');

# Runs a restore command with default options: it must succeed and print nothing
# (psql without ON_ERROR_STOP goes on after an error and still exits 0, so its
# stderr is what tells).
sub restore_ok {
    my ($cmd, $what, %env) = @_;
    local %ENV = (%ENV, %env);
    my ($stdout, $stderr) = ('', '');
    my $ok = IPC::Run::run($cmd, '>', \$stdout, '2>', \$stderr);
    ok($ok, "$what: exit code 0");
    is($stderr, '', "$what: no error or warning");
}

my @restored;
sub restored_into {
    my ($db, $cmd, $what, %env) = @_;
    restore_ok($cmd, $what, %env);
    same_content($db, $what);
    push @restored, $db;
}

$node->safe_psql('postgres', "CREATE DATABASE $_")
    for qw(dst_plain dst_custom dst_data dst_replica);

restored_into('dst_plain', [ 'psql', '-X', '-q', '-d', $node->connstr('dst_plain'), '-f', $plain ],
    'plain dump through psql');
restored_into('dst_custom', [ 'pg_restore', '-d', $node->connstr('dst_custom'), $custom ],
    'custom archive through pg_restore');
$node->safe_psql('dst_data', 'CREATE EXTENSION lead_scoring');
restored_into('dst_data', [ 'psql', '-X', '-q', '-d', $node->connstr('dst_data'), '-f', $data_only ],
    'data-only dump into a fresh CREATE EXTENSION');
# The way 0.1 documented, still working: triggers off for the whole restore.
restored_into('dst_replica',
    [ 'pg_restore', '--exit-on-error', '--single-transaction', '-d', $node->connstr('dst_replica'), $custom ],
    'custom archive with session_replication_role = replica', PGOPTIONS => '-c session_replication_role=replica');

# Scoring goes on identically: new events, a new contact, a new model (default group).
my $more = q{
    INSERT INTO lead_scoring.events (contact_id, event_type, properties)
    VALUES (1, 'page_visit', '{"url": "/pricing"}'), (2, 'webinar_attended', '{}'), (500, 'page_visit', '{"url": "/saunas"}'),
           (2, 'webinar_attended', '{"topic": "saunas"}');
    SELECT lead_scoring.adjust('sauna', 5, 1, 'after the restore');
    INSERT INTO lead_scoring.models (name) VALUES ('second');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'visit', 'page_visit', 1 FROM lead_scoring.models WHERE name = 'second';
    INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
    INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (600, '{"is_business": true}');
};
for my $db ('src', @restored) {
    $node->safe_psql($db, $more);
}
# Timestamps set by now() differ between the databases; everything else must not.
my %after = (
    events       => 'SELECT event_id, contact_id, event_type, properties FROM lead_scoring.events ORDER BY event_id',
    ledger       => 'SELECT entry_id, model_id, group_id, contact_id, delta, kind, rule_id, event_id, reason'
                  . ' FROM lead_scoring.ledger ORDER BY entry_id',
    alerts       => 'SELECT alert_id, threshold_id, contact_id, score, event_id FROM lead_scoring.alerts ORDER BY alert_id',
    point_groups => 'SELECT group_id, model_id, name FROM lead_scoring.point_groups ORDER BY group_id',
    leaderboard  => $content{leaderboard},
    explain      => q{SELECT point_group, source, rule, event_id, points FROM lead_scoring.explain('sauna', 1)},
);
for my $db (@restored) {
    for my $name (sort keys %after) {
        is($node->safe_psql($db, $after{$name}), $node->safe_psql('src', $after{$name}),
            "$db, after more scoring: $name the same");
    }
}
is($node->safe_psql('src', q{SELECT count(*) FROM lead_scoring.point_groups g JOIN lead_scoring.models m USING (model_id)
                               WHERE m.name = 'second' AND g.name = 'default'}), '1', 'a new model still gets its default group');

$node->stop;
done_testing();
