#!/usr/bin/env bash
# Many replicas, one database, a pooler in between, measured in one run:
#   reads        GET /api/me and GET .../messages?limit=50 with wrk: one replica straight to
#                PostgreSQL, then two replicas behind PgBouncer in transaction mode (both taking
#                half the connections at once), as a ratio of the two
#   revocation   a session revoked on replica A: how long until replica B refuses its token
#   breaker      the provider goes down; turns on A until A's failures open the agent's breaker:
#                how long until B refuses without calling the provider, and how many provider
#                calls both replicas made during an outage of OUTAGE seconds (threshold plus probes)
#   kill -9      turns held upstream on B when B is killed: how many executions are left running,
#                and how long until A ends them
# PostgreSQL and the local issuer come from dev mode; PgBouncer is Debian's (fetched like the tests
# fetch it when it is not installed), run as an unprivileged user; the provider is
# bench/api/fake_openrouter.py. The replicas are the packaged JVM build (BUILD=native: the native
# executable) in the prod profile, configured like a deployment.
# Needs wrk, psql, curl, python3 and JDK 17+. Usage: bench/replicas/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-10}
CONNECTIONS=${2:-16}
BUILD=${BUILD:-jvm}
POOL_SIZE=${POOL_SIZE:-10}
OUTAGE=${OUTAGE:-6}
FAKE_PORT=${FAKE_PORT:-18998}
BOUNCER_PORT=${BOUNCER_PORT:-16432}
OUT=target/replicas
mkdir -p "$OUT"

case $BUILD in
    jvm) [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
         LAUNCH="java -XX:MaxRAM=768m -XX:MaxRAMPercentage=80 -XX:+UseSerialGC -jar target/quarkus-app/quarkus-run.jar" ;;
    native) ls target/*-runner >/dev/null 2>&1 || ./mvnw -B -q package -Pnative -DskipTests
            LAUNCH="$(ls target/*-runner) -Xmx64m" ;;
    *) echo "BUILD is jvm or native"; exit 2 ;;
esac

python3 bench/api/fake_openrouter.py "$FAKE_PORT" &
FAKE=$!
PIDS=""
ON_STOP='kill -9 $FAKE $PIDS 2>/dev/null || true'
. bench/dev-service.sh
start_service "$OUT/dev.log" -Dagent-hub.metrics.rollup-every=off
embedded_postgres "$OUT/dev.log"
packaged_environment "$FAKE_PORT"
export AGENT_HUB_TENANCY_PLATFORM_ADMIN_SUBJECTS=bench-admin
export AGENT_HUB_EXECUTIONS_HEARTBEAT=${HEARTBEAT:-5s} AGENT_HUB_EXECUTIONS_ABANDON_AFTER=${ABANDON_AFTER:-20s}
DIRECT_URL=$QUARKUS_DATASOURCE_REACTIVE_URL
FAKE_URL=http://127.0.0.1:$FAKE_PORT

start_pgbouncer "$BOUNCER_PORT" "$POOL_SIZE" "$OUT/pgbouncer.log"

# start_replica NAME PORT DATABASE_URL POOLER: a packaged replica, its pod name in HOSTNAME
declare -A PID
start_replica() {
    HOSTNAME=$1 QUARKUS_HTTP_PORT=$2 QUARKUS_MANAGEMENT_PORT=$(( $2 + 1000 )) QUARKUS_DATASOURCE_REACTIVE_URL=$3 AGENT_HUB_DATABASE_POOLER=$4 \
        $LAUNCH >"$OUT/$1.log" 2>&1 &
    PID[$1]=$!
    PIDS="$PIDS $!"
    for _ in $(seq 1 1200); do
        curl -sf "localhost:$(( $2 + 1000 ))/q/health/ready" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    tail -30 "$OUT/$1.log"
    exit 1
}
token() {
    curl -sf -X POST localhost:8180/token -d sub="$1" -d org_id="$2" -d roles=owner -d expires_in=3600 \
        | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p'
}
now_ms() { date +%s%3N; }
calls() { curl -sf "$FAKE_URL/control/calls"; }
turn() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d '{"content":"replica turn"}' "localhost:$1/api/chat/sessions/$3/messages"; }
psql_su() { PGPASSWORD=$PG_SUPERUSER_PASSWORD psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U postgres agent_hub -c "$1"; }
reads() {   # reads MODE PORT...: summed req/s of one wrk per port, the connections split between them
    local mode=$1 total=0 i=0
    shift
    for port in "$@"; do
        BENCH_MODE=$mode wrk -t1 -c$((CONNECTIONS / $#)) -d"${SECONDS_EACH}s" -s bench/api/users.lua "http://localhost:$port" \
            >"$OUT/wrk-$mode-$port.txt" &
        eval "WRK_$i=$!"
        i=$((i + 1))
    done
    wait $(for j in $(seq 0 $((i - 1))); do eval echo "\$WRK_$j"; done)
    for port in "$@"; do
        total=$(awk -v t="$total" '/Requests\/sec/ {t += $2} END {print t}' "$OUT/wrk-$mode-$port.txt")
    done
    echo "$total"
}

echo "preparing $CONNECTIONS users with a session of 10 turns each"
start_replica direct 8083 "$DIRECT_URL" direct
users=""
for i in $(seq 1 "$CONNECTIONS"); do
    t=$(token "replica-user-$i-$$" "replica-org-$$")
    s=$(curl -sf -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
        -d '{"agent":"droid","model":"gpt-4"}' localhost:8083/api/chat/sessions | sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' | head -1)
    for _ in $(seq 1 10); do turn 8083 "$t" "$s" >/dev/null; done
    users="$users$t $s;"
done
export BENCH_USERS=$users
for mode in me messages; do BENCH_MODE=$mode wrk -t1 -c"$CONNECTIONS" -d10s -s bench/api/users.lua http://localhost:8083 >/dev/null; done
direct_me=$(reads me 8083)
direct_messages=$(reads messages 8083)
kill "${PID[direct]}"
wait "${PID[direct]}" 2>/dev/null || true

start_replica replica-a 8081 "postgresql://127.0.0.1:$BOUNCER_PORT/agent_hub" transaction
start_replica replica-b 8082 "postgresql://127.0.0.1:$BOUNCER_PORT/agent_hub" transaction
for mode in me messages; do reads "$mode" 8081 8082 >/dev/null; done
pooled_me=$(reads me 8081 8082)
pooled_messages=$(reads messages 8081 8082)
echo
printf '%-52s %12s %12s %8s\n' "read ($CONNECTIONS connections, ${SECONDS_EACH}s)" "1 direct/s" "2 pooled/s" "ratio"
printf '%-52s %12s %12s %8s\n' "GET /api/me" "$direct_me" "$pooled_me" "$(python3 -c "print(f'{$pooled_me / $direct_me:.2f}')")"
printf '%-52s %12s %12s %8s\n' "GET .../messages?limit=50" "$direct_messages" "$pooled_messages" \
    "$(python3 -c "print(f'{$pooled_messages / $direct_messages:.2f}')")"

# a session revoked on A, refused on B
victim=$(token "replica-victim-$$" "replica-org-$$")
curl -sf -o /dev/null -H "Authorization: Bearer $victim" localhost:8081/api/me
current=$(curl -sf -H "Authorization: Bearer $victim" localhost:8081/api/me/sessions | python3 -c \
    'import json,sys; print(next(s["id"] for s in json.load(sys.stdin)["items"] if s["current"]))')
curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $victim" "localhost:8081/api/me/sessions/$current"
revoked=$(now_ms)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $victim" localhost:8082/api/me)" = 401 ]; do sleep 0.002; done
revocation_ms=$(( $(now_ms) - revoked ))
echo
echo "a session revoked on A is refused by B after $revocation_ms ms"

# the provider goes down: A opens the breaker, B honours it
admin=$(token bench-admin "replica-admin-$$")
curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"maxRetries":0,"breakerFailureThreshold":3,"breakerOpenMs":2000}' localhost:8081/api/agents/droid
read -r t_a s_a <<<"$(echo "$users" | cut -d';' -f1)"
read -r t_b s_b <<<"$(echo "$users" | cut -d';' -f2)"
curl -sf -o /dev/null -X POST "$FAKE_URL/control/down"
outage_started=$(now_ms)
before=$(calls)
until [ "$(turn 8081 "$t_a" "$s_a")" = 503 ]; do :; done
opened=$(now_ms)
b_calls_before=$(calls)
until [ "$(turn 8082 "$t_b" "$s_b")" = 503 ]; do sleep 0.01; done
breaker_ms=$(( $(now_ms) - opened ))
b_calls=$(( $(calls) - b_calls_before ))
# the rest of the outage: both replicas keep sending turns, 20 a second each
end=$(( outage_started + OUTAGE * 1000 ))
while [ "$(now_ms)" -lt "$end" ]; do
    turn 8081 "$t_a" "$s_a" >/dev/null &
    on_a=$!
    turn 8082 "$t_b" "$s_b" >/dev/null
    wait "$on_a"
    sleep 0.05
done
outage_calls=$(( $(calls) - before ))
curl -sf -o /dev/null -X POST "$FAKE_URL/control/up"
echo "a breaker A opened is honoured by B after $breaker_ms ms, B calling the provider $b_calls times meanwhile"
echo "provider calls of both replicas during a ${OUTAGE} s outage: $outage_calls (threshold 3, a probe every 2 s)"
curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $admin" localhost:8081/api/agents/droid/circuit-breaker
curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"maxRetries":2,"breakerFailureThreshold":5,"breakerOpenMs":30000}' localhost:8081/api/agents/droid

# kill -9 of B with turns held upstream (after B has seen the breaker closed again)
sleep 1
curl -sf -o /dev/null -X POST "$FAKE_URL/control/delay?ms=4000"
for pair in $(echo "$users" | tr ';' '\n' | head -8 | tr ' ' ','); do
    turn 8082 "${pair%,*}" "${pair#*,}" >/dev/null &
done
sleep 1
kill -9 "${PID[replica-b]}"
wait "${PID[replica-b]}" 2>/dev/null || true
killed=$(now_ms)
curl -sf -o /dev/null -X POST "$FAKE_URL/control/delay?ms=0"
left=$(psql_su "SELECT count(*) FROM agent_executions WHERE status = 'running'")
until [ "$(psql_su "SELECT count(*) FROM agent_executions WHERE status = 'running'")" = 0 ]; do sleep 0.5; done
reaped_s=$(( ($(now_ms) - killed) / 1000 ))
echo "turns running on B when it was killed: $left executions left running; A ended them after $reaped_s s" \
    "(abandon-after $AGENT_HUB_EXECUTIONS_ABANDON_AFTER, heartbeat $AGENT_HUB_EXECUTIONS_HEARTBEAT)"
echo
echo "summary: pooled/direct reads me $(python3 -c "print(f'{$pooled_me / $direct_me:.2f}')")x" \
    "messages $(python3 -c "print(f'{$pooled_messages / $direct_messages:.2f}')")x, revocation $revocation_ms ms," \
    "breaker $breaker_ms ms ($b_calls calls from B), outage calls $outage_calls, left running $left ended in $reaped_s s"
