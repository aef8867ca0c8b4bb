#!/usr/bin/env bash
# Times the daily agent_metrics rollup over N executions in one day (default 1,000,000):
# starts the service in dev mode (embedded PostgreSQL), generates the executions with SQL,
# then times, through the admin API as a platform admin would:
#   1. the backfill of that day (every row computed and written),
#   2. the same backfill again (nothing changed, nothing written),
#   3. the scheduled incremental run after 1,000 late executions of that day arrive.
# Needs psql and curl. Usage: bench/rollup/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
DAY=${DAY:-2026-01-15}
LOG=target/bench-rollup.log

. bench/dev-service.sh
start_service "$LOG" -Dagent-hub.metrics.rollup-every=off

embedded_postgres "$LOG"
export PGPASSWORD=$PG_SUPERUSER_PASSWORD
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d agent_hub -v ON_ERROR_STOP=1 -v day="$DAY" -v n="$N")

TOKEN=$(curl -sf -X POST localhost:8180/token -d sub=admin -d org_id=platform -d roles=owner \
    | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p')
api() {
    curl -sf -X POST -H "Authorization: Bearer $TOKEN" "localhost:8080$1"
}
api_get() {
    curl -sf -H "Authorization: Bearer $TOKEN" "localhost:8080$1"
}
api_get /api/me >/dev/null

"${PSQL[@]}" -f bench/rollup/clean.sql
echo "generating $N executions on $DAY"
START=$(date +%s)
"${PSQL[@]}" -f bench/rollup/generate.sql
echo "generated in $(( $(date +%s) - START )) s"

millis() {
    sed -nE 's/.*"millis" *: *([0-9]+).*/\1/p'
}
rows() {
    sed -nE 's/.*"rowsWritten" *: *([0-9]+).*/\1/p'
}

FIRST=$(api "/api/admin/metrics/rollup?from=$DAY&to=$DAY")
SECOND=$(api "/api/admin/metrics/rollup?from=$DAY&to=$DAY")
"${PSQL[@]}" -f bench/rollup/late.sql
THIRD=$(api "/api/admin/metrics/rollup/incremental")

echo
echo "rollup over $N executions in one day (machine: $(nproc) cores)"
echo "  backfill, every row written:          $(millis <<<"$FIRST") ms ($(rows <<<"$FIRST") rows)"
echo "  backfill again, nothing changed:      $(millis <<<"$SECOND") ms ($(rows <<<"$SECOND") rows)"
echo "  incremental after 1,000 late arrivals: $(millis <<<"$THIRD") ms ($(rows <<<"$THIRD") rows)"
echo "  platform-wide rows of the day:"
api_get "/api/admin/metrics/agents?from=$DAY&to=$DAY" | sed 's/},{/},\n{/g' | sed 's/^/    /'
echo

if [ "${KEEP:-}" != "1" ]; then
    "${PSQL[@]}" -f bench/rollup/clean.sql
fi
