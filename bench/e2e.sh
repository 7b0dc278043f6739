#!/usr/bin/env bash
# Archive end to end: COUNT URLs of the delay server queued into `pagekeep serve -Xmx256m`,
# followed until every save is done or failed; JFR CPU profile of the service summarised at the end.
# usage: bench/e2e.sh [COUNT=1000000] [MAX_DELAY_MS=100] [MAX_PAGES=256]
# SERVICE_JAVA_OPTS adds JVM options to the service (the heap stays -Xmx256m); SERVICE_ARGS adds
# `pagekeep serve` options (e.g. --index-chars 100000).
# E2E_DIR=DIR keeps the run's data and logs in DIR instead of a temporary directory. Run again
# with the same E2E_DIR after the run was stopped (a reboot, kill -9) and it resumes: the delay
# server comes back on its old port, the service on the same data, and nothing is queued again.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
COUNT=${1:-1000000}; MAXDELAY=${2:-100}; MAXPAGES=${3:-256}
JAR=server/target/pagekeep.jar
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RESUME=no
if [ -n "${E2E_DIR:-}" ]; then
  WORK=$E2E_DIR; mkdir -p "$WORK"
  [ -s "$WORK/data/archive.db" ] && [ -s "$WORK/delay.port" ] && RESUME=yes
else
  WORK=$(mktemp -d)
fi
DATA=$WORK/data; JFR=$WORK/service.jfr
cleanup() {
  kill ${SVC:-} ${delay_pid:-} ${BENCH:-} 2>/dev/null || true; wait 2>/dev/null || true
  [ -n "${E2E_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
# The server runs long enough for the slowest run (20 pages/s), and a resumed run needs its old
# port: the queued URLs name it.
SECONDS_MAX=$(( COUNT / 20 > 14400 ? COUNT / 20 : 14400 ))
SERVER_PORT=0
[ "$RESUME" = yes ] && SERVER_PORT=$(cat "$WORK/delay.port")
delay_server "$JAR" "$WORK" "$MAXDELAY" "$SECONDS_MAX" "$SERVER_PORT"
: > "$WORK/service.log.new"
java -Xmx256m ${SERVICE_JAVA_OPTS:-} -XX:StartFlightRecording=name=bench,settings=profile,maxsize=200m \
  -jar "$JAR" serve --port 0 --data "$DATA" --max-in-flight 1000 --max-per-host 1000 --max-pages "$MAXPAGES" --max-pages-per-host "$MAXPAGES" \
  ${SERVICE_ARGS:-} > "$WORK/service.log.new" 2>&1 &
SVC=$!
for _ in $(seq 300); do grep -q '^port ' "$WORK/service.log.new" && break; sleep 0.2; done
[ -f "$WORK/service.log" ] && cat "$WORK/service.log" >> "$WORK/service.log.old"
mv "$WORK/service.log.new" "$WORK/service.log"
PAGES="http://127.0.0.1:$delay_port/"
SERVICE="http://127.0.0.1:$(awk '/^port /{print $2}' "$WORK/service.log")"
echo "delay server $PAGES (0..${MAXDELAY} ms); pagekeep $SERVICE -Xmx256m --max-pages $MAXPAGES ${SERVICE_ARGS:-}; $(nproc) cores"
FEED=()
HAS_IMPORT=no
if java -jar "$JAR" --help 2>&1 | grep -qE "^ +import "; then HAS_IMPORT=yes; FEED=(--no-feed); fi
if [ "$RESUME" = yes ]; then
  echo "resuming the run in $WORK: nothing is queued again"
  HAS_IMPORT=resumed; FEED=(--no-feed)
fi
# The bench starts first and times queueing and archiving together; import only queues (--no-wait).
java -cp "$JAR" bench/E2eBench.java --service "$SERVICE" --token-file "$DATA/token" --pid "$SVC" \
  --data "$DATA" --pages "$PAGES" --count "$COUNT" "${FEED[@]}" --timeout-minutes $(( SECONDS_MAX / 60 )) &
BENCH=$!
if [ "$HAS_IMPORT" = yes ]; then
  seq 0 $((COUNT - 1)) | sed "s#^#$PAGES#" > "$WORK/urls.txt"
  T0=$(date +%s.%N)
  PAGEKEEP_HOME="$DATA" java -jar "$JAR" import --no-wait "$WORK/urls.txt"
  echo "pagekeep import queued $COUNT URLs in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $T0}") s"
fi
wait "$BENCH" || STATUS=$?
# Collector time is not in JFR's execution samples (GC threads are not Java threads).
echo "service JVM: $(jstat -gcutil "$SVC" | awk 'NR==2{printf "GC %s s in %s young + %s full collections", $NF, $(NF-6), $(NF-4)}'), process CPU $(awk '{printf "%.0f s", ($14+$15)/100}' /proc/$SVC/stat)"
jcmd "$SVC" JFR.dump name=bench filename="$JFR" > /dev/null
echo
java -cp "$JAR" bench/E2eBench.java --jfr-summary "$JFR"
exit "${STATUS:-0}"
