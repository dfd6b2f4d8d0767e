#!/usr/bin/env bash
# The project's test command (README "Run the tests"): restores pinned packages from the lock files,
# builds everything with warnings as errors, checks formatting, and runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore Hyperion.Grid.sln --locked-mode
dotnet build Hyperion.Grid.sln -c Release --no-restore
dotnet format Hyperion.Grid.sln --verify-no-changes --no-restore
dotnet test Hyperion.Grid.sln -c Release --no-build --logger "console;verbosity=normal"
