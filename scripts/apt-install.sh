# Sourced by scripts/services-up.sh and test-tools.sh: `apt_install PACKAGE...` installs Debian's
# packages quietly, without their recommends (as root).
apt_install() {
  # An install killed midway leaves dpkg refusing every later one until it is finished.
  DEBIAN_FRONTEND=noninteractive dpkg --configure -a >/dev/null 2>&1 || true
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
