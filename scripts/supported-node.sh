# Sourced first thing by scripts/test.sh, demo.sh and bench.sh: `. "$(dirname "$0")/supported-node.sh"`.
# Darkroom runs on the Node package.json's engines names (">=N", the one place it is written). On an
# older `node` (Debian bookworm's own package is Node 18; NodeSource's apt gives 20), the calling script
# installs the pinned Node (scripts/node.sh) and runs itself again on it, with the same arguments, so the
# README's commands work on such a machine too. The apps' own entries refuse such a Node instead
# (@darkroom/core/node-floor).
darkroom_node_floor=$(sed -n 's/^ *"node": *">=\([0-9][0-9]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../package.json" | head -n 1)
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt "${darkroom_node_floor:?package.json names no engines.node}" ]; then
  darkroom_old_node=$(node --version 2>/dev/null || echo "no node")
  . "$(dirname "${BASH_SOURCE[0]}")/node.sh"
  echo "darkroom: node $darkroom_old_node is older than $darkroom_node_floor: running $0 on the pinned Node $NODE_PIN_VERSION (.tools/)" >&2
  exec bash "$0" "$@"
fi
