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
