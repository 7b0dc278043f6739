#!/usr/bin/env bash
# bench/rss.sh [PAGES=5000] [MAX_DELAY_MS=1000] [IDLE_SECONDS=60]: anonymous memory (RssAnon, from
# /proc/PID/status, sampled once a second) of `pagekeep serve` started by the `./pagekeep` launcher
# with the JVM options it ships (PAGEKEEP_JAVA_OPTS, JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS are
# cleared), through five phases:
#   idle-start  IDLE_SECONDS after the service said its port
#   archive     `pagekeep import` of PAGES URLs of the delay server's 450 KB pages (0..MAX_DELAY_MS),
#               until every save is done or failed
#   idle        IDLE_SECONDS of nothing
#   export      `pagekeep export --format site` of those pages (the service writes the zip, the
#               client unpacks it)
#   idle-after  IDLE_SECONDS of nothing
# Prints, per phase, the peak and final RssAnon, the heap the JVM had committed and used at the end
# (jcmd GC.heap_info), the load average, and pass/fail against issue 14's targets: <= 150 MB idle
# (the final figure of an idle phase), <= 400 MB under load (the peak). Exit code 1 on a miss.
# One host serves every page, so the per-host caps are lifted to the service's global defaults
# (--max-per-host 64 requests, --max-pages-per-host 16 pages); everything else is `serve`'s
# default (16 pages, 64 requests at once). MAX_PAGES=N raises pages in flight (both caps).
# JAVA_OPTS="..." runs the service with those JVM options instead of the launcher's (through
# PAGEKEEP_JAVA_OPTS), to compare flag sets.
# NMT=1 also runs the service with -XX:NativeMemoryTracking=summary (through JDK_JAVA_OPTIONS, so
# the launcher's own options still apply) and prints `jcmd VM.native_memory summary` per phase.
# With NMT=1 the archive phase also takes an NMT summary every NMT_EVERY seconds (default 10) and
# prints the one taken at the highest RssAnon, with the thread count then ("NMT at the peak").
# EXPORT=0 skips the export and idle-after phases (a 5,000-page site export of these pages takes
# many minutes on 2 shared cores).
# Everything is on 127.0.0.1, on a temp data dir and port 0, and stopped on exit.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/server/target/pagekeep.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -ntp clean package -DskipTests" >&2; exit 2; }
PAGES="${1:-5000}"; MAXDELAY="${2:-1000}"; IDLE="${3:-60}"
MAXPAGES="${MAX_PAGES:-16}"
MAXREQ=$(( MAXPAGES > 64 ? MAXPAGES : 64 ))
work="$(mktemp -d)"
data="$work/data"
svc=""; delay_pid=""; sampler_pid=""
cleanup() {
  stop_pids $sampler_pid $svc $delay_pid
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
show_logs_on_error "$work"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

delay_server "$jar" "$work" "$MAXDELAY" 7200
dport="$delay_port"

nmt_opts=""
[ "${NMT:-0}" = 1 ] && nmt_opts="-XX:NativeMemoryTracking=summary"
# The launcher execs java, so $! is the service's JVM.
envargs=(-u PAGEKEEP_JAVA_OPTS -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS PAGEKEEP_HOME="$data")
[ -n "${JAVA_OPTS:-}" ] && envargs+=(PAGEKEEP_JAVA_OPTS="$JAVA_OPTS")
[ -n "$nmt_opts" ] && envargs+=(JDK_JAVA_OPTIONS="$nmt_opts")
env "${envargs[@]}" "$here/pagekeep" serve --port 0 \
  --max-pages "$MAXPAGES" --max-pages-per-host "$MAXPAGES" --max-in-flight "$MAXREQ" --max-per-host "$MAXREQ" \
  >"$work/serve.log" 2>&1 &
svc=$!
for _ in $(seq 600); do [ -s "$data/service.json" ] && grep -q '^port ' "$work/serve.log" && break; sleep 0.1; done
port="$(awk '/^port /{print $2}' "$work/serve.log")"
token="$(cat "$data/token")"
api="http://127.0.0.1:$port"

echo "phase" > "$work/phase"
sampler() {
  while [ -e "/proc/$svc/status" ]; do
    local r l
    r="$(awk '/^RssAnon/ {printf "%d", $2/1024}' "/proc/$svc/status" 2>/dev/null || true)"
    l="$(cut -d' ' -f1 /proc/loadavg)"
    [ -n "$r" ] && echo "$(date +%s) $(cat "$work/phase") $r $l" >> "$work/samples"
    sleep 1
  done
}
phase() { echo "$1" > "$work/phase"; date +%s > "$work/start-$1"; }
# Summed over the generations (serial has two lines: def new and tenured; G1 one).
heap() { jcmd "$svc" GC.heap_info 2>/dev/null | awk '/ total / {for (i=1;i<=NF;i++) {if ($i=="total") t=$(i+1); if ($i=="used") u=$(i+1)}; gsub(/[K,]/,"",t); gsub(/[K,]/,"",u); T+=t; U+=u} END {printf "%d/%d", T/1024, U/1024}'; }
nmt() {
  [ -n "$nmt_opts" ] || return 0
  echo "NMT at the end of $1 (committed, MB):" >> "$work/nmt.txt"
  jcmd "$svc" VM.native_memory summary scale=MB 2>/dev/null \
    | awk '/^Total:/ || /^-  *[A-Za-z]/ {gsub(/\(reserved=[0-9]+MB, /,""); gsub(/\)$/,""); print "  " $0}' \
    | sed 's/-  */- /' >> "$work/nmt.txt"
}
end_phase() { date +%s > "$work/end-$1"; heap > "$work/heap-$1"; nmt "$1"; }
# During the archive phase: an NMT summary every NMT_EVERY s; the one at the highest RssAnon is kept.
nmt_peak() {
  local best=0
  while :; do
    sleep "${NMT_EVERY:-10}"
    local r t
    r="$(awk '/^RssAnon/ {printf "%d", $2/1024}' "/proc/$svc/status" 2>/dev/null)" || return 0
    t="$(awk '/^Threads/ {print $2}' "/proc/$svc/status" 2>/dev/null)" || return 0
    timeout 20 jcmd "$svc" VM.native_memory summary scale=MB > "$work/nmt-sample" 2>/dev/null || continue
    grep -q "^Total:" "$work/nmt-sample" || continue
    if [ "$r" -gt "$best" ]; then
      best=$r
      { echo "NMT at the peak of archive (RssAnon $r MB, $t threads; committed, MB):"
        awk '/^Total:/ || /^-  *[A-Za-z]/ {gsub(/\(reserved=[0-9]+MB, /,""); gsub(/\)$/,""); print "  " $0}' "$work/nmt-sample" \
          | sed 's/-  */- /'
      } > "$work/nmt-peak.txt"
    fi
  done
}
sampler & sampler_pid=$!

echo "pagekeep serve (pid $svc) as run by ./pagekeep: $(tr '\0' ' ' < "/proc/$svc/cmdline" | sed 's/ -jar .*pagekeep.jar/ -jar pagekeep.jar/')"
echo "delay server 127.0.0.1:$dport, 450 KB pages after 0..${MAXDELAY} ms; $PAGES pages; $(nproc) cores"

phase idle-start; sleep "$IDLE"; end_phase idle-start

phase archive
nmt_peak_pid=""
[ -n "$nmt_opts" ] && { nmt_peak & nmt_peak_pid=$!; }
seq 1 "$PAGES" | sed "s#^#http://127.0.0.1:$dport/#" > "$work/urls.txt"
cpu() { awk '{print $14+$15}' "/proc/$svc/stat"; }
c0=$(cpu)
t0=$(date +%s.%N)
PAGEKEEP_HOME="$data" env -u PAGEKEEP_JAVA_OPTS "$here/pagekeep" import --no-wait "$work/urls.txt" >/dev/null 2>"$work/import.err"
while :; do
  s="$(curl -s -H "Authorization: Bearer $token" "$api/api/stats")"
  fin="$(echo "$s" | jq '.saves.done + .saves.failed')"
  [ "$fin" -ge "$PAGES" ] && break
  if [ "$(( $(date +%s) - ${t0%.*} ))" -gt 3600 ]; then echo "archive: not finished after an hour ($fin of $PAGES)" >&2; exit 1; fi
  sleep 1
done
t1=$(date +%s.%N)
[ -n "$nmt_peak_pid" ] && { kill "$nmt_peak_pid" 2>/dev/null || true; wait "$nmt_peak_pid" 2>/dev/null || true; }
end_phase archive
nmt_peak_pid=""
[ -n "$nmt_opts" ] && { nmt_peak & nmt_peak_pid=$!; }
c1=$(cpu); hz=$(getconf CLK_TCK)
echo "archived: $(echo "$s" | jq -r '"\(.saves.done) done, \(.saves.failed) failed"') in $(awk "BEGIN{printf \"%.1f s, %.1f pages/s, service CPU %.1f ms a page\", $t1-$t0, $PAGES/($t1-$t0), ($c1-$c0)*1000/$hz/$PAGES}")"

phase idle; sleep "$IDLE"; end_phase idle

phases="idle-start archive idle export idle-after"
if [ "${EXPORT:-1}" != 0 ]; then
phase export
t0=$(date +%s.%N)
PAGEKEEP_HOME="$data" env -u PAGEKEEP_JAVA_OPTS "$here/pagekeep" export --format site --out "$work/site" 2>/dev/null | tail -1
t1=$(date +%s.%N)
end_phase export
echo "site export: $(awk "BEGIN{printf \"%.1f s, %.1f pages/s\", $t1-$t0, $PAGES/($t1-$t0)}"), $(du -sm "$work/site" | cut -f1) MB on disk"
rm -rf "$work/site"

phase idle-after; sleep "$IDLE"; end_phase idle-after
else phases="idle-start archive idle"; fi
hwm="$(awk '/^VmHWM/ {printf "%d", $2/1024}' "/proc/$svc/status")"
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""

echo
echo "| phase | seconds | peak RssAnon (MB) | final RssAnon (MB) | heap committed/used at end (MB) | load average (1 min, min-max) | target | |"
echo "|---|---|---|---|---|---|---|---|"
fail=0
for p in $phases; do
  case "$p" in archive|export) target=400 ;; *) target=150 ;; esac
  secs=$(( $(cat "$work/end-$p") - $(cat "$work/start-$p") ))
  read -r peak final lmin lmax < <(awk -v p="$p" '$2==p {if ($3>pk) pk=$3; f=$3; if (lmin=="" || $4<lmin) lmin=$4; if ($4>lmax) lmax=$4} END {print pk+0, f+0, lmin, lmax}' "$work/samples")
  # Under load the peak counts; idle, the final figure (the peak is what the load before left).
  judged=$peak; [ "$target" = 150 ] && judged=$final
  ok=pass; [ "$judged" -le "$target" ] || { ok=FAIL; fail=1; }
  echo "| $p | $secs | $peak | $final | $(cat "$work/heap-$p") | $lmin-$lmax | <= $target | $ok |"
done
echo
echo "VmHWM (includes the store's mapped file pages) $hwm MB"
[ -s "$work/nmt-peak.txt" ] && { echo; cat "$work/nmt-peak.txt"; }
[ -s "$work/nmt.txt" ] && { echo; cat "$work/nmt.txt"; }
exit "$fail"
