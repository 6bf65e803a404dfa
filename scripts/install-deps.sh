#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12 (run as root).
set -euo pipefail
packages=(postgresql-15 postgresql-server-dev-15 postgresql-contrib libpq-dev
          g++ make cmake libboost-test-dev libipc-run-perl libeigen3-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install them)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Citus, for the scale-out tests (test/t/007_citus.pl): Debian 12 does not package
# it, so it is built from the source archive in ../shared/citus (about 3 minutes on
# 2 cores; nothing to do when it is installed).
citus_build="$(cd "$(dirname "$0")/.." && pwd)/../shared/citus/build.sh"
if [ ! -f "$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)/citus.so" ]; then
    if [ ! -f "$citus_build" ]; then
        echo "Citus is not installed and $citus_build is missing: the Citus tests need it" >&2
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "Citus is not installed (run as root to build it from $citus_build)" >&2
        exit 1
    fi
    bash "$citus_build"
fi
