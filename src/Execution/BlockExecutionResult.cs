namespace Hyperion.Execution;

/// <summary>
/// What a block did: the final value of every location some transaction wrote (the last write in transaction
/// order, deltas applied), the output of every transaction in order, and what it cost.
/// </summary>
public sealed class BlockExecutionResult<TKey, TValue, TOutput>
    where TKey : notnull
{
    public BlockExecutionResult(IReadOnlyDictionary<TKey, TValue> stateDelta, IReadOnlyList<TOutput> outputs, BlockExecutionStats stats)
    {
        StateDelta = stateDelta;
        Outputs = outputs;
        Stats = stats;
    }

    public IReadOnlyDictionary<TKey, TValue> StateDelta { get; }

    public IReadOnlyList<TOutput> Outputs { get; }

    public BlockExecutionStats Stats { get; }
}
