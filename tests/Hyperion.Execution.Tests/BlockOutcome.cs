
namespace Hyperion.Execution.Tests;

/// <summary>What a block execution came to, in a form two executors can be compared on: a result, or the failing transaction.</summary>
internal sealed record BlockOutcome(IReadOnlyDictionary<int, long>? State, IReadOnlyList<long>? Outputs, int FailedTransaction, BlockExecutionStats? Stats)
{
    public static BlockOutcome Of(Func<BlockExecutionResult<int, long, long>> run)
    {
        try
        {
            var result = run();
            return new BlockOutcome(result.StateDelta, result.Outputs, -1, result.Stats);
        }
        catch (TransactionExecutionException failure)
        {
            return new BlockOutcome(null, null, failure.TransactionIndex, null);
        }
    }

    public static BlockOutcome Sequential(MockBlock block) =>
        Of(() => SequentialExecutor.Execute(block.Count, block, block.PreState));

    public static BlockOutcome Parallel(BlockStmExecutor executor, MockBlock block) =>
        Of(() => executor.ExecuteBlock(block.Count, block, block.PreState));

    public static void AssertSame(BlockOutcome expected, BlockOutcome actual)
    {
        Assert.Equal(expected.FailedTransaction, actual.FailedTransaction);
        if (expected.FailedTransaction >= 0)
        {
            return;
        }

        Assert.Equal(expected.Outputs, actual.Outputs);
        Assert.Equal(
            expected.State!.OrderBy(pair => pair.Key).ToList(),
            actual.State!.OrderBy(pair => pair.Key).ToList());
    }
}
