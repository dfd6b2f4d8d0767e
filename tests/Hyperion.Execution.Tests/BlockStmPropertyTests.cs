using System.Runtime.CompilerServices;
using CsCheck;
using Xunit.Abstractions;

namespace Hyperion.Execution.Tests;

/// <summary>
/// Block-STM must give exactly the sequential result: the same final state and the same output for every
/// transaction, over random blocks whose transactions read and write a small key universe (so they conflict),
/// write deltas, choose what to write from what they read, and fail on some inputs; with extra validation
/// failures injected and the threads jittered.
/// </summary>
public sealed class BlockStmPropertyTests
{
    private readonly ITestOutputHelper _output;

    public BlockStmPropertyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 300)]
    [InlineData(4, 300)]
    [InlineData(8, 200)]
    public void Parallel_execution_gives_the_sequential_result(int threads, int iterations)
    {
        var injectionSeed = new StrongBox<int>();
        using var executor = new BlockStmExecutor(new BlockStmOptions
        {
            ThreadCount = threads,
            SequentialBelowTransactionCount = 0,
            FallBackOnDependencyChains = false,
            // Now and then a validation fails although nothing changed: more aborts, re-executions and estimates.
            InjectValidationFailure = (transaction, incarnation) =>
                incarnation < 2 && MockBlock.Mix(injectionSeed.Value, (transaction * 7) + incarnation) % 5 == 0,
        });

        var totals = new SampleTotals();
        MockGen.Block(maxTransactions: 40, withFailures: true).Sample(
            block =>
            {
                injectionSeed.Value = block.Seed;
                var parallel = BlockOutcome.Parallel(executor, block);
                BlockOutcome.AssertSame(BlockOutcome.Sequential(block), parallel);
                totals.Add(parallel);
            },
            iter: iterations,
            threads: 1,
            print: Describe);

        // The sample must have exercised the engine: aborts and re-executions (injected ones at least), failed blocks.
        Assert.True(totals.ValidationAborts > 0, totals.ToString());
        Assert.True(totals.ReExecutions > 0, totals.ToString());
        Assert.True(totals.FailedBlocks > 0, totals.ToString());
        _output.WriteLine($"{threads} threads: {totals}");
    }

    [Fact]
    public void Falling_back_to_sequential_midway_gives_the_sequential_result()
    {
        using var executor = new BlockStmExecutor(new BlockStmOptions
        {
            ThreadCount = 4,
            SequentialBelowTransactionCount = 0,
            FallBackOnDependencyChains = true,
            DependencyChainSampleSize = 8,
            DependencyChainReExecutionRatio = 0.2,
        });

        MockGen.Block(maxTransactions: 40).Sample(
            block => BlockOutcome.AssertSame(BlockOutcome.Sequential(block), BlockOutcome.Parallel(executor, block)),
            iter: 100,
            threads: 1,
            print: Describe);
    }

    private sealed class SampleTotals
    {
        public long Executions { get; private set; }

        public long ReExecutions { get; private set; }

        public long ValidationAborts { get; private set; }

        public long Suspensions { get; private set; }

        public int FailedBlocks { get; private set; }

        public void Add(BlockOutcome outcome)
        {
            if (outcome.Stats is not { } stats)
            {
                FailedBlocks++;
                return;
            }

            Executions += stats.Executions;
            ReExecutions += stats.ReExecutions;
            ValidationAborts += stats.ValidationAborts;
            Suspensions += stats.DependencySuspensions;
        }

        public override string ToString() =>
            $"executions {Executions}, re-executions {ReExecutions}, aborts {ValidationAborts}, suspensions {Suspensions}, failed blocks {FailedBlocks}";
    }

    private static string Describe(MockBlock block) =>
        $"keys {block.KeyUniverse}, accumulators [{string.Join(", ", block.AccumulatorLocations)}], seed {block.Seed}, pre [{string.Join(", ", block.PreStateValues.OrderBy(p => p.Key).Select(p => p.Value))}]\n"
        + string.Join("\n", block.Transactions.Select((transaction, index) => $"{index}: {transaction}"));
}
