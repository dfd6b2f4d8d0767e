#!/usr/bin/env bash
# A multi-silo grid on this machine, as production runs it: Azure Storage (Azurite here) for membership, the
# block log and grain state, several silos that each co-host a JSON-RPC gateway, and one standalone gateway.
#   deploy/local-cluster.sh [silos=3]
# Silo i serves JSON-RPC on 8545+i (Orleans ports 11111+i and 30000+i); the standalone gateway on 8600.
# Kill one silo (kill -9 <pid>, printed below): the chain keeps committing on the others and nothing committed
# is lost. Ctrl-C stops everything this script started, and only that. State lives under ./.cluster.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
silos="${1:-3}"
state="${HYPERION_CLUSTER_DIR:-$root/.cluster}"
out="${HYPERION_PUBLISH_DIR:-$root/artifacts/node}"
mkdir -p "$state"

[ -x "$root/node_modules/.bin/azurite" ] || (cd "$root" && npm ci --ignore-scripts --no-audit --no-fund)
dotnet publish "$root/src/Silo/Hyperion.Silo.csproj" -c Release -o "$out/silo" --nologo -v quiet
dotnet publish "$root/src/Gateway/Hyperion.Gateway.csproj" -c Release -o "$out/gateway" --nologo -v quiet

pids=()
azurite_pid=""
stop() {
  # Nodes first, Azurite last: a silo leaving updates the membership table, so storage must outlive it. A node
  # that has not stopped after 30 s is killed.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 60); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -z "$azurite_pid" ] || kill "$azurite_pid" 2>/dev/null || true
}
trap stop EXIT INT TERM

# Its own session, so that Ctrl-C (sent to the whole foreground group) does not stop storage before the nodes.
setsid "$root/node_modules/.bin/azurite" --silent --location "$state/azurite" --blobHost 127.0.0.1 --queueHost 127.0.0.1 \
  --tableHost 127.0.0.1 --skipApiVersionCheck --disableTelemetry > "$state/azurite.log" 2>&1 &
azurite_pid=$!
for port in 10000 10002; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.2; done
done
export HYPERION_STORAGE=azure HYPERION_CLUSTERING=azure HYPERION_AZURE_STORAGE="UseDevelopmentStorage=true"

for ((i = 0; i < silos; i++)); do
  dotnet "$out/silo/Hyperion.Silo.dll" --port $((8545 + i)) --silo-port $((11111 + i)) --gateway-port $((30000 + i)) \
    --data "$state/silo-$i" > "$state/silo-$i.log" 2>&1 &
  pids+=($!)
  echo "silo $i: pid $! JSON-RPC http://127.0.0.1:$((8545 + i)) log $state/silo-$i.log"
done

dotnet "$out/gateway/Hyperion.Gateway.dll" --port 8600 --silo-gateway-port 30000 > "$state/gateway.log" 2>&1 &
pids+=($!)
echo "gateway: pid $! JSON-RPC http://127.0.0.1:8600 log $state/gateway.log"

until curl -sf http://127.0.0.1:8545/health/ready > /dev/null; do sleep 0.5; done
echo "ready: try  cast block-number --rpc-url http://127.0.0.1:8546"
wait
