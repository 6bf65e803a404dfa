#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and the demo.
#   source scripts/pg_cluster.sh; cluster_start DIR PORT [extra postgresql.conf lines]; ...; cluster_stop
# PostgreSQL refuses to run as root, so as root the server runs as user postgres.
PGBIN=/usr/lib/postgresql/15/bin

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_start() {
    CLUSTER_DIR=$1
    CLUSTER_PORT=$2
    shift 2
    rm -rf "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$CLUSTER_DIR"
    (cd "$CLUSTER_DIR" && as_server_user "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -A trust -U postgres >/dev/null)
    {
        echo "port = $CLUSTER_PORT"
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$CLUSTER_DIR'"
        echo "max_connections = 50"
        for line in "$@"; do echo "$line"; done
    } >> "$CLUSTER_DIR/data/postgresql.conf"
    (cd "$CLUSTER_DIR" && as_server_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null)
    export PGHOST=$CLUSTER_DIR PGPORT=$CLUSTER_PORT PGUSER=postgres
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ] &&
        (cd "$CLUSTER_DIR" && as_server_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true)
}
