using System.Diagnostics;
using System.Globalization;
using Hyperion.Core.Transactions;
using Hyperion.Execution;
using Hyperion.Execution.Benchmarks;
using Hyperion.Execution.Evm;
using Hyperion.Execution.Tests.Evm;

// Block-STM against the sequential reference executor on the same block, in one process. The block is built and its
// transactions signed before anything is timed; signing leaves each sender cached in its transaction, as recovery
// at mempool admission would, so by default neither executor pays for recovery (--recover-senders gives each run
// freshly decoded transactions instead, and recovery becomes part of the block's execution: in order for the
// sequential executor, on the workers for Block-STM). After warm-up runs (40 by default, so that tiered compilation
// has settled) both executors run the block alternately and the medians are compared. Timed: the block's execution up to its receipts and state changes. Not timed: the
// trie roots, computed afterwards by the same code for both to check that the state roots are equal.
if (args.Length > 0 && args[0] == "state-scale")
{
    // A different measurement: the per-block state cost against the state's size (see StateScaleBenchmark).
    return StateScaleBenchmark.Run(args[1..]);
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException invalid)
{
    Console.Error.WriteLine($"execution-bench: {invalid.Message}");
    return 2;
}

var workload = Workloads.Create(options.Workload, options.Transactions, options.Accounts, options.Seed);
var sequential = new SequentialBlockExecutor();
using var parallel = new ParallelBlockExecutor(new BlockStmOptions
{
    ThreadCount = options.Threads,
    RunAheadOnTwoThreads = options.Engine == "auto",
    SequentialOnOneThread = options.Engine == "auto",
    RunAheadDistance = options.RunAheadDistance,
});

var sequentialTimes = new List<double>();
var parallelRuns = new List<(double Milliseconds, long ReExecutions)>();
var parallelStats = new List<BlockExecutionStats>();
var parallelPageFaults = new List<long>();
EvmBlockResult? sequentialResult = null;
EvmBlockResult? parallelResult = null;
for (var run = 0; run < options.Warmup + options.Repeat; run++)
{
    // Decoding (when senders are to be recovered in the run) happens here, before the clock starts.
    var sequentialBlock = BlockFor(workload.Block);
    var parallelBlock = BlockFor(workload.Block);
    var (sequentialMs, sequentialCpu, sequentialGc, _) = Time(() => sequentialResult = sequential.Execute(sequentialBlock, workload.PreState), options.Verbose);
    var (parallelMs, parallelCpu, parallelGc, parallelFaults) = Time(() => parallelResult = parallel.Execute(parallelBlock, workload.PreState), options.Verbose);
    if (options.Verbose)
    {
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"run {run}: sequential {sequentialMs:F1} ms (cpu {sequentialCpu:F0}, {sequentialGc}), parallel {parallelMs:F1} ms (cpu {parallelCpu:F0}, {parallelGc}) {parallelResult!.Stats}"));
    }

    if (run >= options.Warmup)
    {
        sequentialTimes.Add(sequentialMs);
        parallelRuns.Add((parallelMs, parallelResult!.Stats?.ReExecutions ?? 0));
        parallelPageFaults.Add(parallelFaults);
        if (parallelResult.Stats is { } stats)
        {
            parallelStats.Add(stats);
        }
    }
}

sequentialTimes.Sort();
var sequentialMedian = sequentialTimes[sequentialTimes.Count / 2];
parallelRuns.Sort((a, b) => a.Milliseconds.CompareTo(b.Milliseconds));
var parallelMedian = parallelRuns[parallelRuns.Count / 2];
var rootsEqual = sequentialResult!.StateRoot == parallelResult!.StateRoot && sequentialResult.ReceiptsRoot == parallelResult.ReceiptsRoot;
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"workload={options.Workload} txs={options.Transactions} threads={options.Threads} seq_ms={sequentialMedian:F1} par_ms={parallelMedian.Milliseconds:F1} speedup={sequentialMedian / parallelMedian.Milliseconds:F2} reexec={parallelMedian.ReExecutions} roots_equal={(rootsEqual ? "true" : "false")}"));
if (options.Verbose && parallelStats.Count > 0)
{
    // Where the parallel block's time went, medians of the measured runs (a stage a run did not have is left out), and
    // the median of its page faults (first touches of fresh memory: on many cores, mostly waiting on the page-table lock).
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"stages mode={parallelStats[^1].Mode} last_worker_started_ms={Median(parallelStats, static s => s.LastWorkerStarted)} scheduler_done_ms={Median(parallelStats, static s => s.SchedulerDone)} final_values_done_ms={Median(parallelStats, static s => s.FinalValuesDone)} elapsed_ms={Median(parallelStats, static s => s.Elapsed)} finish_ms={Median(parallelStats, static s => s.Finish)} page_faults={parallelPageFaults.Order().ElementAt(parallelPageFaults.Count / 2)}"));
}

return rootsEqual ? 0 : 1;

static string Median(List<BlockExecutionStats> runs, Func<BlockExecutionStats, TimeSpan?> stage)
{
    var times = runs.Select(stage).OfType<TimeSpan>().Select(static time => time.TotalMilliseconds).Order().ToList();
    return times.Count == 0 ? "-" : times[times.Count / 2].ToString("F2", CultureInfo.InvariantCulture);
}

// The block as a run gets it: as built (senders known), or decoded afresh so that the run recovers every sender.
EvmBlock BlockFor(EvmBlock block) => options.RecoverSenders
    ? block with { Transactions = [.. block.Transactions.Select(static transaction => Transaction.Decode(transaction.Encode()))] }
    : block;

// Wall-clock and process CPU milliseconds of one run, after a collection so that no run pays for another's garbage,
// with what the run allocated and the collections it caused (the garbage collector stops every worker), and with
// --verbose its page faults: only then, because reading them (/proc/self/stat) before the clock started slowed the
// parallel transfers block that followed, by about half a millisecond in every pair (8.8–10.1 against 8.2–9.0 ms on
// two cores; 3.0–3.8 against 2.5–2.8 ms at sixteen threads on the lent host). Why is not known.
static (double WallMs, double CpuMs, string Gc, long PageFaults) Time(Action run, bool countPageFaults)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var faults = countPageFaults ? MinorPageFaults() : 0;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var allocated = GC.GetTotalAllocatedBytes(precise: false);
    var collections = GC.CollectionCount(0);
    var pauses = GC.GetTotalPauseDuration();
    var started = Stopwatch.GetTimestamp();
    run();
    var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    var pageFaults = countPageFaults ? MinorPageFaults() - faults : 0;
    var gc = string.Create(
        CultureInfo.InvariantCulture,
        $"{(GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1e6:F1} MB, {GC.CollectionCount(0) - collections} gen0 GCs, paused {(GC.GetTotalPauseDuration() - pauses).TotalMilliseconds:F1} ms{(countPageFaults ? $", {pageFaults} page faults" : "")}");
    return (wall, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds, gc, pageFaults);
}

// The process's minor page faults so far (Linux's /proc/self/stat, field 10; 0 elsewhere): first touches of fresh pages,
// which at sixteen workers mostly wait on the kernel's page-table lock (the third 16-core session's profile).
static long MinorPageFaults()
{
    try
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return 0;
    }
    catch (UnauthorizedAccessException)
    {
        return 0;
    }
}
