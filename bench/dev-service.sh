# Sourced by the benchmarks: runs the service in dev mode (embedded PostgreSQL, local issuer on
# port 8180) and stops it, with everything it started, when the benchmark exits.
#   start_service LOG [maven arguments...]   returns once /q/health/ready answers
#   ON_STOP="command"                        runs after the service has stopped
#   packaged_environment FAKE_PORT           configures a packaged build on port 8081 like a deployment
#   start_pgbouncer PORT POOL_SIZE LOG       PgBouncer in transaction mode in front of the embedded PostgreSQL

start_service() {
    local log=$1
    shift
    mkdir -p "$(dirname "$log")"
    setsid ./mvnw -q quarkus:dev -Dquarkus.console.enabled=false "$@" >"$log" 2>&1 &
    SERVICE_PID=$!
    trap stop_service EXIT
    echo "starting the service in dev mode (log: $log)"
    for _ in $(seq 1 300); do
        curl -sf localhost:8080/q/health/ready >/dev/null 2>&1 && return 0
        kill -0 "$SERVICE_PID" 2>/dev/null || { tail -50 "$log"; exit 1; }
        sleep 1
    done
    echo "the service was not ready after 300 s"
    exit 1
}

stop_service() {
    kill -TERM -- "-$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
    eval "${ON_STOP:-true}"
}

# The embedded PostgreSQL dev mode started, from its log line "Embedded PostgreSQL on
# 127.0.0.1:PORT (data DIR, ...)": sets PG_PORT, PG_DATA and the three role passwords kept beside
# the data directory (PG_OWNER_PASSWORD, PG_APP_PASSWORD, PG_SUPERUSER_PASSWORD).
embedded_postgres() {
    local log=$1
    PG_PORT=$(sed -nE 's/.*Embedded PostgreSQL on 127\.0\.0\.1:([0-9]+) \(data ([^,]+),.*/\1/p' "$log" | tail -1)
    PG_DATA=$(sed -nE 's/.*Embedded PostgreSQL on 127\.0\.0\.1:([0-9]+) \(data ([^,]+),.*/\2/p' "$log" | tail -1)
    PG_OWNER_PASSWORD=$(sed -n 1p "$PG_DATA.secrets")
    PG_APP_PASSWORD=$(sed -n 2p "$PG_DATA.secrets")
    PG_SUPERUSER_PASSWORD=$(sed -n 3p "$PG_DATA.secrets")
}

# The environment a packaged build (prod profile, port 8081; its management interface, where
# /q/health and /q/metrics live in production, on 9081) runs with, as a deployment configures it: the embedded PostgreSQL (call embedded_postgres first) already migrated by dev mode, so the
# migration stays out of the start as in the manifests; the local issuer; the model stand-in on $1.
packaged_environment() {
    export QUARKUS_HTTP_PORT=8081 QUARKUS_MANAGEMENT_PORT=9081
    export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/agent_hub"
    export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/agent_hub"
    export QUARKUS_DATASOURCE_USERNAME=agent_hub_app QUARKUS_DATASOURCE_PASSWORD=$PG_APP_PASSWORD
    export QUARKUS_FLYWAY_USERNAME=agent_hub_owner QUARKUS_FLYWAY_PASSWORD=$PG_OWNER_PASSWORD
    export QUARKUS_FLYWAY_ACTIVE=false
    export OIDC_AUTH_SERVER_URL=http://localhost:8180 AGENT_HUB_AUTO_CREATE_ORGANIZATIONS=true
    export AGENT_HUB_OAUTH_ENCRYPTION_PRIMARY_KEY_ID=bench AGENT_HUB_OAUTH_ENCRYPTION_KEYS_BENCH=bench-only-token-key-not-secret
    export OPENROUTER_API_KEY=bench AGENT_HUB_PROVIDERS_OPENROUTER_BASE_URL="http://127.0.0.1:$1/api/v1"
    export QUARKUS_LOG_LEVEL=WARN
}

# Debian's PgBouncer (installed, or fetched and unpacked into target/tools as the tests do) in
# transaction mode on 127.0.0.1:$1 in front of the embedded PostgreSQL (call embedded_postgres
# first), at most $2 server connections, for agent_hub_app. It refuses root: as root it runs in a
# user namespace, or as nobody. Its pid is added to $PIDS, which ON_STOP should kill.
start_pgbouncer() {
    local port=$1 pool=$2 log=$3 program dir
    program=$(command -v pgbouncer || true)
    if [ -z "$program" ]; then
        program=$PWD/target/tools/pgbouncer/usr/sbin/pgbouncer
        if [ ! -x "$program" ]; then
            mkdir -p target/tools/pgbouncer-downloads
            (cd target/tools/pgbouncer-downloads && apt-get download pgbouncer libc-ares2 libevent-2.1-7 >/dev/null \
                && for deb in *.deb; do dpkg-deb -x "$deb" ../pgbouncer; done && rm -f ./*.deb)
        fi
    fi
    dir=$(mktemp -d /tmp/agent-hub-bench-pgbouncer-XXXX)
    chmod 755 "$dir"
    printf '"agent_hub_app" "%s"\n' "$PG_APP_PASSWORD" >"$dir/users.txt"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
agent_hub = host=127.0.0.1 port=$PG_PORT dbname=agent_hub
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = $pool
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,options
INI
    chmod 644 "$dir"/*
    local as_user=()
    if [ "$(id -u)" = 0 ]; then
        if unshare -U true 2>/dev/null; then as_user=(unshare -U); else as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
    fi
    LD_LIBRARY_PATH=$(dirname "$program")/../lib/x86_64-linux-gnu "${as_user[@]}" "$program" "$dir/pgbouncer.ini" >"$log" 2>&1 &
    PIDS="${PIDS:-} $!"
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "PgBouncer did not start:"; tail -20 "$log"; exit 1
}
