#!/usr/bin/env bash
# Runs every test: Boost.Test unit tests of the core, then pg_regress and isolation
# specs against a throwaway PostgreSQL 15 cluster. Installs what it needs (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh

echo "== build and install the extension"
make -s -j2 >/dev/null
if [ "$(id -u)" -eq 0 ]; then make -s install >/dev/null; else sudo make -s install >/dev/null; fi

echo "== unit tests (Boost.Test, src/core)"
make -s unit

echo "== pg_regress and isolation tests"
source scripts/pg_cluster.sh
trap cluster_stop EXIT
cluster_start "${TMPDIR:-/tmp}/lead_scoring_test_$$" 54329 "shared_preload_libraries = 'lead_scoring'"
mkdir -p test/results/isolation
if ! make -s installcheck; then
    for f in test/results/regression.diffs test/results/isolation/regression.diffs; do
        [ -f "$f" ] && cat "$f"
    done
    exit 1
fi
echo "== TAP tests (test/t: dump and restore, the maintenance worker)"
bash scripts/run_tap.sh
echo "== all tests passed"
