#!/usr/bin/env bash
# Runs the whole benchmark on this machine (about 15 minutes) and writes docs/BENCHMARKS.md:
# start-up, the limits (raw MariaDB inserts one send and 16 or 64 sends per transaction, raw Redis
# XADD one after the other and pipelined), one-to-one chat at increasing load with the CPU each
# process spends per message, group fan-out and group sends, an offline burst and idle connections,
# all through the gateway with real WebSocket clients.
#
# A/B: the chat and group scenarios run first on an older build, then on this one, with the same
# settings, and the report shows both. BENCH_BASELINE=<git ref> (default 52d3a2c, the build before
# the batched send path) is checked out and built in .local/ab/<ref>; BENCH_BASELINE=none skips it.
# Sizes: BENCH_OPTS="-Dbench.pairs=64 -Dbench.levels=200,400,800 -Dbench.idleConnections=5000 -Dbench.bigGroup=500"
# One part only: BENCH_OPTS="-Dbench.scenarios=groups" (chat, groups, offline, idle; the report then has only that part)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"
./mvnw -B -q -ntp -DskipTests -DskipITs package

BASELINE=${BENCH_BASELINE:-52d3a2c}
AB=()
if [ "$BASELINE" != "none" ]; then
  DIR="$ROOT/.local/ab/$BASELINE"
  if [ ! -d "$DIR" ]; then
    git worktree add -f "$DIR" "$BASELINE" >/dev/null
  fi
  if [ ! -d "$DIR/gateway-service/target/quarkus-app" ]; then
    (cd "$DIR" && ./mvnw -B -q -ntp -DskipTests -DskipITs package)
  fi
  AB=("-Dbench.baseline=$DIR" "-Dbench.baselineLabel=before ($BASELINE)" "-Dbench.label=after ($(git rev-parse --short HEAD))")
fi
exec java -Xmx3g "${AB[@]}" ${BENCH_OPTS:-} -cp "bench/target/classes:bench/target/lib/*" io.imsystem.bench.Bench "$ROOT" "$ROOT/docs/BENCHMARKS.md"
