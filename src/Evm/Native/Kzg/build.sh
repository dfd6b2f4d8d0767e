#!/usr/bin/env bash
# Builds libhyperion_kzg.so (c-kzg + blst + hyperion_kzg.c) and puts it, with the mainnet trusted setup,
# into the folder given as $1. The C sources come from the npm package c-kzg, pinned in the repository's
# package-lock.json; `npm ci` fetches it when node_modules lacks it. npm must not run c-kzg's own install
# script (a node-gyp build of the Node.js binding that we do not use), hence --ignore-scripts.
# MSBuild (Kzg.targets) calls this only when the library is missing or older than its inputs.
set -euo pipefail

out_dir="${1:?usage: build.sh OUTPUT_DIRECTORY}"
for tool in node npm gcc ar flock; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "hyperion-kzg: '$tool' is required to build the native KZG library (c-kzg + blst) but is not on PATH" >&2
        exit 1
    fi
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../../.." && pwd)"
ckzg_package="$repo_root/node_modules/c-kzg"
expected_version="$(node -p "require('$repo_root/package-lock.json').packages['node_modules/c-kzg'].version")"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"

# Builds with different artifacts folders may run at once; only one may run npm ci in the shared
# repository root.
lock_file="${TMPDIR:-/tmp}/hyperion-kzg-npm-$(printf '%s' "$repo_root" | cksum | cut -d' ' -f1).lock"
exec 9>"$lock_file"
flock 9
installed_version="$(node -p "try { require('$ckzg_package/package.json').version } catch { '' }")"
if [ "$installed_version" != "$expected_version" ]; then
    echo "hyperion-kzg: c-kzg $expected_version is not in node_modules; running npm ci in $repo_root"
    (cd "$repo_root" && npm ci --ignore-scripts --no-audit --no-fund)
fi
flock -u 9

deps="$ckzg_package/deps"
work="$(mktemp -d "$out_dir/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# blst's own script picks the assembly for this CPU family; -fPIC because it ends up in a shared library;
# __BLST_PORTABLE__ makes blst choose ADX/BMI2 code at run time instead of assuming the build machine's CPU.
if ! (cd "$work" && sh "$deps/blst/build.sh" -fPIC -D__BLST_PORTABLE__ >"$work/blst.log" 2>&1); then
    cat "$work/blst.log" >&2
    echo "hyperion-kzg: building blst failed" >&2
    exit 1
fi

gcc -O2 -fPIC -shared -fvisibility=hidden \
    -I "$deps/c-kzg" -I "$deps/blst/bindings" \
    -o "$work/libhyperion_kzg.so" \
    "$here/hyperion_kzg.c" "$deps/c-kzg/ckzg.c" "$work/libblst.a" \
    -Wl,--no-undefined -Wl,-z,noexecstack -Wl,--exclude-libs,ALL

# Rename into place so a concurrent reader never sees a half-written library.
mv -f "$work/libhyperion_kzg.so" "$out_dir/libhyperion_kzg.so"
cp -f "$deps/c-kzg/trusted_setup.txt" "$work/trusted_setup.txt"
mv -f "$work/trusted_setup.txt" "$out_dir/trusted_setup.txt"
echo "hyperion-kzg: built $out_dir/libhyperion_kzg.so (c-kzg $expected_version)"
