# Sourced by the benchmarks: runs the service in dev mode (embedded PostgreSQL, local issuer on
# port 8180) and stops it, with everything it started, when the benchmark exits.
#   start_service LOG [maven arguments...]   returns once /q/health/ready answers
#   ON_STOP="command"                        runs after the service has stopped

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
