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

. bench/api/load.sh
measure_hot_paths http://localhost:8080
