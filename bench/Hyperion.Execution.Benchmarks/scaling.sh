#!/usr/bin/env bash
# Block-STM's scaling in one go (and, at two threads, run-ahead's, with Block-STM's beside it): every workload at each thread count, 10,000 transactions over 10,000 accounts,
# sequential and parallel in the same process (each line is the benchmark's own). Made for a lent many-core machine
# (the 16-core goals: transfers >= 10x, amm-many-pools >= 6x), where device time is short: one Release build, then
# about ten seconds a line. Prints the machine's processors first, so the figures say what they ran on.
#
#   bench/Hyperion.Execution.Benchmarks/scaling.sh [thread counts...]   (default: 1 2 4 8 and the processor count)
#
# A machine without the .NET SDK (the lent GPU hosts have none, and no network) runs a self-contained build instead:
# here, `bench/Hyperion.Execution.Benchmarks/scaling.sh --pack` writes artifacts/execution-bench-linux-x64.tgz (about
# 38 MB, git-ignored; carry it); there, the same script with the pack present unpacks it and runs that binary.
#
# Comparing commits on such a machine in one run (only pairs in one run count there: its sequential baseline moves by a
# third from one process to the next): `scaling.sh --variant <rev>` here builds that commit in a temporary work tree
# and keeps its five Hyperion assemblies (about 0.6 MB) in artifacts/variants/<rev>; carry artifacts/variants with
# the pack, and there `scaling.sh --compare [workload threads pairs]` (default: transfers and amm-many-pools, the
# processor count, 3 pairs) runs the pack's build and each variant (its assemblies over the pack's runtime) in turn;
# with STAGES=1 each line is followed by the median stage timers (--verbose; per-run figures to $OUT or artifacts/).
#
# Profiling there (the lent hosts have no perf): `scaling.sh --perf-bundle` here packs this machine's perf, its
# libraries and their loader into artifacts/perf-bundle.tgz (about 11 MB, git-ignored); carry it with the pack, and there
# `scaling.sh --profile [workload threads]` (default: amm-many-pools, the processor count) records the pack's build
# under perf (call graphs, 1 kHz a thread; the runtime writes its JIT symbol map) and leaves `perf script` output,
# compressed, in $OUT (or artifacts/): fold it here by thread and frame.
set -euo pipefail
cd "$(dirname "$0")/../.."

pack=artifacts/execution-bench-linux-x64.tgz
if [ "${1:-}" = "--variant" ]; then
  rev=$(git rev-parse --short "${2:?--variant needs a commit}")
  tree=$(mktemp -d)/tree
  git worktree add -q --detach "$tree" "$rev"
  status=0
  (cd "$tree" && dotnet build bench/Hyperion.Execution.Benchmarks -c Release -v quiet -nologo > /dev/null) || status=$?
  if [ "$status" -eq 0 ]; then
    rm -rf "artifacts/variants/$rev" && mkdir -p "artifacts/variants/$rev"
    cp "$tree"/bench/Hyperion.Execution.Benchmarks/bin/Release/net10.0/Hyperion*.dll "artifacts/variants/$rev/"
    ls -l "artifacts/variants/$rev"
  fi
  git worktree remove --force "$tree"
  exit "$status"
fi

if [ "${1:-}" = "--perf-bundle" ]; then
  perf=$(command -v perf) || { echo "No perf on this machine to bundle." >&2; exit 2; }
  bundle=$(mktemp -d)
  mkdir -p "$bundle/perf/lib" artifacts
  cp "$perf" "$bundle/perf/perf"
  ldd "$perf" | awk '$3 ~ /^\// {print $3}' | while read -r library; do cp -L "$library" "$bundle/perf/lib/"; done
  cp -L /lib64/ld-linux-x86-64.so.2 "$bundle/perf/"
  tar czf artifacts/perf-bundle.tgz -C "$bundle" perf
  rm -rf "$bundle"
  ls -l artifacts/perf-bundle.tgz
  exit 0
fi

if [ "${1:-}" = "--profile" ]; then
  [ -f "$pack" ] && [ -f artifacts/perf-bundle.tgz ] || { echo "Needs $pack and artifacts/perf-bundle.tgz: make them with --pack and --perf-bundle (and carry both)." >&2; exit 2; }
  work=$(mktemp -d)
  tar xzf "$pack" -C "$work" && tar xzf artifacts/perf-bundle.tgz -C "$work"
  workload=${2:-amm-many-pools}
  threads=${3:-$(nproc)}
  output=${OUT:-artifacts}/profile-$workload-$threads.txt.gz
  perf() { "$work/perf/ld-linux-x86-64.so.2" --library-path "$work/perf/lib" "$work/perf/perf" "$@"; }
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -g -e cpu-clock -F 1000 -o "$work/perf.data" \
    "$work/execution-bench/Hyperion.Execution.Benchmarks" --workload "$workload" --txs 10000 --accounts 10000 --threads "$threads" --repeat 20
  perf script -i "$work/perf.data" -F tid,ip,sym 2> /dev/null | gzip -1 > "$output"
  rm -rf "$work"
  ls -l "$output"
  exit 0
fi

if [ "${1:-}" = "--compare" ]; then
  [ -f "$pack" ] || { echo "No $pack here: run this script with --pack first (and carry it)." >&2; exit 2; }
  base=$(mktemp -d)
  tar xzf "$pack" -C "$base"
  runs=("pack:$base/execution-bench")
  for variant in artifacts/variants/*/; do
    [ -d "$variant" ] || continue
    name=$(basename "$variant")
    cp -r "$base/execution-bench" "$base/$name" && cp "$variant"*.dll "$base/$name/"
    runs+=("$name:$base/$name")
  done
  if [ -n "${2:-}" ]; then workloads=("$2"); else workloads=(transfers amm-many-pools); fi
  threads=${3:-$(nproc)}
  pairs=${4:-3}
  echo "processors=$(nproc) model=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //' || true)\" builds=${#runs[@]}"
  logs=${OUT:-artifacts}
  mkdir -p "$logs"
  for workload in "${workloads[@]}"; do
    for pair in $(seq 1 "$pairs"); do
      for run in "${runs[@]}"; do
        printf '%s ' "${run%%:*}"
        if [ -n "${STAGES:-}" ]; then
          # --verbose adds a line of median stage timers; each run's figures (and page faults) go to a log. Reading the
          # page faults before every timed run slowed the transfers block by about 0.5 ms: not for the headline ratio.
          "${run#*:}/Hyperion.Execution.Benchmarks" --workload "$workload" --txs 10000 --accounts 10000 --threads "$threads" --repeat 15 --verbose ${QUICK:+--warmup 2 --repeat 2} \
            2> "$logs/compare-${run%%:*}-$workload-$threads-$pair.log"
        else
          "${run#*:}/Hyperion.Execution.Benchmarks" --workload "$workload" --txs 10000 --accounts 10000 --threads "$threads" --repeat 15 ${QUICK:+--warmup 2 --repeat 2}
        fi
      done
    done
  done
  rm -rf "$base"
  exit 0
fi
if [ "${1:-}" = "--pack" ]; then
  rm -rf artifacts/execution-bench && mkdir -p artifacts
  # The lock files pin the portable graph: the runtime-specific restore would add its own to them, so they are put back.
  saved=$(mktemp -d)
  git ls-files '*packages.lock.json' | while read -r lock; do mkdir -p "$saved/$(dirname "$lock")" && cp "$lock" "$saved/$lock"; done
  status=0
  dotnet publish bench/Hyperion.Execution.Benchmarks -c Release -r linux-x64 --self-contained \
    -o artifacts/execution-bench -v quiet -nologo > /dev/null || status=$?
  (cd "$saved" && find . -name packages.lock.json) | while read -r lock; do cp "$saved/$lock" "$lock"; done
  rm -rf "$saved"
  [ "$status" -eq 0 ] || exit "$status"
  tar czf "$pack" -C artifacts execution-bench
  ls -l "$pack"
  exit 0
fi

processors=$(nproc)
threads=("$@")
if [ ${#threads[@]} -eq 0 ]; then
  threads=(1 2 4 8)
  case " ${threads[*]} " in *" $processors "*) ;; *) threads+=("$processors") ;; esac
fi

model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //' || true)
if command -v dotnet > /dev/null; then
  echo "processors=$processors model=\"$model\" dotnet=$(dotnet --version)"
  dotnet build -c Release bench/Hyperion.Execution.Benchmarks -v quiet -nologo > /dev/null
  binary=bench/Hyperion.Execution.Benchmarks/bin/Release/net10.0/Hyperion.Execution.Benchmarks
elif [ -f "$pack" ]; then
  echo "processors=$processors model=\"$model\" build=$pack (self-contained)"
  rm -rf artifacts/execution-bench && tar xzf "$pack" -C artifacts
  binary=artifacts/execution-bench/Hyperion.Execution.Benchmarks
else
  echo "Neither the .NET SDK nor $pack is here: install the SDK, or run this script with --pack where it is and bring the pack." >&2
  exit 2
fi
for workload in transfers erc20 amm-one-pool amm-many-pools chain; do
  for count in "${threads[@]}"; do
    "$binary" --workload "$workload" --txs 10000 --accounts 10000 --threads "$count"
    if [ "$count" -eq 2 ] && [ "$workload" != transfers ] && [ "$workload" != chain ]; then
      # Two threads run the committer and the runner by default; Block-STM's own figure beside it.
      printf 'engine=block-stm '
      "$binary" --workload "$workload" --txs 10000 --accounts 10000 --threads "$count" --engine block-stm
    fi
  done
done
