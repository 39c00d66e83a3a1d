#!/usr/bin/env bash
# `npm test`: brings up the services the tests talk to and installs the tools some run
# (scripts/test-tools.sh), builds (some tests run the built apps as real processes), type-checks the
# tests, then runs the three vitest lanes: unit and integration (files in parallel), then serial
# (tests that stop Redis or the S3 gateway, or kill workers), one file at a time.
# The test database (darkroom_test) is created and migrated, and the test buckets set up, by
# vitest's global setup, so this works on a fresh machine after `npm ci`.
set -euo pipefail
. "$(dirname "$0")/supported-node.sh"
cd "$(dirname "$0")/.."
# A run writes about a gigabyte to the S3 server's 4 GiB in-memory store: it begins on one at most half
# full, or a new one (scripts/s3-server.sh). The tests' own restarts of a service keep the default.
S3_SERVER_FRESH_PERCENT=50 bash scripts/services-up.sh
bash scripts/test-tools.sh
npm run build --silent
# The native compiler (TypeScript 7) by path: `typescript` itself stays 5.9 for openapi-typescript's sake,
# and both install a `tsc` command (docs/contributing.md).
node node_modules/@typescript/native/bin/tsc -p tsconfig.test.json
node node_modules/@typescript/native/bin/tsc -p test/uppy-harness
npx vitest run --project unit --project integration "$@"
npx vitest run --project serial "$@"
