#!/usr/bin/env bash
# `npm run bench`: brings the services up, builds, then prints every performance figure against a
# baseline measured in the same run (bench/run.ts). Not part of `npm test` or CI.
set -euo pipefail
. "$(dirname "$0")/supported-node.sh"
cd "$(dirname "$0")/.."
bash scripts/services-up.sh >/dev/null
# pgBackRest for the backup figures (bench/backup.ts).
bash scripts/test-tools.sh >/dev/null
# The delivery part loads its servers with wrk (bench/load.ts says why).
command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null) \
  || echo "could not install wrk (apt-get as root): the delivery part's repeated request will fail" >&2
npm run build --silent
npx tsx bench/run.ts "$@"
