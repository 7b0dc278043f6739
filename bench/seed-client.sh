#!/usr/bin/env bash
# bench/seed-client.sh [COUNT=10000] [MAX_DELAY_MS=1000] [CONC=1000]: the seed's 450 KB pages at
# concurrency CONC, one host, in one run against one delay server (0..MAX_DELAY_MS per page):
#   1. the seed post's client (bench/aiohttp_client.py: Python aiohttp, a semaphore of CONC)
#      downloads COUNT pages http://127.0.0.1:PORT/1..COUNT;
#   2. `pagekeep serve`, started by the `./pagekeep` launcher with the JVM options it ships and
#      --max-pages CONC --max-pages-per-host CONC --max-in-flight CONC --max-per-host CONC (the
#      per-host caps lifted, pages and requests in flight = CONC), archives the same COUNT URLs,
#      queued with `pagekeep import --no-wait`, until every save is done or failed.
# One after the other (not at once: on 2 cores they would take each other's CPU). For each: pages,
# errors, seconds, pages/s, CPU seconds and per page, peak RssAnon and peak RSS (sampled every
# second; pagekeep's RSS also counts the store's mapped file pages), load average; then the ratio.
# SERVICE_JAVA_OPTS=... runs the service with those JVM options instead of the launcher's (through
# PAGEKEEP_JAVA_OPTS; the table says so). Needs aiohttp for /usr/bin/python3: installed with apt-get (python3-aiohttp) when missing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/server/target/pagekeep.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -ntp clean package -DskipTests" >&2; exit 2; }
COUNT="${1:-10000}"; MAXDELAY="${2:-1000}"; CONC="${3:-1000}"
PY=/usr/bin/python3
if ! "$PY" -c 'import aiohttp' 2>/dev/null; then
  echo "installing python3-aiohttp (Debian) for $PY" >&2
  apt-get install -y python3-aiohttp >/dev/null || { echo "apt-get install -y python3-aiohttp failed" >&2; exit 2; }
fi
work="$(mktemp -d)"
data="$work/data"
svc=""; delay_pid=""; sampler_pid=""; client_pid=""
cleanup() {
  stop_pids $sampler_pid $client_pid $svc $delay_pid
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
show_logs_on_error "$work"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

delay_server "$jar" "$work" "$MAXDELAY" 7200
dport="$delay_port"
seq 1 "$COUNT" | sed "s#^#http://127.0.0.1:$dport/#" > "$work/urls.txt"

# sample PID NAME: peak RssAnon and VmRSS (MB) of PID, once a second, into $work/NAME.peak
sample() {
  local pid="$1" name="$2" anon=0 rss=0 a r
  while [ -e "/proc/$pid/status" ]; do
    a="$(awk '/^RssAnon/ {printf "%d", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    r="$(awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    [ "${a:-0}" -gt "$anon" ] && anon="$a"
    [ "${r:-0}" -gt "$rss" ] && rss="$r"
    echo "$anon $rss" > "$work/$name.peak"
    sleep 1
  done
}
cpu() { awk '{printf "%.1f", ($14+$15)/100}' "/proc/$1/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }
echo "delay server 127.0.0.1:$dport: 450 KB pages after 0..${MAXDELAY} ms (uniform); $COUNT pages at concurrency $CONC; $(nproc) cores"

# 1. the seed post's client
l0="$(load)"
"$PY" "$here/bench/aiohttp_client.py" "$work/urls.txt" "$CONC" >"$work/responses.log" 2>"$work/client.err" &
client_pid=$!
sample "$client_pid" client & sampler_pid=$!
wait "$client_pid" || true; client_pid=""
wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
l1="$(load)"
line="$(grep '^aiohttp client:' "$work/client.err" || { cat "$work/client.err" >&2; exit 1; })"
echo "$line"
c_pages="$(echo "$line" | sed 's/.*client: \([0-9]*\) pages.*/\1/')"
c_err="$(echo "$line" | sed 's/.*pages, \([0-9]*\) errors \(.*\), [0-9]* MB read.*/\1 \2/')"
c_secs="$(echo "$line" | sed 's/.* \([0-9.]*\) s, .*/\1/')"
c_rate="$(echo "$line" | sed 's/.* \([0-9.]*\) pages\/s.*/\1/')"
c_cpu="$(echo "$line" | sed 's/.*CPU \([0-9.]*\) s.*/\1/')"
read -r c_anon c_rss < "$work/client.peak"
c_hwm="$(echo "$line" | sed 's/.*peak RSS \([0-9]*\) MB.*/\1/')"

# 2. pagekeep, as ./pagekeep serve runs it (or with SERVICE_JAVA_OPTS)
svc_env=(-u PAGEKEEP_JAVA_OPTS -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS PAGEKEEP_HOME="$data")
[ -n "${SERVICE_JAVA_OPTS:-}" ] && svc_env+=(PAGEKEEP_JAVA_OPTS="$SERVICE_JAVA_OPTS")
env "${svc_env[@]}" "$here/pagekeep" serve --port 0 \
  --max-pages "$CONC" --max-pages-per-host "$CONC" --max-in-flight "$CONC" --max-per-host "$CONC" >"$work/serve.log" 2>&1 &
svc=$!
for _ in $(seq 600); do [ -s "$data/service.json" ] && grep -q '^port ' "$work/serve.log" && break; sleep 0.1; done
port="$(awk '/^port /{print $2}' "$work/serve.log")"
token="$(cat "$data/token")"
api="http://127.0.0.1:$port"
echo "pagekeep serve as run by ./pagekeep${SERVICE_JAVA_OPTS:+ with PAGEKEEP_JAVA_OPTS=\"$SERVICE_JAVA_OPTS\" (not the shipped options)}: $(tr '\0' ' ' < "/proc/$svc/cmdline" | sed 's/ -jar .*pagekeep.jar/ -jar pagekeep.jar/')"
sample "$svc" service & sampler_pid=$!
l2="$(load)"
cpu0="$(cpu "$svc")"
t0=$(date +%s.%N)
if ! env -u PAGEKEEP_JAVA_OPTS PAGEKEEP_HOME="$data" "$here/pagekeep" import --no-wait "$work/urls.txt" >/dev/null 2>"$work/import.err"; then
  echo "pagekeep import failed: $(tail -1 "$work/import.err")" >&2
  grep -q OutOfMemoryError "$work/serve.log" && { echo "the service: $(grep -m1 'OutOfMemoryError' "$work/serve.log")" >&2; }
  exit 1
fi
last=""
while :; do
  if grep -q OutOfMemoryError "$work/serve.log"; then
    echo "pagekeep: OutOfMemoryError at $(tr '\0' ' ' < "/proc/$svc/cmdline" | grep -o -- '-Xmx[^ ]*') with $CONC pages in flight; its log:" >&2
    grep -m3 OutOfMemoryError "$work/serve.log" >&2; exit 1
  fi
  if ! s="$(curl -sf -H "Authorization: Bearer $token" "$api/api/stats")"; then
    echo "pagekeep: the service stopped answering; its log ends:" >&2; tail -20 "$work/serve.log" >&2; exit 1
  fi
  fin="$(echo "$s" | jq '.saves.done + .saves.failed')"
  [ "$fin" -ge "$COUNT" ] && break
  now=$(date +%s)
  if [ "$(( now % 10 ))" = 0 ] && [ "$now" != "$last" ]; then
    last=$now
    echo "  pagekeep: $(echo "$s" | jq -r '"\(.saves.done) done, \(.saves.failed) failed, \(.saves.fetching) fetching"'), RssAnon $(awk '/^RssAnon/ {printf "%d", $2/1024}' "/proc/$svc/status") MB, load $(load)"
  fi
  if [ "$(( now - ${t0%.*} ))" -gt 3600 ]; then echo "pagekeep: not finished after an hour ($fin of $COUNT)" >&2; exit 1; fi
  sleep 0.5
done
t1=$(date +%s.%N)
cpu1="$(cpu "$svc")"
l3="$(load)"
p_done="$(echo "$s" | jq '.saves.done')"; p_failed="$(echo "$s" | jq '.saves.failed')"
reasons=""
if [ "$p_failed" -gt 0 ]; then
  reasons="$(curl -s -H "Authorization: Bearer $token" "$api/api/saves?state=failed&limit=200" \
    | jq -r '[.saves[]? | (.error // .reason // "?") | sub("[0-9]+"; "N")] | group_by(.) | map("\(length)x \(.[0])") | join("; ")' 2>/dev/null || true)"
fi
p_hwm="$(awk '/^VmHWM/ {printf "%d", $2/1024}' "/proc/$svc/status")"
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
read -r p_anon p_rss < "$work/service.peak"
p_secs="$(awk "BEGIN{printf \"%.1f\", $t1-$t0}")"
p_rate="$(awk "BEGIN{printf \"%.1f\", $p_done/($t1-$t0)}")"
p_cpu="$(awk "BEGIN{printf \"%.1f\", $cpu1-$cpu0}")"
echo "pagekeep: $p_done done, $p_failed failed${reasons:+ ($reasons)} in $p_secs s"

echo
echo "| client | pages | errors | time | pages/s | CPU | CPU per page | peak RssAnon | peak RSS | load average (start, end) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "| seed post's aiohttp client (semaphore $CONC) | $c_pages | $c_err | $c_secs s | **$c_rate** | $c_cpu s | $(awk "BEGIN{printf \"%.2f\", 1000*$c_cpu/($c_pages>0?$c_pages:1)}") ms | $c_anon MB | $c_rss MB (ru_maxrss $c_hwm MB) | $l0, $l1 |"
echo "| pagekeep serve, $CONC pages in flight${SERVICE_JAVA_OPTS:+, $(echo "$SERVICE_JAVA_OPTS" | grep -o -- '-Xmx[^ ]*')} | $p_done | $p_failed | $p_secs s | **$p_rate** | $p_cpu s | $(awk "BEGIN{printf \"%.2f\", 1000*$p_cpu/($p_done>0?$p_done:1)}") ms | $p_anon MB | $p_rss MB (VmHWM $p_hwm MB) | $l2, $l3 |"
echo
echo "pagekeep / aiohttp client: $(awk "BEGIN{printf \"%.3f\", $p_rate/$c_rate}") of its pages/s; Little's law bound at $CONC in flight, mean delay $((MAXDELAY / 2)) ms: $(awk "BEGIN{printf \"%d\", $CONC/($MAXDELAY/2000.0)}") pages/s"
