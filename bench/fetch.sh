#!/usr/bin/env bash
# Fetch stage: the delay server plus pagekeep's OkHttpFetcher at concurrency 1000.
# usage: bench/fetch.sh [COUNT=100000] [CONCURRENCY=1000] [MAX_DELAY_MS=1000] [WARMUP=20000]
# WARMUP URLs are fetched first, untimed (JIT and connection pool warm, as in a running service);
# the table prints that phase's cold rate too. WARMUP=0 times the cold start.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
COUNT=${1:-100000}; CONC=${2:-1000}; MAXDELAY=${3:-1000}; WARMUP=${4:-20000}
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
WORK=$(mktemp -d); delay_pid=""
trap 'kill $delay_pid 2>/dev/null || true; wait $delay_pid 2>/dev/null || true; rm -rf "$WORK"' EXIT
# The server stops itself after an hour even if this script is killed.
delay_server "$JAR" "$WORK" "$MAXDELAY" 3600
PORT=$delay_port
echo "delay server on 127.0.0.1:$PORT (0..${MAXDELAY} ms), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Throughput GC with a young generation big enough for 1000 bodies of 450 KB in flight: measured
# 0.87 of the bound at 100k vs 0.58-0.68 with the default G1 (bench/README.md).
java -Xmx1g ${CLIENT_JAVA_OPTS:--XX:+UseParallelGC -Xmn600m} -cp "$JAR" bench/FetchBench.java --base "http://127.0.0.1:$PORT/" --count "$COUNT" \
  --concurrency "$CONC" --mean-delay-ms "$(awk "BEGIN{print $MAXDELAY/2}")" --warmup "$WARMUP"
