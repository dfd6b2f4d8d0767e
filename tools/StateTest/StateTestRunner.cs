using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.StateTest;

/// <summary>What to run and how.</summary>
public sealed record StateTestOptions
{
    /// <summary>The fork whose <c>post</c> entries are checked.</summary>
    public string Fork { get; init; } = "Cancun";

    /// <summary>Only tests whose name contains this (ordinal, case-insensitive).</summary>
    public string? TestFilter { get; init; }

    /// <summary>Only this <c>post[fork]</c> index.</summary>
    public int? CaseIndex { get; init; }

    /// <summary>Writes an EIP-3155-like step trace of every case run here (use with a filter; runs sequentially).</summary>
    public TextWriter? Trace { get; init; }

    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Also reports every passing case with its outcome (status, gas used), through <see cref="StateTestReport.Passes"/>.</summary>
    public bool ListPasses { get; init; }
}

/// <summary>The outcome of a run: counts, one line per failing case and per skip (with its reason).</summary>
public sealed record StateTestReport(int Passed, int Failed, int Skipped, IReadOnlyList<string> Failures, IReadOnlyList<string> Skips, TimeSpan Elapsed)
{
    /// <summary>One line per passing case when <see cref="StateTestOptions.ListPasses"/> is set.</summary>
    public IReadOnlyList<string> Passes { get; init; } = [];

    public int Total => Passed + Failed + Skipped;

    public string Summary => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
}

/// <summary>
/// Runs ethereum/tests GeneralStateTests: for every <c>post[fork][i]</c> case, builds the transaction from the
/// fixture's indexes, signs it with its secret key, executes it on the pre-state with
/// <see cref="TransactionProcessor"/>, and compares the state root (EIP-161 applied) and the logs hash. A case
/// with <c>expectException</c> passes when the transaction is rejected and the state is unchanged. Files run in
/// parallel, each worker with its own processor.
/// </summary>
public static class StateTestRunner
{
    private static readonly Hash256 EmptyLogsHash = Keccak256.OfEmptyList;

    /// <summary>Runs a file, or every <c>*.json</c> below a folder.</summary>
    public static StateTestReport Run(string path, StateTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new StateTestOptions();
        var spec = EvmSpecs.ByName(options.Fork)
            ?? throw new ArgumentException($"Unknown fork '{options.Fork}'.", nameof(options));
        string[] files = File.Exists(path) ? [path] : Directory.GetFiles(path, "*.json", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        var root = File.Exists(path) ? Path.GetDirectoryName(path)! : path;

        var stopwatch = Stopwatch.StartNew();
        var failures = new ConcurrentBag<string>();
        var skips = new ConcurrentBag<string>();
        var passes = options.ListPasses ? new ConcurrentBag<string>() : null;
        var passed = 0;
        var failed = 0;
        var parallelism = options.Trace is null ? Math.Max(1, options.MaxParallelism) : 1;

        // Largest files first, so that one big file does not finish alone at the end.
        var ordered = files.OrderByDescending(file => new FileInfo(file).Length).ToArray();
        Parallel.ForEach(
            ordered,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            () => new TransactionProcessor(spec, PrecompilesFor(spec)),
            (file, _, processor) =>
            {
                var relative = Path.GetRelativePath(root, file);
                var counts = RunFile(file, relative, processor, options, failures, skips, passes);
                Interlocked.Add(ref passed, counts.Passed);
                Interlocked.Add(ref failed, counts.Failed);
                return processor;
            },
            _ => { });

        var sortedFailures = failures.Order(StringComparer.Ordinal).ToArray();
        var sortedSkips = skips.Order(StringComparer.Ordinal).ToArray();
        return new StateTestReport(passed, failed, sortedSkips.Length, sortedFailures, sortedSkips, stopwatch.Elapsed)
        {
            Passes = passes?.Order(StringComparer.Ordinal).ToArray() ?? [],
        };
    }

    /// <summary>
    /// The precompiles of a fork: Cancun's set, cut down to the addresses that existed then (0x01-0x04 from
    /// Frontier, 0x05-0x08 from Byzantium, 0x09 from Istanbul, 0x0a from Cancun). Older prices (before EIP-1108
    /// and EIP-2565) are not modelled: the fixtures' target is Cancun.
    /// </summary>
    private static PrecompileTable PrecompilesFor(EvmSpec spec)
    {
        var cancun = StandardPrecompiles.Cancun();
        var count = spec.HasBlobs ? 10
            : spec.Instructions.IsDefined(Opcode.CHAINID) ? 9
            : spec.Instructions.IsDefined(Opcode.REVERT) ? 8
            : 4;
        var table = new PrecompileTable();
        for (byte index = 1; index <= count; index++)
        {
            var address = PrecompileTable.StandardAddress(index);
            if (cancun.TryGet(address, out var precompile))
            {
                table.With(address, precompile);
            }
        }

        return table;
    }

    private static (int Passed, int Failed) RunFile(
        string file,
        string relative,
        TransactionProcessor processor,
        StateTestOptions options,
        ConcurrentBag<string> failures,
        ConcurrentBag<string> skips,
        ConcurrentBag<string>? passes)
    {
        List<StateTestFixture> fixtures;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            fixtures = [.. StateTestFixture.Read(document, options.Fork)];
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            skips.Add($"{relative}: skipped, the file cannot be read as a state test: {e.Message}");
            return (0, 0);
        }

        int passed = 0, failed = 0;
        foreach (var fixture in fixtures)
        {
            if (options.TestFilter is { } filter && !fixture.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var testCase in fixture.Cases)
            {
                if (options.CaseIndex is { } only && testCase.Index != only)
                {
                    continue;
                }

                var problem = RunCase(fixture, testCase, processor, options.Trace, out var outcome);
                if (problem is null)
                {
                    passed++;
                    passes?.Add($"{relative}: {fixture.Name} [{testCase.Index}]: passed, {outcome}");
                }
                else
                {
                    failed++;
                    failures.Add($"{relative}: {fixture.Name} [{testCase.Index}] (d={testCase.DataIndex} g={testCase.GasIndex} v={testCase.ValueIndex}): {problem}");
                }
            }
        }

        return (passed, failed);
    }

    /// <summary>Null when the case passes, otherwise what differed. An exception is reported as the case's
    /// failure rather than ending the run.</summary>
    private static string? RunCase(StateTestFixture fixture, StateTestCase testCase, TransactionProcessor processor, TextWriter? trace, out string outcome)
    {
        outcome = string.Empty;
        try
        {
            return CheckCase(fixture, testCase, processor, trace, out outcome);
        }
#pragma warning disable CA1031 // One broken case must not hide the results of the other thousands.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"threw {e.GetType().Name}: {e.Message}";
        }
    }

    private static string? CheckCase(StateTestFixture fixture, StateTestCase testCase, TransactionProcessor processor, TextWriter? trace, out string outcome)
    {
        var transaction = fixture.BuildTransaction(testCase, out var malformed);
        TransactionResult? result = null;
        if (transaction is not null)
        {
            if (trace is null)
            {
                result = processor.Execute(transaction, fixture.Block, fixture.World);
            }
            else
            {
                trace.WriteLine($"# {fixture.Name} [{testCase.Index}]");
                var tracer = new JsonLineTracer(trace);
                result = processor.Execute(transaction, fixture.Block, fixture.World, ref tracer);
                trace.WriteLine($"# {result}");
            }
        }

        var rejected = transaction is null || result!.IsRejected;
        var rejection = transaction is null ? $"malformed: {malformed}" : result!.Rejection?.ToString();
        outcome = rejected ? $"rejected ({rejection})" : result!.ToString();
        if (testCase.ExpectedException is { } expected)
        {
            if (!rejected)
            {
                return $"expected the transaction to be rejected ({expected}) but it ran: {result}";
            }

            return fixture.World.PreStateRoot == testCase.ExpectedRoot
                ? null
                : $"rejected as expected, but the pre-state root {fixture.World.PreStateRoot} differs from {testCase.ExpectedRoot}";
        }

        if (rejected)
        {
            return $"the transaction was rejected: {rejection}";
        }

        var root = fixture.World.ComputeRoot(result!.WriteSet);
        var logsHash = result.Logs.Count == 0 ? EmptyLogsHash : LogEntry.HashLogs(result.Logs);
        if (root != testCase.ExpectedRoot)
        {
            return $"state root {root} != expected {testCase.ExpectedRoot} ({result}){(logsHash != testCase.ExpectedLogsHash ? "; logs differ too" : string.Empty)}";
        }

        return logsHash != testCase.ExpectedLogsHash
            ? $"logs hash {logsHash} != expected {testCase.ExpectedLogsHash} ({result})"
            : null;
    }
}
