#!/usr/bin/env bash
# Runs every test: unit and service tests (@QuarkusTest against the real MariaDB and Redis),
# the packaged-jar tests (@QuarkusIntegrationTest) and the system tests (four real processes).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl message-service -am
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/prepare.sh"
cd "$ROOT"

# The web page test drives Debian's Chromium with playwright-core (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
if [ ! -d system-tests/browser/node_modules/playwright-core ]; then
  (cd system-tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
# The client library's dev dependencies (typescript, ws), from its committed lock file: ClientLibraryIT
# compiles the library and runs its node:test suite against the packaged services.
if [ ! -d clients/js/node_modules/typescript ] || [ ! -d clients/js/node_modules/ws ]; then
  (cd clients/js && npm ci --no-audit --no-fund --loglevel=error)
fi
exec ./mvnw -B -ntp verify "$@"
