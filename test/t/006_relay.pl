# lead_scoring_relay against a real server: delivery through a command, a role
# that can do nothing else, two relays at once (no alert twice), a server restart
# mid-stream, a failing command retried and given up on, a relay killed with
# SIGKILL whose claimed alert another delivers after the lease, and SIGTERM
# stopping after the alert in hand.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run ();
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('relay');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'lead_scoring'");
$node->start;
# Every 'hot' event makes one alert (an event threshold at 0).
$node->safe_psql('postgres', q{
    CREATE EXTENSION lead_scoring;
    INSERT INTO lead_scoring.models (name) VALUES ('m');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'hot', 'hot', 10 FROM lead_scoring.models;
    INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, notify_channel)
    SELECT model_id, 'every hot event', 0, 'hot', 'sales' FROM lead_scoring.models;
    CREATE ROLE relay_user LOGIN IN ROLE lead_scoring_relay;
});
my $dir = PostgreSQL::Test::Utils::tempdir;
my $conninfo = $node->connstr('postgres') . ' user=relay_user';

my $next_contact = 1;
sub make_alerts {
    my ($n) = @_;
    my $from = $next_contact;
    $next_contact += $n;
    my $to = $next_contact - 1;
    $node->safe_psql('postgres', "INSERT INTO lead_scoring.events (contact_id, event_type) "
        . "SELECT c, 'hot' FROM generate_series($from, $to) c");
    return ($from, $to);
}
sub undelivered { $node->safe_psql('postgres', 'SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL') }
sub alert_ids_in {
    my @ids;
    for my $file (@_) {
        next unless -e $file;
        open my $fh, '<', $file or die "$file: $!";
        while (my $line = <$fh>) { push @ids, $1 if $line =~ /"alert_id": (\d+)/; }
        close $fh;
    }
    return @ids;
}
sub start_relay {
    my ($name, @args) = @_;
    my ($out, $err) = ('', '');
    my $h = IPC::Run::start([ 'lead_scoring_relay', '-d', $conninfo, '--poll', '0.2', @args ],
        '>', "$dir/$name.stdout", '2>', "$dir/$name.stderr");
    return $h;
}
sub wait_until {
    my ($sql, $want, $what) = @_;
    ok($node->poll_query_until('postgres', $sql, $want), $what);
}

# 1. Through a command, once: every alert reaches it as one JSON line with the
# threshold and the event, and is marked delivered.
make_alerts(5);
my ($stdout, $stderr) = ('', '');
IPC::Run::run([ 'lead_scoring_relay', '-d', $conninfo, '--once', '--exec', "cat >> $dir/once.jsonl" ],
    '>', \$stdout, '2>', \$stderr);
is($? >> 8, 0, '--once exits 0');
my @once = alert_ids_in("$dir/once.jsonl");
is(scalar(@once), 5, 'five alerts went through the command');
is(undelivered(), '0', 'and all five are marked delivered');
my $json = slurp_file("$dir/once.jsonl");
like($json, qr/"threshold": "every hot event"/, 'the JSON names the threshold');
like($json, qr/"event": \{"event_id": \d+, "event_type": "hot"/, 'and carries the event');
like($stderr, qr/delivered alert \d+ \(attempt 1\)/, 'one log line per delivery on stderr');
# The relay's role can claim and record, and read nothing else.
my ($ret, $o, $e) = $node->psql('postgres', 'SELECT count(*) FROM lead_scoring.alerts', extra_params => [ '-U', 'relay_user' ]);
like($e, qr/permission denied/, 'the relay role cannot read the alerts table');

# 2. Two relays at once, alerts arriving in batches: each delivered exactly once.
my $a = start_relay('a', '--exec', "cat >> $dir/two_a.jsonl", '--batch', '7');
my $b = start_relay('b', '--exec', "cat >> $dir/two_b.jsonl", '--batch', '7');
for (1 .. 6) { make_alerts(50); usleep(100_000); }
wait_until('SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL', '0', 'two relays delivered 300 alerts');
my @two = alert_ids_in("$dir/two_a.jsonl", "$dir/two_b.jsonl");
my %seen;
$seen{$_}++ for @two;
is(scalar(@two), 300, 'three hundred deliveries in all');
is(scalar(grep { $seen{$_} > 1 } keys %seen), 0, 'no alert delivered twice');

# 3. A server restart mid-stream: the relays reconnect and deliver the rest.
make_alerts(40);
$node->restart;
make_alerts(40);
wait_until('SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL', '0',
    'after a restart, every alert delivered');
my @after = alert_ids_in("$dir/two_a.jsonl", "$dir/two_b.jsonl");
my %got = map { $_ => 1 } @after;
is(scalar(keys %got), 380, 'every alert reached a command at least once');
like(slurp_file("$dir/a.stderr") . slurp_file("$dir/b.stderr"), qr/database: .*\n.*connected/s, 'the relays logged the reconnection');
$_->signal('TERM') for ($a, $b);
$_->finish for ($a, $b);

# 4. A failing command is retried (after --retry-base seconds), then succeeds; one
# that always fails is given up after --max-attempts and waits for an operator.
my ($first) = make_alerts(1);
my $flaky = start_relay('flaky', '--retry-base', '1',
    '--exec', "if [ -e $dir/flag ]; then cat >> $dir/flaky.jsonl; else touch $dir/flag; exit 1; fi");
wait_until("SELECT delivered_at IS NOT NULL FROM lead_scoring.alerts a JOIN lead_scoring.events e USING (event_id) WHERE e.contact_id = $first",
    't', 'a failed delivery is retried and succeeds');
is($node->safe_psql('postgres', "SELECT delivery_attempts || ' ' || coalesce(last_error, '-') FROM lead_scoring.alerts a JOIN lead_scoring.events e USING (event_id) WHERE e.contact_id = $first"),
    '2 -', 'two attempts; the error cleared');
$flaky->signal('TERM');
$flaky->finish;
my ($doomed) = make_alerts(1);
my $failing = start_relay('failing', '--retry-base', '1', '--max-attempts', '2', '--exec', 'exit 7');
wait_until('SELECT count(*) FROM lead_scoring.undelivered_alerts', '1', 'given up after --max-attempts');
is($node->safe_psql('postgres', 'SELECT delivery_attempts || \' \' || last_error FROM lead_scoring.undelivered_alerts'),
    '2 command exited with status 7', 'the attempts and the last error are kept for an operator');
$failing->signal('TERM');
$failing->finish;
$node->safe_psql('postgres', 'UPDATE lead_scoring.alerts SET delivered_at = now() WHERE delivery_failed_at IS NOT NULL');

# 5. SIGKILL mid-delivery: the claimed alert goes to another relay when its lease ends.
my ($stuck) = make_alerts(1);
my $victim = start_relay('victim', '--lease', '3', '--timeout', '2', '--exec', "cat >> $dir/victim.jsonl; sleep 60");
ok(wait_for_file("$dir/victim.jsonl"), 'the first relay is delivering the alert');
$victim->signal('KILL');  # SIGKILL at once (kill_kill would send SIGTERM first)
eval { $victim->finish };
my $rescuer = start_relay('rescuer', '--lease', '3', '--timeout', '2', '--exec', "cat >> $dir/rescuer.jsonl");
wait_until('SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL', '0',
    'another relay delivered the killed relay\'s alert');
is(scalar(alert_ids_in("$dir/rescuer.jsonl")), 1, 'once, after the lease');
$rescuer->signal('TERM');
$rescuer->finish;

# 6. A command that hangs is killed after --timeout and counts as a failure.
my ($hung) = make_alerts(1);
my $hanging = start_relay('hanging', '--timeout', '1', '--retry-base', '60', '--exec', 'sleep 30');
wait_until("SELECT last_error FROM lead_scoring.alerts a JOIN lead_scoring.events e USING (event_id) WHERE e.contact_id = $hung",
    'command timed out after 1 s (killed)', 'a hanging command is killed after --timeout');
$hanging->signal('TERM');
$hanging->finish;
$node->safe_psql('postgres', "UPDATE lead_scoring.alerts SET delivered_at = now() WHERE delivered_at IS NULL");

# 7. A batch claimed together: an alert whose lease ran out while the ones before it
# went out, and that another relay took meanwhile, is skipped, not delivered twice.
make_alerts(3);
# (Each delivery takes 1.8 s; the claims last 3 s: the third one's runs out at 3 s,
# before the second delivery ends at 3.6 s.)
my $slow_batch = start_relay('slow_batch', '--lease', '3', '--timeout', '2', '--batch', '3',
    '--exec', "cat >> $dir/slow_batch.jsonl; sleep 1.8");
usleep(300_000);
my $quick = start_relay('quick', '--lease', '3', '--timeout', '2', '--exec', "cat >> $dir/quick.jsonl");
wait_until('SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL', '0', 'the batch went out');
my %batch_seen;
$batch_seen{$_}++ for alert_ids_in("$dir/slow_batch.jsonl", "$dir/quick.jsonl");
is(scalar(grep { $batch_seen{$_} > 1 } keys %batch_seen), 0, 'no alert of the slow batch went out twice');
is(scalar(keys %batch_seen), 3, 'all three went out');
like(slurp_file("$dir/slow_batch.stderr"), qr/taken by another relay/, 'the slow relay skipped the alert it had lost');
$_->signal('TERM') for ($slow_batch, $quick);
$_->finish for ($slow_batch, $quick);

# 8. SIGTERM: the alert in hand is finished, the other claims given back, exit 0.
make_alerts(3);
my $slow = start_relay('slow', '--exec', "sleep 1; cat >> $dir/slow.jsonl");
usleep(500_000);
$slow->signal('TERM');
$slow->finish;
is($slow->result(0), 0, 'SIGTERM: exit status 0');
is(scalar(alert_ids_in("$dir/slow.jsonl")), 1, 'the alert in hand was delivered');
is($node->safe_psql('postgres', 'SELECT count(*) FROM lead_scoring.alerts WHERE delivered_at IS NULL'
        . ' AND delivery_attempts = 0 AND delivery_claimed_until IS NULL'), '2', 'the others were given back unattempted');

$node->stop;
done_testing();

sub wait_for_file {
    my ($file) = @_;
    for (1 .. 100) { return 1 if -s $file; usleep(100_000); }
    return 0;
}
