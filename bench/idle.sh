#!/usr/bin/env bash
# The idle-socket footprint of one gateway (IdleSockets): heap and RSS per authenticated idle socket at
# the most sockets this machine's open-file limit lets one process hold, and the handshake rate.
#
#   bench/idle.sh                     this tree only
#   IDLE_BASELINE=/tmp/fp-base bench/idle.sh
#                                     a built checkout of an older commit first, then this tree, same run
#                                     (git worktree add /tmp/fp-base <ref> && (cd /tmp/fp-base && ./mvnw -q -DskipTests package))
#   IDLE_OPTS="-Dbench.idleConnections=5000 -Dbench.idleSocketsPerUser=2"
#   IDLE_REPORT=/tmp/idle.md          where the report section goes (default bench/target/idle/report.md)
#   IDLE_SKIP_PACKAGE=1               do not package this tree first
# Runs under flock /tmp/im-test.lock, so that no other test on this machine runs at the same time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"
exec 9>/tmp/im-test.lock
flock 9
[ -n "${IDLE_SKIP_PACKAGE:-}" ] || ./mvnw -B -q -ntp -DskipTests -DskipITs package
AB=()
if [ -n "${IDLE_BASELINE:-}" ]; then
  AB=("-Dbench.baseline=$IDLE_BASELINE" "-Dbench.baselineLabel=before ($(git -C "$IDLE_BASELINE" rev-parse --short HEAD))")
fi
HERE=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . ':!docs' 2>/dev/null || HERE="$HERE + working tree"
# shellcheck disable=SC2086
java -Xmx2g "${AB[@]}" "-Dbench.label=after ($HERE)" ${IDLE_OPTS:-} -cp "bench/target/classes:bench/target/lib/*" \
  io.imsystem.bench.IdleSockets "$ROOT" "${IDLE_REPORT:-$ROOT/bench/target/idle/report.md}"
