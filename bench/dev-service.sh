# Sourced by the benchmarks: runs the service in dev mode (embedded PostgreSQL, local issuer on
# port 8180) and stops it, with everything it started, when the benchmark exits.
#   start_service LOG [maven arguments...]   returns once /q/health/ready answers
#   ON_STOP="command"                        runs after the service has stopped
#   packaged_environment FAKE_PORT           configures a packaged build on port 8081 like a deployment

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

# The environment a packaged build (prod profile, port 8081) runs with, as a deployment configures
# it: the embedded PostgreSQL (call embedded_postgres first) already migrated by dev mode, so the
# migration stays out of the start as in the manifests; the local issuer; the model stand-in on $1.
packaged_environment() {
    export QUARKUS_HTTP_PORT=8081
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
