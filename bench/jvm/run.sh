#!/usr/bin/env bash
# The packaged JVM build as it runs in a container: time from launch to ready (cold start), resident
# memory idle and under load, and throughput on the hot paths. Dev mode only lends its embedded
# PostgreSQL and local OIDC issuer; the packaged application (target/quarkus-app, built when
# missing) runs beside it in the prod profile on port 8081, configured through the environment like
# a deployment. JAVA_OPTS passes JVM options (e.g. JAVA_OPTS=-Xmx128m).
# Needs wrk, curl and python3. Usage: bench/jvm/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-15}
CONNECTIONS=${2:-16}
FAKE_PORT=${FAKE_PORT:-18999}
LOG=target/bench-jvm-dev.log
APP_LOG=target/bench-jvm-app.log

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
python3 bench/api/fake_openrouter.py "$FAKE_PORT" &
FAKE=$!
APP=""
ON_STOP='kill $FAKE ${APP:-} 2>/dev/null || true'
. bench/dev-service.sh
start_service "$LOG" -Dagent-hub.metrics.rollup-every=off
embedded_postgres "$LOG"

export QUARKUS_HTTP_PORT=8081
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/agent_hub"
export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/agent_hub"
export QUARKUS_DATASOURCE_USERNAME=agent_hub_app QUARKUS_DATASOURCE_PASSWORD=$PG_APP_PASSWORD
export QUARKUS_FLYWAY_USERNAME=agent_hub_owner QUARKUS_FLYWAY_PASSWORD=$PG_OWNER_PASSWORD
export OIDC_AUTH_SERVER_URL=http://localhost:8180 AGENT_HUB_AUTO_CREATE_ORGANIZATIONS=true
export AGENT_HUB_OAUTH_ENCRYPTION_PRIMARY_KEY_ID=bench AGENT_HUB_OAUTH_ENCRYPTION_KEYS_BENCH=bench-only-token-key-not-secret
export OPENROUTER_API_KEY=bench AGENT_HUB_PROVIDERS_OPENROUTER_BASE_URL="http://127.0.0.1:$FAKE_PORT/api/v1"

START=$(date +%s%N)
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar >"$APP_LOG" 2>&1 &
APP=$!
for _ in $(seq 1 1200); do
    curl -sf localhost:8081/q/health/ready >/dev/null 2>&1 && break
    kill -0 "$APP" 2>/dev/null || { tail -30 "$APP_LOG"; exit 1; }
    sleep 0.05
done
READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
rss() {
    awk '/^VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$APP/status"
}
peak() {
    awk '/^VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$APP/status"
}
echo "packaged JVM build: ready ${READY_MS} ms after launch ($(grep -oE 'started in [0-9.]+s' "$APP_LOG" | head -1)); RSS $(rss)"
sleep 5
echo "idle after 5 s: RSS $(rss)"

. bench/api/load.sh
measure_hot_paths http://localhost:8081
echo
echo "after the load: RSS $(rss), peak $(peak) (JAVA_OPTS: ${JAVA_OPTS:-none})"
