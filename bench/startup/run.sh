#!/usr/bin/env bash
# Cold start, in one run, of the three builds Agent Hub ships: the plain JVM build, the JVM build
# with a JDK 25 AOT cache (trained by the integration tests on the hot paths), and the native
# executable. Each starts RUNS times the way its container starts it, configured through the
# environment like a deployment, with the Flyway migration out of the start path as in the
# manifests (the init Job runs it); the script reports the median time from launch to the first
# 200 of an authenticated call (GET /api/me) and the resident memory idle and after a short load,
# with the ratios against the plain JVM build.
#
# Dev mode lends the embedded PostgreSQL and the local issuer (port 8180); the model is
# bench/api/fake_openrouter.py. Builds are made when missing, into target/startup/ (REBUILD=1
# remakes them). Needs curl, python3, Temurin 25 ($JDK25) and a GraalVM home ($GRAALVM_HOME, else
# ../shared/native/setup.sh). Usage: bench/startup/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
FAKE_PORT=${FAKE_PORT:-18999}
OUT=target/startup
NATIVE_OPTS=${NATIVE_OPTS:--Xmx64m}
JVM_OPTS=${JVM_OPTS:--Xmx128m}
[ -n "${REBUILD:-}" ] && rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -f "$OUT/jvm/quarkus-run.jar" ]; then
    echo "building the plain JVM build"
    ./mvnw -B -q package -DskipTests
    rm -rf "$OUT/jvm" && cp -a target/quarkus-app "$OUT/jvm"
fi
if [ ! -x "$OUT/native/agent-hub" ]; then
    echo "building the native executable"
    if [ -z "${GRAALVM_HOME:-}" ]; then
        GRAALVM_HOME=$(bash ../shared/native/setup.sh "${TMPDIR:-/tmp}/agent-hub-graalvm" | tail -1)
    fi
    GRAALVM_HOME=$GRAALVM_HOME JAVA_HOME=$JDK25 ./mvnw -B -q package -Pnative -DskipTests
    mkdir -p "$OUT/native" && cp target/*-runner "$OUT/native/agent-hub"
fi
if [ ! -f "$OUT/aot/app.aot" ]; then
    echo "building the AOT-cached JVM build (JDK 25; the integration tests are the training run)"
    JAVA_HOME=$JDK25 ./mvnw -B -q verify -Dunit-tests.skip=true -Dquarkus.package.jar.aot.enabled=true
    rm -rf "$OUT/aot" && cp -a target/quarkus-app "$OUT/aot"
    # The JDK resolves classes of the cache to where training ran while that path still exists, so
    # the copy would read whatever a later build left there; without it, the copy runs as the
    # container image's does. Built last for the same reason.
    rm -rf target/quarkus-app
fi

python3 bench/api/fake_openrouter.py "$FAKE_PORT" &
FAKE=$!
ON_STOP="kill $FAKE"
. bench/dev-service.sh
start_service target/bench-startup-dev.log -Dagent-hub.metrics.rollup-every=off
embedded_postgres target/bench-startup-dev.log

packaged_environment "$FAKE_PORT"

TOKEN=$(curl -sf -X POST localhost:8180/token -d sub=startup-bench -d org_id=startup-bench -d roles=owner \
    -d expires_in=3600 | sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p')
BASE=http://localhost:8081
measure() {
    python3 bench/startup/measure.py "$1" "$RUNS" "$BASE" "$TOKEN" -- "${@:2}" | tee -a "$OUT/results.txt"
}
: >"$OUT/results.txt"
echo "== $RUNS starts each (JVM: $JDK25, $JVM_OPTS; native: $NATIVE_OPTS)"
# shellcheck disable=SC2086
measure jvm "$JDK25/bin/java" $JVM_OPTS -jar "$OUT/jvm/quarkus-run.jar"
# shellcheck disable=SC2086
measure aot "$JDK25/bin/java" $JVM_OPTS -XX:AOTCache="$OUT/aot/app.aot" -XX:AOTMode=on -jar "$OUT/aot/quarkus-run.jar"
# shellcheck disable=SC2086
measure native "$OUT/native/agent-hub" $NATIVE_OPTS

python3 - "$OUT/results.txt" <<'PY'
import sys
rows = {l.split()[1]: [float(x) for x in l.split()[2:]] for l in open(sys.argv[1]) if l.startswith("RESULT")}
jvm = rows["jvm"]
for label in ("aot", "native"):
    start, idle, loaded = rows[label]
    print(f"{label}: start {start / jvm[0]:.3f}x the plain JVM build; RSS idle {idle / jvm[1]:.2f}x, after load {loaded / jvm[2]:.2f}x")
PY

# PROFILE=1: one more start of the plain JVM build under JFR, and where its CPU went until the
# first authenticated 200
if [ -n "${PROFILE:-}" ]; then
    rm -f "$OUT/startup.jfr"
    # shellcheck disable=SC2086
    START_ONLY=1 python3 bench/startup/measure.py jvm-jfr 1 "$BASE" "$TOKEN" -- "$JDK25/bin/java" $JVM_OPTS \
        -XX:StartFlightRecording=filename="$OUT/startup.jfr",settings=profile,dumponexit=true -jar "$OUT/jvm/quarkus-run.jar"
    "$JDK25/bin/jfr" print --events jdk.ExecutionSample --stack-depth 96 "$OUT/startup.jfr" | python3 bench/startup/top_frames.py
fi
