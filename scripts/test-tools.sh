#!/usr/bin/env bash
# Installs, from Debian's packages where missing (as root), what some tests and commands run beyond
# the services scripts/services-up.sh brings up: Chromium, pgBackRest, Go and PHP, and butteraugli. The demo needs
# none of them; `npm run services:up`, `npm test` and `npm run bench` run this after services-up.sh.
# Without a tool, the tests that need it are skipped or fail: each line below says which.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/apt-install.sh"

# Headless Chromium for the admin console's browser test (test/admin/page.test.ts): Debian's
# package, driven by playwright-core, which downloads no browser of its own.
command -v chromium >/dev/null || (echo "installing chromium" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
  || echo "could not install chromium (apt-get as root): test/admin/page.test.ts will fail" >&2

# pgBackRest for `npm run db:backup` / `db:restore` and test/recovery/backup.test.ts (which also
# makes a certificate with openssl): Debian's packages.
command -v pgbackrest >/dev/null && command -v openssl >/dev/null || (echo "installing pgbackrest" && apt_install pgbackrest openssl) \
  || echo "could not install pgbackrest (apt-get as root): npm run db:backup fails and test/recovery/backup.test.ts is skipped" >&2

# Go and PHP for docs/delivery.md's signing examples, which test/repo/docs-signing.test.ts and
# docs-private-links.test.ts run: Debian's packages. In CI a missing toolchain fails those tests.
command -v go >/dev/null && command -v php >/dev/null || (echo "installing golang-go php-cli" && apt_install golang-go php-cli) \
  || echo "could not install golang-go php-cli (apt-get as root): the Go and PHP examples are skipped, and fail in CI" >&2

# butteraugli_main, the perceptual scorer bench/qauto-calibrate.ts and the q_auto bench rows judge
# q_auto by (an implementation the project does not write): Debian's libjxl-devtools.
command -v butteraugli_main >/dev/null || (echo "installing libjxl-devtools" && apt_install libjxl-devtools) \
  || echo "could not install libjxl-devtools (apt-get as root): bench/qauto-calibrate.ts cannot score" >&2
