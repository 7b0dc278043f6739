#!/usr/bin/env bash
# API: durable POST /api/saves acknowledgements per second and latency, wrk against `pagekeep serve`.
# usage: bench/api.sh [CONNECTIONS=64] [SECONDS=20]
# The saved URLs point at a closed port (127.0.0.1:9), so the archiver's work is quick failures;
# --max-pages 1 keeps it from competing with the acknowledgements being measured.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-64}; SECS=${2:-20}
JAR=server/target/pagekeep.jar
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
DATA=$(mktemp -d); LOG=$DATA.log
trap 'kill "$SVC" 2>/dev/null || true; wait "$SVC" 2>/dev/null || true; rm -rf "$DATA" "$LOG"' EXIT
java -Xmx256m ${SERVICE_JAVA_OPTS:-} -jar "$JAR" serve --port 0 --data "$DATA" --max-pages 1 > "$LOG" 2>&1 &
SVC=$!
for _ in $(seq 150); do grep -q '^port ' "$LOG" && break; sleep 0.2; done
PORT=$(awk '/^port /{print $2}' "$LOG")
export PAGEKEEP_TOKEN=$(cat "$DATA/token") SAVE_BASE="http://127.0.0.1:9/page/"
echo "pagekeep serve on 127.0.0.1:$PORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c"$CONNS" -d3s -s bench/api-saves.lua "http://127.0.0.1:$PORT" > /dev/null   # warm-up
STATS0=$(curl -s -H "Authorization: Bearer $PAGEKEEP_TOKEN" "http://127.0.0.1:$PORT/api/stats")
echo "| API: POST /api/saves, $CONNS connections, ${SECS}s | value |"
echo "|---|---|"
wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s -s bench/api-saves.lua "http://127.0.0.1:$PORT" | grep '^|'
STATS=$(curl -s -H "Authorization: Bearer $PAGEKEEP_TOKEN" "http://127.0.0.1:$PORT/api/stats")
echo "| stats after | $STATS |"
echo "| service RSS | $(awk '/VmRSS/{print int($2/1024)" MB"}' /proc/$SVC/status) |"
echo "| data dir (store, journal, index) | $(du -sh "$DATA" | cut -f1) |"
echo "| load average | $(cut -d' ' -f1-3 /proc/loadavg) |"
