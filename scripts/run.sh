#!/usr/bin/env bash
# Runs the whole IM system locally: prepares MariaDB, Redis, the database user and a dev key
# pair (scripts/prepare.sh), builds, starts the four services with their logs in logs/,
# waits until each is ready, prints the URL and stops them all on Ctrl-C.
# Set SKIP_BUILD=1 to start what was built last.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "[run] building (./mvnw package, tests skipped; scripts/test.sh runs them)"
  ./mvnw -B -q -ntp -DskipTests package
fi

mkdir -p logs
export QUARKUS_PROFILE=${QUARKUS_PROFILE:-dev}
export IM_GATEWAY_ID=${IM_GATEWAY_ID:-gw-local}
export LOG_FILE_ENABLED=false
PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "[run] stopping the services"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

declare -A PORTS=([auth-service]=8081 [message-service]=8082 [presence-service]=8083 [gateway-service]=8080)
# /q/health, /q/metrics, /q/openapi, /q/swagger-ui: each service's management port (docs/OPERATIONS.md).
declare -A MANAGEMENT=([auth-service]=9081 [message-service]=9082 [presence-service]=9083 [gateway-service]=9080)
for svc in auth-service message-service presence-service gateway-service; do
  SERVER_PORT=${PORTS[$svc]} MANAGEMENT_PORT=${MANAGEMENT[$svc]} java ${JAVA_OPTS:-} -jar "$svc/target/quarkus-app/quarkus-run.jar" \
    >"logs/$svc.log" 2>&1 &
  PIDS+=($!)
  echo "[run] $svc starting on :${PORTS[$svc]} (log: logs/$svc.log)"
done

for svc in auth-service message-service presence-service gateway-service; do
  port=${MANAGEMENT[$svc]}
  for i in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then break; fi
    if [ "$i" = 120 ]; then echo "[run] $svc did not become ready; see logs/$svc.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "[run] $svc ready"
done

echo
echo "  IM system is up:  http://localhost:8080/   (API under /api/v1, WebSocket at /ws)"
echo "  Operations:       http://localhost:9080/q/swagger-ui  /q/health  /q/metrics  (9081-9083: auth, message, presence)"
echo "  Ctrl-C stops everything."
wait
