#!/usr/bin/env bash
# The project's test command (README "Run the tests"): restores pinned packages from the lock files,
# builds everything with warnings as errors, checks formatting, runs every test project, and prints
# the conformance counts (ethereum/tests fixtures) at the end.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Every test assembly's host starts at once; on two busy cores one of them has taken longer than vstest's default
# 90 s to connect back ("Failed to negotiate protocol"), failing the run without a test having run.
export VSTEST_CONNECTION_TIMEOUT=300
report_dir="$(mktemp -d)"
export HYPERION_REPORT_DIR="$report_dir"
trap 'rm -rf "$report_dir"' EXIT

dotnet restore Hyperion.Grid.sln --locked-mode
dotnet build Hyperion.Grid.sln -c Release --no-restore
dotnet format Hyperion.Grid.sln --verify-no-changes --no-restore
status=0
dotnet test Hyperion.Grid.sln -c Release --no-build || status=$?

echo
echo "== Conformance (ethereum/tests) =="
if [ -f "$report_dir/conformance.txt" ]; then sort "$report_dir/conformance.txt"; else echo "no conformance suite ran"; status=1; fi
exit $status
