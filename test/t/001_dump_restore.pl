# Backup: pg_dump of a database using lead_scoring, restored into a fresh database
# (triggers off while loading, as README "Backup and restore" says), gives the same
# rules, contacts, events, scores, ledger and alerts, and scoring goes on from there
# exactly as in the original.
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
    INSERT INTO lead_scoring.events (contact_id, event_type, properties)
    SELECT c, 'page_visit', '{"url": "/pricing"}' FROM generate_series(2, 40) c;
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
    ledger          => 'SELECT * FROM lead_scoring.ledger ORDER BY entry_id',
    alerts          => 'SELECT * FROM lead_scoring.alerts ORDER BY alert_id',
    leaderboard     => q{SELECT contact_id, score, band, rank FROM lead_scoring.leaderboard WHERE model = 'sauna'},
);

sub same_content {
    my ($other, $label) = @_;
    for my $name (sort keys %content) {
        my $want = $node->safe_psql('src', $content{$name});
        my $got  = $node->safe_psql($other, $content{$name});
        isnt($want, '', "$name is not empty in src");
        is($got, $want, "$label: $name is the same after the restore");
    }
}

my $plain = "$PostgreSQL::Test::Utils::tmp_check/src.sql";
my $custom = "$PostgreSQL::Test::Utils::tmp_check/src.dump";
$node->command_ok([ 'pg_dump', '-d', $node->connstr('src'), '-f', $plain ], 'pg_dump, plain format');
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $custom ], 'pg_dump, custom format');

# Plain format through psql, with triggers off while loading.
$node->safe_psql('postgres', 'CREATE DATABASE dst_plain');
{
    local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
    $node->command_ok(
        [ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-d', $node->connstr('dst_plain'), '-f', $plain ],
        'restore of the plain dump');
}
same_content('dst_plain', 'plain');

# Custom format through pg_restore.
$node->safe_psql('postgres', 'CREATE DATABASE dst_custom');
{
    local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
    $node->command_ok([ 'pg_restore', '--exit-on-error', '--single-transaction', '-d', $node->connstr('dst_custom'), $custom ],
        'restore of the custom dump');
}
same_content('dst_custom', 'custom');

# Scoring goes on identically: new events, a new contact, a new model (default group).
my $more = q{
    INSERT INTO lead_scoring.events (contact_id, event_type, properties)
    VALUES (1, 'page_visit', '{"url": "/pricing"}'), (2, 'webinar_attended', '{}'), (500, 'page_visit', '{"url": "/saunas"}');
    SELECT lead_scoring.adjust('sauna', 5, 1, 'after the restore');
    INSERT INTO lead_scoring.models (name) VALUES ('second');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'visit', 'page_visit', 1 FROM lead_scoring.models WHERE name = 'second';
    INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
};
for my $db ('src', 'dst_plain') {
    $node->safe_psql($db, $more);
}
# Timestamps set by now() differ between the two databases; everything else must not.
my %after = (
    events       => 'SELECT event_id, contact_id, event_type, properties FROM lead_scoring.events ORDER BY event_id',
    ledger       => 'SELECT entry_id, model_id, group_id, contact_id, delta, kind, rule_id, event_id, reason'
                  . ' FROM lead_scoring.ledger ORDER BY entry_id',
    alerts       => 'SELECT alert_id, threshold_id, contact_id, score, event_id FROM lead_scoring.alerts ORDER BY alert_id',
    point_groups => 'SELECT group_id, model_id, name FROM lead_scoring.point_groups ORDER BY group_id',
    leaderboard  => $content{leaderboard},
);
for my $name (sort keys %after) {
    is($node->safe_psql('dst_plain', $after{$name}), $node->safe_psql('src', $after{$name}),
        "after more scoring: $name the same");
}

$node->stop;
done_testing();
