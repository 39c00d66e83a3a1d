# Sourced first thing by scripts/test.sh, demo.sh and bench.sh: `. "$(dirname "$0")/supported-node.sh"`.
# Darkroom runs on Node >= 22 (package.json engines). On an older `node` (Debian bookworm's own package
# is Node 18; NodeSource's apt gives 20), the calling script installs the pinned Node 24 (scripts/node.sh) and runs
# itself again on it, with the same arguments, so the README's commands work on such a machine too.
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
  darkroom_old_node=$(node --version 2>/dev/null || echo "no node")
  . "$(dirname "${BASH_SOURCE[0]}")/node.sh"
  echo "darkroom: node $darkroom_old_node is older than 22: running $0 on the pinned Node $NODE_PIN_VERSION (.tools/)" >&2
  exec bash "$0" "$@"
fi
