# The maintenance worker: it decays scores on its own, picks up a changed interval
# on SIGHUP, comes back after SIGTERM and after a SIGKILL crash without applying
# any step twice, never stands in the way of DROP DATABASE, stays idle on a standby
# and starts after promotion.
#
# Every contact gets one 100-point visit 10 days 12 hours ago, in a group decaying
# 1 point a day after 1 day: 10 steps are due (the 11th is 12 hours away), so the
# right score is exactly 90 and the contact's decay ledger rows sum to exactly -10,
# however often maintenance runs.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $model = q{
    CREATE EXTENSION lead_scoring;
    INSERT INTO lead_scoring.models (name) VALUES ('m');
    UPDATE lead_scoring.point_groups SET decay_after = '1 day', decay_every = '1 day', decay_points = 1;
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'visit', 'visit', 100 FROM lead_scoring.models;
};

sub add_due_contacts {
    my ($node, $db, $from, $to) = @_;
    $node->safe_psql($db, qq{
        INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
        SELECT c, 'visit', now() - interval '10 days 12 hours' FROM generate_series($from, $to) c});
}

# Contacts of the range whose score is not 90 yet.
sub undecayed_sql {
    my ($from, $to) = @_;
    return "SELECT count(*) FROM lead_scoring.scores WHERE contact_id BETWEEN $from AND $to AND score <> 90";
}

sub wait_decayed {
    my ($node, $db, $from, $to, $what) = @_;
    ok($node->poll_query_until($db, undecayed_sql($from, $to), '0'), $what);
}

# Every contact of the range has decay rows summing to exactly -10.
sub exactly_once {
    my ($node, $db, $from, $to, $what) = @_;
    my $n = $to - $from + 1;
    is($node->safe_psql($db, qq{
        SELECT count(*) FILTER (WHERE s = -10) || '/' || count(*) FROM (
            SELECT contact_id, sum(delta) AS s FROM lead_scoring.ledger
             WHERE kind = 'decay' AND contact_id BETWEEN $from AND $to GROUP BY contact_id) x}),
        "$n/$n", $what);
}

sub launcher_pid {
    my ($node) = @_;
    return $node->safe_psql('postgres',
        q{SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE backend_type = 'lead_scoring launcher'});
}

sub set_and_reload {
    my ($node, $setting, $value) = @_;
    $node->safe_psql('postgres', "ALTER SYSTEM SET $setting = '$value'");
    $node->safe_psql('postgres', 'SELECT pg_reload_conf()');
}

my $node = PostgreSQL::Test::Cluster->new('worker');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'lead_scoring'
lead_scoring.database = 'app'
lead_scoring.maintenance_interval = '200ms'
restart_after_crash = on
});
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', $model);

# 1. On its own, with a short interval.
add_due_contacts($node, 'app', 1, 100);
wait_decayed($node, 'app', 1, 100, 'the worker decays due contacts on its own');
exactly_once($node, 'app', 1, 100, 'each step applied once');
isnt(launcher_pid($node), '0', 'the launcher is in pg_stat_activity');
is($node->safe_psql('app', q{SELECT count(DISTINCT actor) || ' ' || min(kind) FROM lead_scoring.ledger WHERE kind = 'decay'}),
   '1 decay', 'decay rows are in the ledger');

# 2. SIGHUP: a long interval holds the next round back; a short one set by reload
#    brings it on.
set_and_reload($node, 'lead_scoring.maintenance_interval', '1h');
sleep 1;  # any round under way ends; the next is an hour away
add_due_contacts($node, 'app', 101, 200);
sleep 2;
is($node->safe_psql('app', undecayed_sql(101, 200)), '100', 'nothing decays within 2 s on a 1 h interval');
set_and_reload($node, 'lead_scoring.maintenance_interval', '200ms');
wait_decayed($node, 'app', 101, 200, 'a reloaded short interval applies at once');

# 3. SIGTERM: the postmaster starts the launcher again.
my $old = launcher_pid($node);
kill 'TERM', $old;
ok($node->poll_query_until('postgres',
        qq{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'lead_scoring launcher' AND pid <> $old}, '1'),
   'a new launcher after SIGTERM');
add_due_contacts($node, 'app', 201, 300);
wait_decayed($node, 'app', 201, 300, 'the new launcher decays');

# 4. SIGKILL of a worker in the middle of a long run: the postmaster reinitializes
#    every process; no batch is half-applied and no step is applied twice.
set_and_reload($node, 'lead_scoring.maintenance_interval', '1h');
set_and_reload($node, 'lead_scoring.batch_size', '20');
sleep 1;
add_due_contacts($node, 'app', 1001, 21000);
set_and_reload($node, 'lead_scoring.maintenance_interval', '200ms');
ok($node->poll_query_until('postgres', q{
        SELECT count(*) > 0 FROM pg_stat_activity
         WHERE backend_type = 'lead_scoring maintenance' AND query LIKE 'lead_scoring maintenance: batch%'}),
   'a maintenance worker is running batches');
# Workers come and go (a second each): take whichever is there.
# With the worker's pid, how many contacts were still undecayed just before the
# kill: more than 0 means the run was not over.
my ($worker, $left) = ('', 0);
for (1 .. 100) {
    ($worker, $left) = split /\|/, $node->safe_psql('app',
        q{SELECT coalesce(max(pid)::text, '') || '|' || (} . undecayed_sql(1001, 21000) . q{)
            FROM pg_stat_activity WHERE backend_type = 'lead_scoring maintenance'});
    last if $worker ne '' && kill('KILL', $worker);
    $worker = '';
    select(undef, undef, undef, 0.05);
}
isnt($worker, '', 'killed a maintenance worker');
cmp_ok($left, '>', 0, "the run was not over when the worker was killed ($left contacts left)");

wait_decayed($node, 'app', 1001, 21000, 'after the crash, maintenance finishes the run');
exactly_once($node, 'app', 1001, 21000, 'no step applied twice across the crash');
like(slurp_file($node->logfile), qr/terminated by signal 9/, 'the server log shows the crash');
set_and_reload($node, 'lead_scoring.batch_size', '1000');

# 5. DROP DATABASE while the worker maintains it: the worker leaves within a second
#    (DROP DATABASE waits up to 5 s for other sessions).
$node->safe_psql('postgres', 'CREATE DATABASE scratch');
$node->safe_psql('scratch', $model);
set_and_reload($node, 'lead_scoring.maintenance_interval', '1h');
sleep 1;
add_due_contacts($node, 'scratch', 1, 50000);
set_and_reload($node, 'lead_scoring.batch_size', '20');
set_and_reload($node, 'lead_scoring.database', 'scratch, app');
set_and_reload($node, 'lead_scoring.maintenance_interval', '200ms');
ok($node->poll_query_until('postgres', q{
        SELECT count(*) > 0 FROM pg_stat_activity
         WHERE backend_type = 'lead_scoring maintenance' AND datname = 'scratch'}),
   'a worker is connected to the database to drop');
my ($rc, $out, $err) = $node->psql('postgres', 'DROP DATABASE scratch');
is($rc, 0, 'DROP DATABASE succeeds while the worker maintains it') or diag($err);
set_and_reload($node, 'lead_scoring.database', 'app');
set_and_reload($node, 'lead_scoring.batch_size', '1000');
add_due_contacts($node, 'app', 30001, 30010);
wait_decayed($node, 'app', 30001, 30010, 'the worker goes on after the drop');
$node->stop;

# 6. A standby runs no maintenance; promoted, it does. The primary keeps the worker
#    off so that the contacts are still due when the standby is promoted.
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'lead_scoring'
lead_scoring.database = 'app'
lead_scoring.maintenance_interval = '200ms'
lead_scoring.maintenance = off
});
$primary->start;
$primary->safe_psql('postgres', 'CREATE DATABASE app');
$primary->safe_psql('app', $model);
add_due_contacts($primary, 'app', 1, 100);
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->append_conf('postgresql.conf', 'lead_scoring.maintenance = on');
$standby->start;
$primary->wait_for_catchup($standby);
sleep 2;
is($standby->safe_psql('postgres',
        q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'lead_scoring%'}),
   '0', 'no lead_scoring worker on the standby');
is($standby->safe_psql('app', undecayed_sql(1, 100)), '100', 'nothing decayed on the standby');
$primary->stop;
$standby->promote;
ok($standby->poll_query_until('postgres',
        q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'lead_scoring launcher'}, '1'),
   'the launcher starts after promotion');
wait_decayed($standby, 'app', 1, 100, 'the promoted standby decays');
exactly_once($standby, 'app', 1, 100, 'each step once on the promoted standby');
$standby->stop;

done_testing();
