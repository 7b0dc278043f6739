#!/usr/bin/env bash
# Exports and import: WARC, WACZ, static site and Markdown export rates and peak memory over N
# snapshots, then the import rate of that WARC into an empty store. Each step runs in its own JVM
# (-Xmx512m, or $XMX). STEPS picks steps (default: all); KEEP=DIR keeps (or reuses) the store there.
# usage: bench/archive.sh [SNAPSHOTS=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
N=${1:-10000}
XMX=${XMX:-512m}
STEPS=${STEPS:-"warc wacz site markdown import"}
if [ -n "${KEEP:-}" ]; then DIR=$KEEP; mkdir -p "$DIR"; else DIR=$(mktemp -d /tmp/pagekeep-archive-bench.XXXXXX); trap 'rm -rf "$DIR"' EXIT; fi
run() { java -Xmx"$XMX" -cp "$JAR" bench/ArchiveBench.java "$@" 2>"$DIR/stderr.log" || { cat "$DIR/stderr.log" >&2; exit 1; }; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f "$DIR/store/archive.db" ] || run setup "$DIR/store" "$N"
for step in $STEPS; do
  case $step in
    warc) run warc "$DIR/store" "$DIR/out.warc.gz" ;;
    wacz) run wacz "$DIR/store" "$DIR/out.wacz" ;;
    site) run site "$DIR/store" "$DIR/site.zip" ;;
    markdown) run markdown "$DIR/store" "$DIR/markdown.zip" ;;
    import) [ -f "$DIR/out.warc.gz" ] || run warc "$DIR/store" "$DIR/out.warc.gz" >/dev/null; rm -rf "$DIR/imported"; run import "$DIR/out.warc.gz" "$DIR/imported" ;;
  esac
done
grep -o '"errors":\[[^]]*\]' "$DIR/stderr.log" || true
