# What the pgbench stress tests (004, 009) check in pgbench's report: transactions
# were processed, none failed, none was a deadlock.
package PgbenchRun;
use strict;
use warnings;
use Exporter 'import';
use Test::More;

our @EXPORT = qw(check_pgbench_report);

sub check_pgbench_report {
    my ($stdout, $stderr, $seconds) = @_;
    my ($done) = $stdout =~ /number of transactions actually processed: (\d+)/;
    my ($failed) = $stdout =~ /number of failed transactions: (\d+)/;
    my ($deadlocks) = $stdout =~ /number of deadlock failures: (\d+)/;
    ok(defined $done && $done > 100, "transactions were processed (" . ($done // 'none') . " in $seconds s)");
    is($deadlocks, '0', 'no deadlock');
    is($failed, '0', 'no failed transaction') or diag($stderr);
}

1;
