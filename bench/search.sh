#!/usr/bin/env bash
# Full-text search latency: p50/p90/p99 of search(query, 0, 20) with highlighting over N snapshots.
# usage: bench/search.sh [SNAPSHOTS=100000] [QUERIES=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
java -Xmx1g -cp "$JAR" bench/SearchBench.java --snapshots "${1:-100000}" --queries "${2:-2000}" 2>/dev/null
