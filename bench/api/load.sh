# Sourced by the benchmarks: the wrk load on Agent Hub's hot paths against the service at $1
# (e.g. http://localhost:8080), with $CONNECTIONS users, each with its own token (from the local
# issuer on 8180) and chat session, for $SECONDS_EACH seconds per path. The upstream model must be
# bench/api/fake_openrouter.py, so the figures are the hub's own.

measure_hot_paths() {
    local base=$1
    local users=""
    for i in $(seq 1 "$CONNECTIONS"); do
        local token session
        token=$(curl -sf -X POST localhost:8180/token -d sub="bench-user-$i" -d org_id=bench-org -d roles=owner \
            -d expires_in=3600 | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p')
        session=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d '{"agent":"droid","model":"gpt-4","title":"bench"}' "$base/api/chat/sessions" \
            | sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' | head -1)
        users="$users$token $session;"
    done
    export BENCH_USERS=$users

    # warm-up, so the JIT has compiled the paths being measured
    BENCH_MODE=me wrk -t1 -c4 -d5s -s bench/api/users.lua "$base" >/dev/null
    BENCH_MODE=turn wrk -t1 -c4 -d5s -s bench/api/users.lua "$base" >/dev/null

    wrk_path "$base" "GET /api/me" me
    wrk_path "$base" "GET /api/chat/sessions?limit=20" sessions
    local before after
    before=$(overhead "$base")
    wrk_path "$base" "POST /api/chat/sessions/{id}/messages (a whole turn)" turn
    after=$(overhead "$base")
    python3 - "$before" "$after" <<'PY'
import sys
def parse(text):
    return {k: float(v) for k, v in (line.split() for line in text.splitlines() if line.strip())}
b, a = parse(sys.argv[1]), parse(sys.argv[2])
turns = a.get("count", 0) - b.get("count", 0)
if turns:
    print(f"  hub overhead per turn (mean of {int(turns)} turns): {1000 * (a['sum'] - b['sum']) / turns:.1f} ms")
PY
}

wrk_path() {
    echo
    echo "== $2"
    BENCH_MODE=$3 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s bench/api/users.lua "$1" \
        | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx'
}

overhead() {
    curl -s "$1/q/metrics" | sed -nE 's/^agent_hub_overhead_seconds_(sum|count) ([0-9.eE+-]+)$/\1 \2/p'
}
