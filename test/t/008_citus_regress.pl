# The pg_regress suite against a Citus coordinator (issue 19). With the setting
# lead_scoring_test.citus on, each test's test/fresh.sql distributes the freshly
# created extension (lead_scoring.distribute(4), on two workers) before the test
# runs, and each test must print what it prints on one node (test/expected): the
# same SQL, results and errors. One difference is allowed: Citus adds to an error
# raised on a worker the line "while executing command on <node>".
#
# The tests left out are in %left_out, with the reason; every other test of
# test/sql runs and is compared.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# Left out: what they print differs on Citus for reasons of Citus or of the test
# itself, not of the scores (each difference was read; README "Scale-out on Citus").
my %left_out = (
    '06_batch'            => 'clears the tables with TRUNCATE under session_replication_role = replica, which does not reach the workers',
    '07_bad_input'        => 'Citus refuses a null contact_id with its own message; a TRUNCATE of the rules under citus.enable_ddl_propagation = off (test/fresh.sql) does not reach the workers',
    '09_leaderboard'      => 'prints plans (EXPLAIN) and writes scores straight into the internal table',
    '12_roles'            => 'SET ROLE to roles that cannot log in: Citus connects to the workers as the current role',
    '13_hostile_public'   => 'SET ROLE to a role that cannot log in (as 12_roles)',
    '14_edge_inputs'      => 'INSERT ... VALUES with subqueries (Citus refuses); an INSERT ... SELECT that Citus sends by COPY reports a shard\'s error as SQLSTATE XX000 (Citus\'s ReportCopyError keeps the message, not the code)',
    '17_recompute'        => 'deletes a score row under session_replication_role = replica, which does not reach the workers',
    '20_restore_mode'     => 'restore mode is judged by the restoring session, and the triggers run in the workers\' sessions',
    '24_model_edits'      => 'checks with correlated subqueries on several distributed tables that Citus cannot push down',
    '26_attribute_history'=> 'writes as a role created in the test (not on the workers)',
    '29_predictive'       => 'checks with subqueries Citus cannot plan, and prints plans (EXPLAIN)',
    '30_one_transaction'  => 'edits a rule after a multi-shard write in one transaction (Citus refuses it: SET LOCAL citus.multi_shard_modify_mode = sequential first)',
);

my @citus;
for my $name (qw(coordinator worker1 worker2)) {
    my $node = PostgreSQL::Test::Cluster->new($name);
    $node->init;
    $node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'citus,lead_scoring'
lead_scoring.maintenance = off
max_worker_processes = 16
max_connections = 60
});
    $node->start;
    $node->safe_psql('postgres', 'CREATE EXTENSION citus; CREATE EXTENSION lead_scoring;');
    push @citus, $node;
}
my ($coordinator, @workers) = @citus;
$coordinator->safe_psql('postgres', sprintf(q{SELECT citus_set_coordinator_host('%s', %d)},
                                            $coordinator->host, $coordinator->port));
$coordinator->safe_psql('postgres', sprintf(q{SELECT citus_add_node('%s', %d)}, $_->host, $_->port)) for @workers;
for my $worker (@workers) {
    # What pg_regress sets for its own session (PGDATESTYLE, intervalstyle), the
    # workers use for theirs: values printed in a shard's error then read alike.
    $worker->append_conf('postgresql.conf', q{
datestyle = 'Postgres, MDY'
intervalstyle = postgres_verbose
});
    $worker->reload;
    # Citus connects to the workers as the current role: lead_scoring_reader, which
    # 18_evaluate evaluates as after SET ROLE, must be able to log in there (as a
    # role that runs distributed reads must on any cluster).
    $worker->safe_psql('postgres', 'ALTER ROLE lead_scoring_reader LOGIN');
}

my $dir = "$ENV{TESTDIR}/regress";
opendir(my $dh, "$dir/test/sql") or die "$dir/test/sql: $!";
my @tests = sort grep { !$left_out{$_} } map { /^(.*)\.sql$/ ? $1 : () } readdir($dh);
closedir $dh;
ok(@tests >= 18, scalar(@tests) . ' of the suite\'s ' . (scalar(@tests) + scalar(keys %left_out)) . ' tests run on the coordinator');

my $out = "$PostgreSQL::Test::Utils::tmp_check/regress_citus";
mkdir $out;
chdir $dir or die "$dir: $!";
{
    # (pg_regress's own verdict is not used: its diff does not know the one allowed difference)
    local $ENV{PGOPTIONS} = '-c lead_scoring_test.citus=on';
    system($ENV{PG_REGRESS}, '--use-existing', '--dbname=postgres', '--host=' . $coordinator->host,
           '--port=' . $coordinator->port, '--inputdir=test', "--outputdir=$out", @tests);
}
# What differs on a coordinator without being a difference: a shard's name in an
# error (events_102008 for events); the context lines Citus adds (the worker that
# raised) and the extension adds when it routes a call to a shard (the statement
# on lead_scoring.shards). Where such a line opened the context, the next context
# line opens it instead.
sub normalised {
    my ($file) = @_;
    my ($out, $carry) = ('', 0);
    for my $line (split /^/, slurp_file($file)) {
        if ($line =~ /^(CONTEXT:  )?(while executing command on |SQL statement "SELECT .*FROM lead_scoring\.shards s\b)/) {
            $carry ||= defined $1;
            next;
        }
        $line = "CONTEXT:  $line" if $carry && $line =~ /^(SQL statement|SQL function|PL\/pgSQL function|COPY) /;
        $carry = 0;
        $line =~ s/"(\w+)_1\d{5,}"/"$1"/g;
        $out .= $line;
    }
    return $out;
}
for my $test (@tests) {
    my $expected = normalised("$dir/test/expected/$test.out");
    my $got = -e "$out/results/$test.out" ? normalised("$out/results/$test.out") : '';
    is($got, $expected, "$test prints on the coordinator what it prints on one node");
}
# (each test distributed afresh: the last one left its shards on the workers)
ok($workers[0]->safe_psql('postgres', q{SET citus.override_table_visibility = off;
    SELECT count(*) FROM pg_class WHERE relname ~ '^contact_scores_[0-9]+$'}) > 0, 'the tests ran distributed');

$_->stop for @citus;
done_testing();
