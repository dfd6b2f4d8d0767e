using System.Collections.Concurrent;
using System.Globalization;
using Hyperion.Core.Crypto;

namespace Hyperion.Node.Benchmarks;

/// <summary>
/// Committed transactions per second and submit-to-commit latency of signed value transfers over JSON-RPC, on the dev
/// node and on anvil under the same load in the same run:
/// <c>dotnet run -c Release --project bench/Hyperion.Node.Benchmarks -- [--txs n] [--senders k] [--concurrency c] [--block-time ms] [--node both|hyperion|anvil] [--repeat r] [--warmup w] [--anvil-kick-ms ms]</c>.
/// The nodes take turns (hyperion, anvil, anvil, hyperion, hyperion, ...), each alone on the machine with the load generator, each on a
/// fresh chain, and each stopped before the next starts; a node's line gives the median of its complete runs. A run that
/// ends with transfers uncommitted is shown, counted, and run once more; the benchmark fails (exit code 1) when that one
/// is incomplete too, or a node fails.
/// </summary>
internal static class Program
{
    private const double TpsGoal = 3.0;
    private const double P99GoalMs = 1000;

    /// <summary>Each node's eth_chainId rate, one per run (<see cref="RpcFloor"/>).</summary>
    private static readonly ConcurrentDictionary<string, List<double>> Floors = new();

    public static async Task<int> Main(string[] args)
    {
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return 2;
        }

        Console.WriteLine(
            $"# {options.Transactions} signed EIP-1559 value transfers from {options.Senders} development accounts, each sender's "
            + $"back to back, at most {Math.Min(options.Concurrency, options.Senders)} eth_sendRawTransaction in flight "
            + $"(--concurrency {options.Concurrency}, one per sender at a time), after {options.WarmupPerSender} unmeasured warm-up "
            + $"transfer(s) per sender; latency = submit to the first eth_blockNumber poll (every {TransferLoad.PollInterval.TotalMilliseconds} ms) "
            + $"that shows its block; {options.Repeat} run(s) per node, taking turns; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var keys = Enumerable.Range(0, options.Senders).Select(i => HdKeyDerivation.DeriveAccount(HdKeyDerivation.DevelopmentMnemonic, i)).ToList();
        var nodes = Nodes(options).ToList();
        var results = nodes.ToDictionary(node => node.Name, _ => new List<LoadResult>());
        var incomplete = nodes.ToDictionary(node => node.Name, _ => 0);
        var failed = false;
        try
        {
            for (var run = 1; run <= options.Repeat; run++)
            {
                // Odd runs go hyperion then anvil, even runs the other way round, so neither always follows the other.
                foreach (var (name, start) in run % 2 == 1 ? nodes : Enumerable.Reverse(nodes))
                {
                    var result = await RunOnceAsync(name, start, options, keys, $"run {run}/{options.Repeat}").ConfigureAwait(false);
                    if (result is not { Complete: true })
                    {
                        // Either node may lose or strand a transfer now and then (anvil does under this load): such a run
                        // is shown in full, counted in the node's line, and run once more on a fresh node.
                        incomplete[name]++;
                        result = await RunOnceAsync(name, start, options, keys, $"run {run}/{options.Repeat} again").ConfigureAwait(false);
                    }

                    if (result is { Complete: true })
                    {
                        results[name].Add(result);
                    }
                    else
                    {
                        incomplete[name]++;
                        failed = true;
                    }
                }
            }
        }
        finally
        {
            keys.ForEach(key => key.Dispose());
        }

        var medians = new Dictionary<string, Summary>();
        foreach (var (name, _) in nodes)
        {
            if (results[name].Count == 0)
            {
                Console.WriteLine($"node={name} error: no complete run, so no figures (see the runs above)");
                continue;
            }

            medians[name] = Summary.Of(results[name]);
            Console.WriteLine(
                $"node={name} txs={options.Transactions} senders={options.Senders} committed_tps={Format(medians[name].Tps)} "
                + $"p50_ms={Format(medians[name].P50Ms)} p99_ms={Format(medians[name].P99Ms)} submit_errors={medians[name].SubmitErrors}"
                + (options.Repeat > 1 ? $" runs={results[name].Count} (medians)" : string.Empty)
                + (incomplete[name] > 0 ? $" incomplete_runs={incomplete[name]}" : string.Empty));
        }

        foreach (var (name, floors) in Floors)
        {
            Console.WriteLine($"node={name} eth_chainId_rps={Format(Median(floors), "F0")}");
        }

        if (Floors.TryGetValue("hyperion", out var ourFloors) && Floors.TryGetValue("anvil", out var anvilFloors))
        {
            Console.WriteLine($"ratio_eth_chainId_rps={Format(Median(ourFloors) / Median(anvilFloors), "F2")} (what a request costs before any chain work)");
        }

        if (medians.TryGetValue("hyperion", out var hyperion) && medians.TryGetValue("anvil", out var anvil))
        {
            var ratio = hyperion.Tps / anvil.Tps;
            Console.WriteLine(
                $"ratio_tps={Format(ratio, "F2")} goal={TpsGoal}x met={Bool(ratio >= TpsGoal)} "
                + $"p99_goal={P99GoalMs}ms met={Bool(hyperion.P99Ms < P99GoalMs)}");
        }

        return failed ? 1 : 0;
    }

    /// <summary>One run on a freshly started node, printed as it ends; null when the node failed.</summary>
    private static async Task<LoadResult?> RunOnceAsync(
        string name, Func<BenchmarkOptions, Task<NodeUnderTest>> start, BenchmarkOptions options, IReadOnlyList<PrivateKey> keys, string run)
    {
        try
        {
            using var node = await start(options).ConfigureAwait(false);
            Console.WriteLine($"# {run} {name}: {node.Description}");
            var result = await TransferLoad.RunAsync(node, options, keys).ConfigureAwait(false);
            if (node.Process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited during the run. Its output ended with:\n{node.Process.OutputTail}");
            }

            Print(result, run);
            if (name == "hyperion")
            {
                await PrintNodeStagesAsync(node, run).ConfigureAwait(false);
            }

            var floor = await RpcFloor.MeasureAsync(node.Url, Math.Min(options.Concurrency, options.Senders)).ConfigureAwait(false);
            Floors.GetOrAdd(name, _ => []).Add(floor);
            Console.WriteLine($"# {run} {name}: eth_chainId floor {floor:F0} req/s (same client, same concurrency, {RpcFloor.Duration.TotalSeconds:F0} s)");

            return result;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException
            or HttpRequestException or JsonRpcException or FormatException or OperationCanceledException)
        {
            // One node failing does not stop the other's measurement: its figures are still worth having.
            Console.WriteLine($"# {run} node={name} error: {exception.Message}");
            return null;
        }
    }

    /// <summary>
    /// Where the dev node's block time went, from its own /metrics (Prometheus text): the count and mean of each commit
    /// stage, so that a slow run says whether execution, the durable append or the grain fan-out is the cost.
    /// </summary>
    private static async Task PrintNodeStagesAsync(NodeUnderTest node, string run)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri(node.Url, "/metrics")).ConfigureAwait(false);
        var sums = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (line.StartsWith("hyperion_chain_", StringComparison.Ordinal) && space > 0
                && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var metric = line[..space];
                var brace = metric.IndexOf('{', StringComparison.Ordinal);
                metric = brace >= 0 ? metric[..brace] : metric;
                sums[metric] = sums.GetValueOrDefault(metric) + value;
            }
        }

        var stages = new List<string>();
        foreach (var stage in new[] { "block_execution", "block_log_append", "grain_update" })
        {
            var prefix = $"hyperion_chain_{stage}_milliseconds";
            if (sums.TryGetValue(prefix + "_count", out var count) && count > 0)
            {
                stages.Add($"{stage} {count:F0} x {sums[prefix + "_sum"] / count:F1} ms");
            }
        }

        Console.WriteLine($"# {run} hyperion stages (node's /metrics, warm-up included): {string.Join(", ", stages)}");
    }

    private static IEnumerable<(string Name, Func<BenchmarkOptions, Task<NodeUnderTest>> Start)> Nodes(BenchmarkOptions options)
    {
        if (options.Node is NodeSelection.Both or NodeSelection.Hyperion)
        {
            yield return ("hyperion", NodeUnderTest.StartHyperionAsync);
        }

        if (options.Node is NodeSelection.Both or NodeSelection.Anvil)
        {
            yield return ("anvil", NodeUnderTest.StartAnvilAsync);
        }
    }

    private static void Print(LoadResult result, string run)
    {
        Console.WriteLine(
            $"# {run} {result.Node}: {result.Fees}; submissions took {Format(result.SubmitSeconds, "F2")} s, first submit to last commit "
            + $"{Format(result.TotalSeconds, "F2")} s, {result.Committed} transfers in {result.Blocks} blocks"
            + (result.Kicks is { } kicks ? $", its miner woken with evm_mine {kicks} times" : string.Empty)
            + $"; {result.Cpu}"
            + (result.FirstSubmitError is null ? string.Empty : $"; first submit error: {result.FirstSubmitError}"));
        Console.WriteLine(
            $"# {run} node={result.Node} txs={result.Transactions} senders={result.Senders} committed_tps={Format(result.CommittedTps)} "
            + $"p50_ms={Format(result.P50Ms)} p99_ms={Format(result.P99Ms)} submit_errors={result.SubmitErrors}");
        if (!result.Complete)
        {
            Console.WriteLine(
                $"# {run} node={result.Node} error: only {result.Committed} of {result.Transactions} transactions committed "
                + $"(no new commit for {TransferLoad.StallTimeout.TotalSeconds} s after the last submission; {result.SubmitErrors} submit errors); "
                + "this run's figures above cover the committed ones only and are left out of the medians; "
                + result.Diagnosis);
        }
    }

    private static string Format(double value, string format = "F1") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Bool(bool value) => value ? "true" : "false";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The medians of a node's complete runs (the runs vary a lot on a shared machine; a median resists that).</summary>
    private sealed record Summary(double Tps, double P50Ms, double P99Ms, int SubmitErrors)
    {
        public static Summary Of(IReadOnlyList<LoadResult> runs) => new(
            Median(runs.Select(run => run.CommittedTps)),
            Median(runs.Select(run => run.P50Ms)),
            Median(runs.Select(run => run.P99Ms)),
            runs.Sum(run => run.SubmitErrors));

    }
}
