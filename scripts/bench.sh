#!/usr/bin/env bash
# `npm run bench`: brings the services up, builds, then prints every performance figure against a
# baseline measured in the same run (bench/run.ts). Not part of `npm test` or CI.
set -euo pipefail
. "$(dirname "$0")/supported-node.sh"
cd "$(dirname "$0")/.."
bash scripts/services-up.sh >/dev/null
npm run build --silent
npx tsx bench/run.ts "$@"
