using System.Diagnostics;
using Hyperion.Execution.Evm;
using Hyperion.Fixtures;
using Xunit.Abstractions;

namespace Hyperion.Execution.Tests.Conformance;

/// <summary>
/// ethereum/tests BlockchainTests (Cancun): every block imported with the sequential reference executor and with
/// Block-STM (every block through the parallel engine, however small) and with the two-thread run-ahead path, each checked against its header and the
/// fixture's post-state. Blocks marked with an expected exception must be rejected: ValidBlocks has none;
/// InvalidBlocks is mostly such blocks, which both executors must refuse.
/// </summary>
public sealed class BlockchainTests
{
    private const string Folder = "BlockchainTests/ValidBlocks";
    private const string InvalidFolder = "BlockchainTests/InvalidBlocks";
    private const string Network = "Cancun";

    private readonly ITestOutputHelper _output;

    public BlockchainTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Valid_blocks_import_with_the_sequential_executor() =>
        Run(Folder, "sequential", new SequentialBlockExecutor());

    [Fact]
    public void Valid_blocks_import_with_block_stm()
    {
        using var executor = NewParallelExecutor();
        Run(Folder, "Block-STM, 4 threads", executor);
    }

    [Fact]
    public void Invalid_blocks_are_rejected_by_the_sequential_executor() =>
        Run(InvalidFolder, "sequential", new SequentialBlockExecutor());

    [Fact]
    public void Invalid_blocks_are_rejected_by_block_stm()
    {
        using var executor = NewParallelExecutor();
        Run(InvalidFolder, "Block-STM, 4 threads", executor);
    }

    [Fact]
    public void Valid_blocks_import_with_run_ahead()
    {
        using var executor = NewRunAheadExecutor();
        Run(Folder, "run-ahead, 2 threads", executor);
    }

    [Fact]
    public void Invalid_blocks_are_rejected_with_run_ahead()
    {
        using var executor = NewRunAheadExecutor();
        Run(InvalidFolder, "run-ahead, 2 threads", executor);
    }

    /// <summary>
    /// Every block, however small, through the committer and the runner; the runner starts right behind the committer,
    /// so that as many of its results as possible are checked against commits made beside it.
    /// </summary>
    private static ParallelBlockExecutor NewRunAheadExecutor() =>
        new(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false, PlainTransferPath = false, RunAheadDistance = 1 });

    /// <summary>No fallback to the sequential executor: every block goes through the engine, however small or conflicting.</summary>
    private static ParallelBlockExecutor NewParallelExecutor() =>
        new(new BlockStmOptions { ThreadCount = 4, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });

    private void Run(string folder, string executorName, IEvmBlockExecutor executor)
    {
        var suite = $"{folder} ({executorName})";
        var started = Stopwatch.GetTimestamp();
        int passed = 0, failed = 0, skipped = 0, rejectedBlocks = 0;
        var failures = new List<string>();
        foreach (var file in FixturePaths.JsonFiles(folder))
        {
            foreach (var test in BlockchainTestCase.Read(file))
            {
                if (test.Network != Network)
                {
                    skipped++;
                    _output.WriteLine($"skipped {test.Name}: network {test.Network}, only {Network} is implemented");
                    continue;
                }

                string? failure;
                try
                {
                    failure = BlockchainTestRunner.Run(test, executor);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failure = $"threw {e}";
                }

                rejectedBlocks += test.Blocks.Count(block => block.ExpectException is not null);
                if (failure is null)
                {
                    passed++;
                }
                else
                {
                    failed++;
                    failures.Add($"FAIL {test.Name}: {failure}");
                }
            }
        }

        ConformanceReport.Record(suite, passed, failed, skipped, failures.Take(30), _output.WriteLine);
        _output.WriteLine($"{rejectedBlocks} blocks had to be rejected; {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        Assert.True(passed > 0, "No test ran.");
        Assert.True(failed == 0, $"{failed} tests failed; first: {failures.FirstOrDefault()}");
    }
}
