# Bounded memory (issue 20): events of one statement are scored in chunks
# (lead_scoring.event_chunk_size, 50,000), each in an SPI connection of its own, so a large
# COPY needs the memory of one chunk, not of all its events. Measured as the
# backend's peak resident memory (VmHWM, read by the backend itself from /proc
# after the COPY) with small shared buffers, so that private memory dominates:
#   - a scored COPY of 200,000 events in chunks of 10,000 peaks at most 2x the same
#     COPY with the triggers off;
#   - the same COPY scored in one chunk peaks clearly higher (the measure sees what
#     chunking saves: without it, the first check fails);
#   - both scored COPYs give the same scores, and every event is scored.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('memory');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'lead_scoring'
shared_buffers = 16MB
lead_scoring.maintenance = off
});
$node->start;

my $events = 200000;
my $file = "$PostgreSQL::Test::Utils::tmp_check/events.csv";
$node->safe_psql('postgres', qq{
    COPY (SELECT (i % 20000) + 1, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'visit' END,
                 timestamptz '2026-06-01' - (i || ' seconds')::interval
            FROM generate_series(1, $events) i) TO '$file' CSV});

# A database with a model, its contacts known; returns nothing.
sub fresh_db {
    my ($db) = @_;
    $node->safe_psql('postgres', "CREATE DATABASE $db");
    $node->safe_psql($db, q{
        CREATE EXTENSION lead_scoring;
        INSERT INTO lead_scoring.models (name) VALUES ('m');
        INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 50 FROM lead_scoring.models;
        INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 2 FROM lead_scoring.models;
        INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
        SELECT model_id, group_id, 'open', 'open', 1 FROM lead_scoring.point_groups WHERE name = 'email';
        INSERT INTO lead_scoring.contacts (contact_id) SELECT generate_series(1, 20000)});
}

# COPYs the file in a new backend with the given settings; returns its peak resident kB.
sub copy_peak {
    my ($db, $settings) = @_;
    return $node->safe_psql($db, qq{
        $settings
        COPY lead_scoring.events (contact_id, event_type, occurred_at) FROM '$file' CSV;
        SELECT substring(pg_catalog.pg_read_file('/proc/self/status') FROM 'VmHWM:\\s+(\\d+)')::int});
}

fresh_db('plain');
my $plain = copy_peak('plain', 'SET session_replication_role = replica;');
fresh_db('chunked');
my $chunked = copy_peak('chunked', 'SET lead_scoring.event_chunk_size = 10000;');
fresh_db('one_chunk');
my $one_chunk = copy_peak('one_chunk', 'SET lead_scoring.event_chunk_size = 1000000;');
note("peak resident memory: triggers off $plain kB, scored in chunks $chunked kB, scored in one chunk $one_chunk kB");

ok($chunked <= 2 * $plain, "a scored COPY of $events events peaks at most 2x the COPY with triggers off ($chunked <= 2 x $plain kB)");
ok($one_chunk > $chunked + 20 * 1024, "scoring all of them in one chunk peaks higher ($one_chunk kB): the measure sees chunking");

my $totals = q{SELECT count(*), sum(score) FROM lead_scoring.scores};
is($node->safe_psql('chunked', $totals), $node->safe_psql('one_chunk', $totals), 'both scored COPYs give the same scores');
is($node->safe_psql('chunked', q{SELECT count(*) FROM lead_scoring.ledger}), $events, 'every event is scored');

$node->stop;
done_testing();
