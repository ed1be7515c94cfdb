#!/usr/bin/env bash
# Runs every test: unit and service tests (@QuarkusTest against the real MariaDB and Redis),
# the packaged-jar tests (@QuarkusIntegrationTest) and the system tests (four real processes).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl message-service -am
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"
exec ./mvnw -B -ntp verify "$@"
