#!/usr/bin/env bash
# Runs the whole benchmark on this machine (about 8 minutes) and writes docs/BENCHMARKS.md:
# start-up, the limits (raw MariaDB inserts, raw Redis XADD), one-to-one chat at increasing load,
# group fan-out and group sends, an offline burst and idle connections, all through the gateway
# with real WebSocket clients.
# Sizes: BENCH_OPTS="-Dbench.pairs=20 -Dbench.levels=100,200,400 -Dbench.idleConnections=5000 -Dbench.bigGroup=500"
# One part only: BENCH_OPTS="-Dbench.scenarios=groups" (chat, groups, offline, idle; the report then has only that part)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"
./mvnw -B -q -ntp -DskipTests -DskipITs package
exec java -Xmx3g ${BENCH_OPTS:-} -cp "bench/target/classes:bench/target/lib/*" io.imsystem.bench.Bench "$ROOT" "$ROOT/docs/BENCHMARKS.md"
