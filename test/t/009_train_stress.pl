# train under live load (issue 17): pgbench clients insert batches of visits and
# purchases and update contacts' attributes while two others keep training the model
# (one train at a time: the second waits for the first to commit).
# train reads history without locking the score rows, then locks them for the
# refresh and counts again any row written since its read (src/pg/training.cpp,
# refresh_kept). Nothing may deadlock or fail, and afterwards every contact's kept
# probability (live counts on top of the last train's refresh) equals a recount
# of its whole history (refresh_probabilities).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use PgbenchRun;

# (at least 8 s: the trains stop 3 s before the events, and must run a few times)
my $seconds = $ENV{LEAD_SCORING_STRESS_SECONDS} // 15;
$seconds = 8 if $seconds < 8;

my $node = PostgreSQL::Test::Cluster->new('train_stress');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'lead_scoring'
max_connections = 40
log_lock_waits = on
deadlock_timeout = '200ms'
});
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE train');
# 1,500 contacts with an industry and a size, 1-4 visits each, a third of them
# converted; the model counts visits and reads both attributes.
$node->safe_psql('train', q{
    CREATE EXTENSION lead_scoring;
    INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('p', 'buy');
    INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
    SELECT model_id, 'visit', 'visit', 5 FROM lead_scoring.models;
    INSERT INTO lead_scoring.predictive_features (model_id, name, kind, event_type)
    SELECT model_id, 'visits', 'event_count', 'visit' FROM lead_scoring.models;
    INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path, min_count)
    SELECT model_id, 'industry', 'attribute_category', '$.industry', 5 FROM lead_scoring.models;
    INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path)
    SELECT model_id, 'size', 'attribute_number', '$.size' FROM lead_scoring.models;
    INSERT INTO lead_scoring.contacts (contact_id, attributes)
    SELECT c, jsonb_build_object('industry', (ARRAY['saas', 'retail', 'bank'])[1 + c % 3], 'size', c % 97)
      FROM generate_series(1, 1500) c;
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
    SELECT c, 'visit', now() - v * interval '1 day' FROM generate_series(1, 1500) c, generate_series(1, 4) v
     WHERE v <= 1 + (c * 7) % 4;
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
    SELECT c, 'buy', now() - interval '1 hour' FROM generate_series(1, 1500) c WHERE c % 3 = 0;
    SELECT count(*) FROM lead_scoring.train('p');
});

my %scripts = (
    # visits and now and then a purchase (so rarely that enough contacts stay
    # unconverted for every train) for known contacts, in batches
    'batch.sql' => q{INSERT INTO lead_scoring.events (contact_id, event_type)
SELECT 1 + (random() * 1499)::bigint, CASE WHEN random() < 0.001 THEN 'buy' ELSE 'visit' END
  FROM generate_series(1, 20);
},
    'attributes.sql' => q{\set c random(1, 1500)
UPDATE lead_scoring.contacts SET attributes = jsonb_build_object('industry', (ARRAY['saas', 'retail', 'bank', 'gov'])[1 + :c % 4],
                                                                 'size', (random() * 100)::int)
 WHERE contact_id = :c;
},
    'train.sql' => q{SELECT count(*) FROM lead_scoring.train('p');
},
);
my $dir = PostgreSQL::Test::Utils::tempdir();
for my $name (keys %scripts) {
    open(my $fh, '>', "$dir/$name") or die "$dir/$name: $!";
    print $fh $scripts{$name};
    close($fh);
}

# Events for the whole run; trains (two clients) for all but the last 3 seconds, so that the last train's refresh ran while events came and the
# events after it are counted live.
my ($stdout, $stderr, $train_out, $train_err) = ('', '', '', '');
my $trains_run = IPC::Run::start(
    [ 'pgbench', '-n', '-c', '2', '-j', '2', '-T', $seconds - 3, '--max-tries=1', '--failures-detailed',
      '-f', "$dir/train.sql", $node->connstr('train') ],
    '>', \$train_out, '2>', \$train_err);
my $ok = IPC::Run::run(
    [ 'pgbench', '-n', '-c', '4', '-j', '4', '-T', $seconds, '--max-tries=1', '--failures-detailed',
      '-f', "$dir/batch.sql\@5", '-f', "$dir/attributes.sql\@1", $node->connstr('train') ],
    '>', \$stdout, '2>', \$stderr);
ok($ok, 'pgbench ran the events') or diag($stderr);
ok($trains_run->finish, 'pgbench ran the trains') or diag($train_err);
check_pgbench_report($stdout, $stderr, $seconds);
my ($trains) = $train_out =~ /number of transactions actually processed: (\d+)/;
my ($trains_failed) = $train_out =~ /number of failed transactions: (\d+)/;
ok(defined $trains && $trains >= 3, 'train ran again and again under the load (' . ($trains // 'none') . ' times)')
    or diag($train_out);
is($trains_failed, '0', 'no train failed') or diag($train_err);
unlike(slurp_file($node->logfile), qr/deadlock detected/, 'the server log has no deadlock');

# Every kept probability against a recount from the whole history, now that nothing
# runs: the live counts added on top of the last refresh, and the rows that refresh
# counted again, must give what the history gives.
$node->safe_psql('train', q{
    CREATE TABLE kept AS SELECT contact_id, conversion_probability AS p FROM lead_scoring.scores WHERE model = 'p';
    SELECT lead_scoring.refresh_probabilities('p');
});
is($node->safe_psql('train', q{
    SELECT count(*) || ' contacts, ' || count(*) FILTER (WHERE k.p IS NULL) || ' without a probability, '
           || count(*) FILTER (WHERE k.p IS NULL OR abs(k.p - s.conversion_probability) > 1e-9) || ' differ'
      FROM kept k JOIN lead_scoring.scores s USING (contact_id) WHERE s.model = 'p'}),
    '1500 contacts, 0 without a probability, 0 differ',
    'every kept probability equals a recount of its history');

done_testing();
