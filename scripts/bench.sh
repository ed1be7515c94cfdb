#!/usr/bin/env bash
# Runs the whole benchmark on this machine (about 10 minutes with the A/B, builds included) and writes docs/BENCHMARKS.md:
# start-up, the limits (raw MariaDB inserts of one send and of 16 or 64 sends per transaction, raw Redis
# XADD one after the other and pipelined), one-to-one chat at increasing load with the CPU each
# process spends per message, group fan-out and group sends, an offline burst and idle connections,
# all through the gateway with real WebSocket clients.
#
# A/B: the chat and group scenarios run first on an older build, then on this one, with the same
# settings, and the report shows both. BENCH_BASELINE=<git ref> (default 52d3a2c, the build before
# the throughput work) is checked out as a git worktree in .local/ab/<ref> and built there (once);
# BENCH_BASELINE=none runs this build alone.
# Sizes: BENCH_OPTS="-Dbench.pairs=64 -Dbench.levels=200,400,800 -Dbench.idleConnections=5000 -Dbench.bigGroup=500"
# One part only: BENCH_OPTS="-Dbench.scenarios=groups" (chat, groups, offline, idle; the report then has only that part)
# Elsewhere than docs/BENCHMARKS.md: BENCH_REPORT=/tmp/bench.md
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"
./mvnw -B -q -ntp -DskipTests -DskipITs package

BASELINE=${BENCH_BASELINE:-52d3a2c}
REPORT=${BENCH_REPORT:-$ROOT/docs/BENCHMARKS.md}
AB=()
if [ "$BASELINE" != "none" ]; then
  COMMIT=$(git rev-parse --verify --quiet "$BASELINE^{commit}") || { echo "[bench] BENCH_BASELINE=$BASELINE is not a commit here" >&2; exit 1; }
  DIR="$ROOT/.local/ab/${BASELINE//\//_}"
  if [ -d "$DIR" ] && [ "$(git -C "$DIR" rev-parse HEAD 2>/dev/null)" != "$COMMIT" ]; then
    echo "[bench] $DIR is not at $BASELINE ($COMMIT): moving it there"
    git -C "$DIR" checkout -q --detach "$COMMIT"
    rm -rf "$DIR"/*/target
  fi
  if [ ! -d "$DIR" ]; then
    mkdir -p "$ROOT/.local/ab"
    git worktree add -f --detach "$DIR" "$COMMIT" >/dev/null
  fi
  built=yes
  for s in auth-service message-service presence-service gateway-service; do
    [ -f "$DIR/$s/target/quarkus-app/quarkus-run.jar" ] || built=no
  done
  if [ "$built" = no ]; then
    echo "[bench] building the baseline $BASELINE in $DIR"
    (cd "$DIR" && ./mvnw -B -q -ntp -DskipTests -DskipITs package)
  fi
  HERE=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- . ':!docs' 2>/dev/null || HERE="$HERE + working tree"
  AB=("-Dbench.baseline=$DIR" "-Dbench.baselineLabel=before ($(git rev-parse --short "$COMMIT"))" "-Dbench.label=after ($HERE)")
fi
# shellcheck disable=SC2086
exec java -Xmx3g "${AB[@]}" ${BENCH_OPTS:-} -cp "bench/target/classes:bench/target/lib/*" io.imsystem.bench.Bench "$ROOT" "$REPORT"
