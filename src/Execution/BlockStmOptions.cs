namespace Hyperion.Execution;

/// <summary>How a <see cref="BlockStmExecutor"/> runs blocks.</summary>
public sealed class BlockStmOptions
{
    /// <summary>Worker threads the executor owns; one block uses at most one per transaction.</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Blocks with fewer transactions run sequentially (on a worker thread): handing a tiny block to every worker
    /// costs more than it saves. 0 runs every block in parallel.
    /// </summary>
    public int SequentialBelowTransactionCount { get; init; } = 16;

    /// <summary>
    /// Whether a block that turns out to be a dependency chain (most executions are re-executions) is abandoned
    /// and run again sequentially: in a chain each transaction waits for the one before, so the parallel run only
    /// adds aborts to the sequential work.
    /// </summary>
    public bool FallBackOnDependencyChains { get; init; } = true;

    /// <summary>Executions to watch before judging whether the block is a chain (a few aborts at the start are normal).</summary>
    public int DependencyChainSampleSize { get; init; } = 64;

    /// <summary>The share of executions that are re-executions at which the block counts as a chain.</summary>
    public double DependencyChainReExecutionRatio { get; init; } = 0.5;

    /// <summary>Test hook: when it returns true for (transaction, incarnation), that validation fails as if a read had changed.</summary>
    internal Func<int, int, bool>? InjectValidationFailure { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ThreadCount, 1, nameof(ThreadCount));
        ArgumentOutOfRangeException.ThrowIfNegative(SequentialBelowTransactionCount, nameof(SequentialBelowTransactionCount));
        ArgumentOutOfRangeException.ThrowIfNegative(DependencyChainSampleSize, nameof(DependencyChainSampleSize));
        if (!(DependencyChainReExecutionRatio > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(DependencyChainReExecutionRatio), DependencyChainReExecutionRatio, "The ratio must be positive.");
        }
    }
}
