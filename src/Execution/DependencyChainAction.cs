namespace Hyperion.Execution;

/// <summary>What Block-STM does with a block that turns out to be a dependency chain (see <see cref="BlockStmOptions.FallBackOnDependencyChains"/>).</summary>
public enum DependencyChainAction
{
    /// <summary>Runs the block again in order on one worker, with the same transaction executor.</summary>
    RunSequentially,

    /// <summary>
    /// Stops and faults the block's task with <see cref="BlockAbandonedException"/>, for a caller that has a
    /// sequential path of its own that is cheaper than the transaction executor without the multi-version memory.
    /// </summary>
    Abandon,
}
