#!/usr/bin/env bash
# Agent Hub's hot paths against references measured in the same run on the same machine:
#   reads   GET /api/me, GET /api/chat/sessions?limit=20, GET /api/chat/sessions/{id}/messages?limit=50
#           with wrk, each against pgbench of the minimal SQL that serves it (me.sql, sessions.sql,
#           messages.sql: the caller bound, then one query, in one transaction, as the application
#           role under row-level security), same number of connections
#   a turn  POST /api/chat/sessions/{id}/messages at a fixed rate (FixedRate.java, open loop),
#           against the same load sent straight to the model stand-in: the difference is what the
#           hub adds to a turn; the CPU each turn costs the service and PostgreSQL; pgbench of the
#           turn's own SQL (turn_sql.py, from TurnStatements.java); then the highest of a few rates
#           at which the turn's p99 stays < 50 ms; where PostgreSQL's time per turn goes, statement by
#           statement (pg_stat_statements, planning included), for the hub and for the reference
#   /v1     POST /v1/chat/completions (the same model, no session) at the same rate, against the same
#           stand-in reference
#   memory  resident set after the load
# Each build is measured in turn in the same run, straight to PostgreSQL and behind PgBouncer in
# transaction mode (ROUTES="direct pgbouncer"), against the same database and references: the
# packaged JVM build (target/quarkus-app, with the JVM options the container and the manifests
# ship) and, when there is a native executable in target/ or a GraalVM home to build one, the
# native executable (BUILDS="jvm native" by default; BUILDS=jvm for one). Each runs in the prod
# profile on port 8081, configured through the environment like a deployment. Dev mode
# lends its embedded PostgreSQL and local issuer (8180); the model is bench/api/fake_openrouter.py.
# JFR=1 records profiles of the reads and of the turns at RATE to target/hot-paths-{reads,turns}.jfr; ONLY=reads stops after the reads, ONLY=turns skips them.
# NMT=1 adds the JVM's native memory tracking and prints its summary (where the resident set goes) after the load.
# Needs wrk, pgbench and psql (installed from Debian's packages when missing), curl, python3 and JDK 17+. Usage: bench/hot-paths/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
# the load tools, from Debian's packages when this machine lacks them
if ! command -v wrk >/dev/null || ! command -v pgbench >/dev/null || ! command -v psql >/dev/null; then
    apt-get install -y -qq wrk postgresql-client >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk postgresql-client >/dev/null; }
fi
SECONDS_EACH=${1:-15}
CONNECTIONS=${2:-16}
RATE=${RATE:-200}
FAKE_PORT=${FAKE_PORT:-18999}
BOUNCER_PORT=${BOUNCER_PORT:-16433}
# each build straight to PostgreSQL and through PgBouncer in transaction mode (20 server connections)
ROUTES=${ROUTES:-direct pgbouncer}
# the container's view of the Deployment's memory limit, plus the options the image ships
# (Dockerfile.jvm's GC_CONTAINER_OPTIONS and JAVA_OPTS_APPEND) and those run-java.sh adds by default, on a
# host with no limit of its own
GC_OPTIONS=$(sed -nE 's/^ENV GC_CONTAINER_OPTIONS="(.*)"$/\1/p' src/main/docker/Dockerfile.jvm)
JAVA_OPTS=${JAVA_OPTS:--XX:MaxRAM=768m -XX:MaxRAMPercentage=80 ${GC_OPTIONS:--XX:+UseParallelGC} -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError $(sed -nE 's/^ENV JAVA_OPTS_APPEND="(.*)"$/\1/p' src/main/docker/Dockerfile.jvm)}
NATIVE_OPTS=${NATIVE_OPTS:--Xmx64m}
if [ -z "${BUILDS:-}" ]; then
    BUILDS=jvm
    if ls target/*-runner >/dev/null 2>&1 || [ -n "${GRAALVM_HOME:-}" ]; then BUILDS="jvm native"; fi
fi
OUT=target/hot-paths
mkdir -p "$OUT"

for build in $BUILDS; do
    case $build in
        jvm) [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests ;;
        native) ls target/*-runner >/dev/null 2>&1 || ./mvnw -B -q package -Pnative -DskipTests ;;
        *) echo "BUILDS lists jvm and/or native"; exit 2 ;;
    esac
done

python3 bench/api/fake_openrouter.py "$FAKE_PORT" &
FAKE=$!
APP=""
PIDS=""
ON_STOP='kill $FAKE ${APP:-} $PIDS 2>/dev/null || true'
. bench/dev-service.sh
start_service "$OUT/dev.log" -Dagent-hub.metrics.rollup-every=off
embedded_postgres "$OUT/dev.log"
packaged_environment "$FAKE_PORT"
javac -d "$OUT" bench/hot-paths/FixedRate.java
BASE=http://localhost:8081
SUMMARY=""

ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
reference() {
    PGPASSWORD=$PG_APP_PASSWORD pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$SECONDS_EACH" -h 127.0.0.1 -p "$PG_PORT" \
        -U agent_hub_app -D user="$USER_ID" -D org="$ORG_ID" -D session="$SESSION" -D subject="$SUBJECT" \
        -D key="$SESSION_KEY" $(reference_script "$1") agent_hub | sed -nE 's/^tps = ([0-9.]+).*/\1/p'
}
reference_script() {
    echo "-f bench/hot-paths/$1.sql"
}
# a turn's SQL for each user's session (TURN_SESSIONS: "session user org" lines), one script each,
# picked at random per transaction as the hub's load goes round the same sessions
turn_reference() {
    local i=0 scripts=() session user org
    while read -r session user org; do
        [ -n "$session" ] || continue
        python3 bench/hot-paths/turn_sql.py src/main/java/io/agenthub "$session" "$user" "$org" \
            >"$OUT/turn-$i.sql"
        scripts+=(-f "$OUT/turn-$i.sql@1")
        i=$((i + 1))
    done <<<"$TURN_SESSIONS"
    PGPASSWORD=$PG_APP_PASSWORD pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$SECONDS_EACH" -h 127.0.0.1 -p "$PG_PORT" \
        -U agent_hub_app "${scripts[@]}" agent_hub | sed -nE 's/^tps = ([0-9.]+).*/\1/p'
}
# CPU time (ms) used so far by a process, and by all of PostgreSQL's processes
cpu_ms() { awk -v tick="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / tick)}' "/proc/$1/stat"; }
# PostgreSQL's: the postmaster's own, its children's that have exited, and its living children's
postgres_cpu_ms() {
    local postmaster total pid
    postmaster=$(head -1 "$PG_DATA/postmaster.pid")
    total=$(awk -v tick="$(getconf CLK_TCK)" '{print int(($14 + $15 + $16 + $17) * 1000 / tick)}' "/proc/$postmaster/stat")
    for pid in $(pgrep -P "$postmaster"); do
        total=$((total + $(cpu_ms "$pid" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
# pg_stat_statements (the embedded PostgreSQL preloads it): what each statement costs per turn,
# planning included, so PostgreSQL's CPU per turn can be attributed; the report goes to $1
superuser_sql() { PGPASSWORD=$PG_SUPERUSER_PASSWORD psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U postgres agent_hub -c "$1"; }
statements_reset() {
    superuser_sql "CREATE SCHEMA IF NOT EXISTS monitoring; CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA monitoring" >/dev/null 2>&1
    superuser_sql "ALTER SYSTEM SET pg_stat_statements.track_planning = on" >/dev/null
    superuser_sql "SELECT pg_reload_conf(), monitoring.pg_stat_statements_reset()" >/dev/null
}
statements_report() {
    local file=$1 turns
    # per turn: per execution of the turn's first statement
    turns=$(superuser_sql "SELECT sum(calls) FROM monitoring.pg_stat_statements WHERE query LIKE 'WITH session AS%'")
    superuser_sql "SELECT round(((total_exec_time + total_plan_time) / $turns)::numeric, 3) AS ms_per_turn,
            round((calls::numeric / $turns), 2) AS calls_per_turn, round((total_plan_time / $turns)::numeric, 3) AS plan_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
        FROM monitoring.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'agent_hub_app'
        ORDER BY total_exec_time + total_plan_time DESC LIMIT 15" >"$file"
    superuser_sql "SELECT round((sum(total_exec_time + total_plan_time) / $turns)::numeric, 3),
            round((sum(calls)::numeric / $turns), 1)
        FROM monitoring.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'agent_hub_app'" \
        | awk -F'|' '{print $1 " ms in statements over " $2 " statements"}'
}
hub() {
    BENCH_MODE=$1 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s bench/api/users.lua "$BASE" >"$OUT/wrk-$1.txt"
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {print rps, p50, p99, bad+0}' "$OUT/wrk-$1.txt"
}

measure() {
    local build=$1 route=$2 command env=()
    [ "$route" = pgbouncer ] && env=(QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$BOUNCER_PORT/agent_hub"
        AGENT_HUB_DATABASE_POOLER=transaction)
    case $build in
        jvm) read -r -a command <<<"java $JAVA_OPTS ${NMT:+-XX:NativeMemoryTracking=summary} -jar target/quarkus-app/quarkus-run.jar" ;;
        native) read -r -a command <<<"$(ls target/*-runner) $NATIVE_OPTS" ;;
    esac
    env "${env[@]}" "${command[@]}" >"$OUT/app-$build-$route.log" 2>&1 &
    APP=$!
    for _ in $(seq 1 1200); do
        curl -sf localhost:9081/q/health/ready >/dev/null 2>&1 && break
        kill -0 "$APP" 2>/dev/null || { tail -30 "$OUT/app-$build-$route.log"; exit 1; }
        sleep 0.05
    done
    echo
    echo "== $build, $route to PostgreSQL: ${command[*]}"
    echo "preparing $CONNECTIONS users, each with a session of 25 turns"
    local users="" token="" session=""
    TURN_SESSIONS="" targets_hub="$OUT/targets-hub-$build.txt" targets_direct="$OUT/targets-direct.txt"
    targets_v1="$OUT/targets-v1-$build.txt"
    : >"$targets_hub"
    : >"$targets_v1"
    : >"$targets_direct"
    for i in $(seq 1 "$CONNECTIONS"); do
        SUBJECT="hot-$build-$route-$i-$$"
        token=$(curl -sf -X POST localhost:8180/token -d sub="$SUBJECT" -d org_id="hot-org-$$" -d roles=owner \
            -d expires_in=3600 | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p')
        session=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d '{"agent":"droid","model":"gpt-4","title":"hot paths"}' "$BASE/api/chat/sessions" \
            | sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' | head -1)
        for _ in $(seq 1 25); do
            curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d '{"content":"benchmark turn"}' "$BASE/api/chat/sessions/$session/messages"
        done
        users="$users$token $session;"
        TURN_SESSIONS="$TURN_SESSIONS$session $(curl -sf -H "Authorization: Bearer $token" "$BASE/api/me" | python3 -c \
            'import json,sys; m=json.load(sys.stdin); print(m["user"]["id"], m["organization"]["id"])')
"
        echo "$BASE/api/chat/sessions/$session/messages $token" >>"$targets_hub"
        echo "$BASE/v1/chat/completions $token" >>"$targets_v1"
        echo "http://127.0.0.1:$FAKE_PORT/api/v1/chat/completions -" >>"$targets_direct"
    done
    export BENCH_USERS=$users
    SESSION=$session
    # the pgbench references read as the last user, through the application role
    read -r USER_ID ORG_ID < <(curl -sf -H "Authorization: Bearer $token" "$BASE/api/me" | python3 -c \
        'import json,sys; m=json.load(sys.stdin); print(m["user"]["id"], m["organization"]["id"])')
    SESSION_KEY=$(PGPASSWORD=$PG_SUPERUSER_PASSWORD psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U postgres agent_hub \
        -c "SELECT session_key FROM user_sessions WHERE user_id = '$USER_ID' LIMIT 1")

    echo "warming up"
    for mode in me sessions messages; do
        BENCH_MODE=$mode wrk -t1 -c"$CONNECTIONS" -d10s -s bench/api/users.lua "$BASE" >/dev/null
    done
    java -cp "$OUT" FixedRate "$RATE" 10 0 '{"content":"benchmark turn"}' "$targets_hub" >/dev/null

    [ -n "${JFR:-}" ] && [ "$build" = jvm ] && jcmd "$APP" JFR.start name=reads settings=profile >/dev/null
    printf '%-48s %12s %10s %10s %12s %8s\n' "read ($CONNECTIONS connections, ${SECONDS_EACH}s)" "Agent Hub/s" "p50" "p99" "pgbench tps" "ratio"
    local summary="$build $route:"
    for mode in me sessions messages; do
        [ "${ONLY:-}" = turns ] && break
        read -r rps p50 p99 bad < <(hub "$mode")
        tps=$(reference "$mode")
        case $mode in
            me) path="GET /api/me" ;;
            sessions) path="GET /api/chat/sessions?limit=20" ;;
            messages) path="GET /api/chat/sessions/{id}/messages?limit=50" ;;
        esac
        printf '%-48s %12s %10s %10s %12s %8s%s\n' "$path" "$rps" "$p50" "$p99" "$tps" "$(ratio "$rps" "$tps")" \
            "$([ "$bad" != 0 ] && echo "  ($bad non-2xx)")"
        summary="$summary $mode $(ratio "$rps" "$tps")x"
    done
    [ -n "${JFR:-}" ] && [ "$build" = jvm ] && jcmd "$APP" JFR.stop name=reads filename="$PWD/target/hot-paths-reads.jfr" >/dev/null

    if [ "${ONLY:-}" != reads ]; then
        local turn='{"model":"openai/gpt-4","messages":[{"role":"user","content":"benchmark turn"}]}'
        echo "a chat turn at a fixed rate (${SECONDS_EACH}s, latency in ms from when each request was due)"
        printf '%-28s %8s %8s %8s %8s %8s %7s\n' "" "rate/s" "p50" "p90" "p99" "max" "errors"
        read -r d_rate d50 d90 d99 dmax derr < <(java -cp "$OUT" FixedRate "$RATE" "$SECONDS_EACH" 2 "$turn" "$targets_direct")
        printf '%-28s %8s %8s %8s %8s %8s %7s\n' "model stand-in directly" "$d_rate" "$d50" "$d90" "$d99" "$dmax" "$derr"
        [ -n "${JFR:-}" ] && [ "$build" = jvm ] && jcmd "$APP" JFR.start name=turns settings=profile >/dev/null
        local hub_cpu pg_cpu
        hub_cpu=$(cpu_ms "$APP")
        pg_cpu=$(postgres_cpu_ms)
        statements_reset
        read -r h_rate h50 h90 h99 hmax herr < <(java -cp "$OUT" FixedRate "$RATE" "$SECONDS_EACH" 2 '{"content":"benchmark turn"}' "$targets_hub")
        hub_cpu=$(python3 -c "print(f'{($(cpu_ms "$APP") - $hub_cpu) / ($RATE * $SECONDS_EACH):.2f}')")
        pg_cpu=$(python3 -c "print(f'{($(postgres_cpu_ms) - $pg_cpu) / ($RATE * $SECONDS_EACH):.2f}')")
        [ -n "${JFR:-}" ] && [ "$build" = jvm ] && jcmd "$APP" JFR.stop name=turns filename="$PWD/target/hot-paths-turns.jfr" >/dev/null
        printf '%-28s %8s %8s %8s %8s %8s %7s\n' "through Agent Hub" "$h_rate" "$h50" "$h90" "$h99" "$hmax" "$herr"
        local hub_statements turn_tps pg_turn_cpu
        hub_statements=$(statements_report "$OUT/statements-$build-$route.txt")
        # the same model through the OpenAI-compatible API: no session, so no history to read
        local completion='{"model":"droid/gpt-4","messages":[{"role":"user","content":"benchmark turn"}]}' v1_cpu
        v1_cpu=$(cpu_ms "$APP")
        read -r v_rate v50 v90 v99 vmax verr < <(java -cp "$OUT" FixedRate "$RATE" "$SECONDS_EACH" 2 "$completion" "$targets_v1")
        v1_cpu=$(python3 -c "print(f'{($(cpu_ms "$APP") - $v1_cpu) / ($RATE * $SECONDS_EACH):.2f}')")
        printf '%-28s %8s %8s %8s %8s %8s %7s\n' "/v1 through Agent Hub" "$v_rate" "$v50" "$v90" "$v99" "$vmax" "$verr"
        # the rates before pgbench of the turn's SQL: its thousands of writes leave PostgreSQL busy
        # (autovacuum, a checkpoint) for a while after, which a 10 s rate run would measure instead
        local carried="none"
        for rate in ${RATES:-50 100 150 200 300 400 600}; do
            read -r r_rate r50 r90 r99 rmax rerr < <(java -cp "$OUT" FixedRate "$rate" 10 2 '{"content":"benchmark turn"}' "$targets_hub")
            printf '%-28s %8s %8s %8s %8s %8s %7s\n' "through Agent Hub" "$r_rate" "$r50" "$r90" "$r99" "$rmax" "$rerr"
            python3 -c "import sys; sys.exit(0 if $r99 < 50 and $rerr == 0 else 1)" || break
            carried=$rate
        done
        pg_turn_cpu=$(postgres_cpu_ms)
        statements_reset
        turn_tps=$(turn_reference)
        pg_turn_cpu=$(python3 -c "print(f'{($(postgres_cpu_ms) - $pg_turn_cpu) / ($turn_tps * $SECONDS_EACH):.2f}')")
        echo "pgbench of a turn's SQL (both transactions, $CONNECTIONS connections): $turn_tps turns/s, $pg_turn_cpu ms of PostgreSQL CPU each"
        echo "per turn through the hub: $hub_statements (by statement: $OUT/statements-$build-$route.txt);" \
            "per pgbench turn: $(statements_report "$OUT/statements-pgbench-$build-$route.txt")"
        local added
        added=$(python3 -c "print(f'p50 {$h50 - $d50:+.2f} ms, p99 {$h99 - $d99:+.2f} ms')")
        echo "added by the hub at $RATE/s: $added; CPU per turn: $hub_cpu ms in the service, $pg_cpu ms in PostgreSQL"
        local added_v1
        added_v1=$(python3 -c "print(f'p50 {$v50 - $d50:+.2f} ms, p99 {$v99 - $d99:+.2f} ms')")
        echo "added by /v1 at $RATE/s: $added_v1; service CPU per completion: $v1_cpu ms"
        summary="$summary, /v1 completion $added_v1 (service $v1_cpu ms)"
        summary="$summary, turn $added at $RATE/s (CPU/turn: service $hub_cpu ms, PostgreSQL $pg_cpu ms; pgbench of its SQL $turn_tps/s, $pg_turn_cpu ms), p99 < 50 ms up to $carried turns/s"
    fi
    local resident
    resident=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$APP/status")
    echo "resident set after the load: $resident MB"
    if [ -n "${NMT:-}" ] && [ "$build" = jvm ]; then
        jcmd "$APP" VM.native_memory summary scale=MB | grep -E '^(Total|-)' | sed -E 's/ +\(/ (/' | tee "$OUT/nmt-$route.txt"
    fi
    SUMMARY="$SUMMARY${SUMMARY:+ | }$summary, rss $resident MB"
    kill "$APP"
    wait "$APP" 2>/dev/null || true
    APP=""
}

start_pgbouncer "$BOUNCER_PORT" 20 "$OUT/pgbouncer.log"
for build in $BUILDS; do
    for route in $ROUTES; do
        measure "$build" "$route"
    done
done
echo
echo "summary: $SUMMARY"
