namespace Hyperion.Execution;

/// <summary>
/// Block-STM gave up on a block that turned out to be a dependency chain, as <see cref="DependencyChainAction.Abandon"/>
/// asked: nothing of it is a result; the caller runs the block another way.
/// </summary>
public sealed class BlockAbandonedException : Exception
{
    public BlockAbandonedException()
        : base("Block-STM abandoned the block: it is a dependency chain.")
    {
    }

    public BlockAbandonedException(string message)
        : base(message)
    {
    }

    public BlockAbandonedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BlockAbandonedException(BlockExecutionStats stats)
        : base($"Block-STM abandoned the block after {stats?.Executions} executions ({stats?.ReExecutions} of them re-executions): it is a dependency chain.")
    {
        Stats = stats;
    }

    /// <summary>What the abandoned parallel attempt cost.</summary>
    public BlockExecutionStats? Stats { get; }
}
