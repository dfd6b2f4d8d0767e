#!/usr/bin/env bash
# Makes sure node_modules/azurite matches the version pinned in package-lock.json, running `npm ci` in the
# repository root when it does not (a fresh clone). Called by Azurite.targets before the test project builds.
set -euo pipefail

for tool in node npm flock; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "hyperion-azurite: '$tool' is required to install Azurite for the Azure storage tests but is not on PATH" >&2
        exit 1
    fi
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
expected_version="$(node -p "require('$repo_root/package-lock.json').packages['node_modules/azurite'].version")"

# The same lock as src/Evm/Native/Kzg/build.sh: builds with different artifacts folders may run at once, and
# only one of them may run npm ci in the shared repository root.
lock_file="${TMPDIR:-/tmp}/hyperion-kzg-npm-$(printf '%s' "$repo_root" | cksum | cut -d' ' -f1).lock"
exec 9>"$lock_file"
flock 9
installed_version="$(node -p "try { require('$repo_root/node_modules/azurite/package.json').version } catch { '' }")"
if [ "$installed_version" != "$expected_version" ]; then
    echo "hyperion-azurite: azurite $expected_version is not in node_modules; running npm ci in $repo_root"
    # --ignore-scripts: no package here needs its install script (c-kzg's would build an unused Node binding).
    (cd "$repo_root" && npm ci --ignore-scripts --no-audit --no-fund)
fi
flock -u 9
