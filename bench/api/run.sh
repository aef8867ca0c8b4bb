#!/usr/bin/env bash
# HTTP throughput and latency of Agent Hub's hot paths with wrk, the upstream model replaced by an
# instant local OpenRouter stand-in (bench/api/fake_openrouter.py), so the figures are the hub's own:
#   GET  /api/me                          token check, tenant binding, session refresh
#   GET  /api/chat/sessions               a row-level-secured list query
#   POST /api/chat/sessions/{id}/messages a whole chat turn: two transactions around the upstream call
# Runs the service in dev mode on the embedded PostgreSQL (dev mode adds live-reload overhead, so a
# packaged build is faster). Needs wrk, curl and python3. Usage: bench/api/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-15}
CONNECTIONS=${2:-16}
FAKE_PORT=${FAKE_PORT:-18999}
LOG=target/bench-api.log

python3 bench/api/fake_openrouter.py "$FAKE_PORT" &
FAKE=$!
ON_STOP="kill $FAKE"
. bench/dev-service.sh
start_service "$LOG" -Dquarkus.log.level=WARN \
    -Dagent-hub.providers.openrouter.base-url="http://127.0.0.1:$FAKE_PORT/api/v1" -Dagent-hub.providers.openrouter.api-key=bench

# one user, token and chat session per connection, in one organisation
USERS=""
for i in $(seq 1 "$CONNECTIONS"); do
    TOKEN=$(curl -sf -X POST localhost:8180/token -d sub="bench-user-$i" -d org_id=bench-org -d roles=owner -d expires_in=3600 \
        | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p')
    SESSION=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d '{"agent":"droid","model":"gpt-4","title":"bench"}' localhost:8080/api/chat/sessions \
        | sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' | head -1)
    USERS="$USERS$TOKEN $SESSION;"
done
export BENCH_USERS=$USERS

run() {
    echo
    echo "== $1"
    BENCH_MODE=$2 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s bench/api/users.lua http://localhost:8080 \
        | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx'
}

# warm-up, so the JIT has compiled the paths being measured
BENCH_MODE=me wrk -t1 -c4 -d5s -s bench/api/users.lua http://localhost:8080 >/dev/null
BENCH_MODE=turn wrk -t1 -c4 -d5s -s bench/api/users.lua http://localhost:8080 >/dev/null

run "GET /api/me" me
run "GET /api/chat/sessions?limit=20" sessions
BEFORE=$(curl -s localhost:8080/q/metrics | sed -nE 's/^agent_hub_overhead_seconds_(sum|count) ([0-9.eE+-]+)$/\1 \2/p')
run "POST /api/chat/sessions/{id}/messages (a whole turn)" turn
AFTER=$(curl -s localhost:8080/q/metrics | sed -nE 's/^agent_hub_overhead_seconds_(sum|count) ([0-9.eE+-]+)$/\1 \2/p')
python3 - "$BEFORE" "$AFTER" <<'PY'
import sys
def parse(text):
    return {k: float(v) for k, v in (line.split() for line in text.splitlines() if line.strip())}
b, a = parse(sys.argv[1]), parse(sys.argv[2])
turns = a.get("count", 0) - b.get("count", 0)
if turns:
    print(f"  hub overhead per turn (mean of {int(turns)} turns): {1000 * (a['sum'] - b['sum']) / turns:.1f} ms")
PY
