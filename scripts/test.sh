#!/usr/bin/env bash
# `npm test`: brings up the services the tests talk to, then runs every test: first the parallel
# suite, then the serial one (tests that stop Redis or the S3 gateway, or kill workers).
# The test database (darkroom_test) is created and migrated, and the test buckets set up, by
# vitest's global setup, so this works on a fresh machine after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services-up.sh
# Some tests run the built apps as real processes (graceful shutdown, SIGKILL mid-job).
npm run build --silent
npx vitest run "$@"
npx vitest run --config vitest.serial.config.ts "$@"
