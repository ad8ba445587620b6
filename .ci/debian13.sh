#!/usr/bin/env bash
# Runs a command in a Debian 13 (trixie, glibc 2.41) root with a given Node.js, the checkout at the same path.
#   .ci/debian13.sh 24.22.3 npm test
# The root is made once with debootstrap from Debian's own packages (about 2 minutes, 230 MB, with
# redis-server for the Redis tests) and kept in the CI cache. The command runs in a private mount namespace
# (unshare), so /proc, /dev and the checkout are mounted for it alone and vanish with it: nothing to undo,
# even when it is killed. The host's network namespace is kept, so loopback is the host's.
set -euo pipefail
version=${1:?usage: .ci/debian13.sh NODE_VERSION COMMAND...}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${SWITCHBOARD_CI_CACHE:-/var/cache/switchboard-ci}
root="$cache/trixie"
# Bump when the package list changes, so a cached root made with the old list is made again.
stamp="$root/.switchboard-root-1"
if [ ! -f "$stamp" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  # The Debian mirror this machine's apt already uses (not its security or third-party sources).
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?$' | head -n1 || true)
  rm -rf "$root.tmp" && mkdir -p "$cache"
  debootstrap --variant=minbase --include=ca-certificates,redis-server,procps trixie "$root.tmp" "${mirror:-http://deb.debian.org/debian}" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log"; exit 1; }
  touch "$root.tmp/.switchboard-root-1"
  rm -rf "$root" && mv "$root.tmp" "$root"
fi
node_dir=$("$here/.ci/node.sh" "$version")
mkdir -p "$root$here" "$root/opt/node"
# Environment for the command: the chosen Node first on PATH, and what the tests read from the host's.
exec unshare --mount --propagation private env -i \
  HOME=/root PATH="/opt/node/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" LANG=C.UTF-8 TERM=dumb \
  CI="${CI:-}" SWITCHBOARD_TEST_REQUIRE="${SWITCHBOARD_TEST_REQUIRE-}" SWITCHBOARD_TRANSPORT="${SWITCHBOARD_TRANSPORT:-}" \
  ROOT="$root" HERE="$here" NODE_DIR="$node_dir" \
  bash -c '
    set -e
    mount -t proc proc "$ROOT/proc"
    mount --rbind /dev "$ROOT/dev"
    mount --bind "$HERE" "$ROOT$HERE"
    mount --bind "$NODE_DIR" "$ROOT/opt/node"
    mkdir -p "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"
    cd "$HERE"
    exec chroot "$ROOT" bash -c "cd \"\$0\" && exec \"\$@\"" "$HERE" "$@"
  ' bash "$@"
