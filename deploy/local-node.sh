#!/usr/bin/env bash
# Publishes the node once (Release, framework-dependent) and runs it, passing every argument through:
#   deploy/local-node.sh --port 8545 --data ./.data
# Publishing first means Ctrl-C and SIGTERM reach the node itself rather than a `dotnet run` wrapper.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${HYPERION_PUBLISH_DIR:-$root/artifacts/node}"
dotnet publish "$root/src/Silo/Hyperion.Silo.csproj" -c Release -o "$out" --nologo -v quiet
exec dotnet "$out/Hyperion.Silo.dll" "$@"
