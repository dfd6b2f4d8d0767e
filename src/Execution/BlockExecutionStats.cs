namespace Hyperion.Execution;

/// <summary>How a block was run.</summary>
public enum BlockExecutionMode
{
    /// <summary>Block-STM on the worker threads.</summary>
    Parallel,

    /// <summary>In order on one thread: the block was too small for parallel execution, or it was asked for.</summary>
    Sequential,

    /// <summary>Block-STM found a dependency chain; the block was run again sequentially.</summary>
    ParallelThenSequential,

    /// <summary>
    /// A block of plain value transfers, in parallel without the multi-version memory: each transaction waits only for
    /// its sender's previous one (see Hyperion.Execution.Evm's PlainTransferBlock).
    /// </summary>
    ParallelTransfers,

    /// <summary>
    /// On two threads: a committer takes the transactions in order and a runner executes ahead of it over the committed
    /// state, whose results the committer checks and takes (see Hyperion.Execution.Evm's RunAheadBlock).
    /// </summary>
    RunAhead,
}

/// <summary>What executing one block cost. Execution counts include every call of the transaction executor.</summary>
public sealed record BlockExecutionStats
{
    public required BlockExecutionMode Mode { get; init; }

    public required int TransactionCount { get; init; }

    /// <summary>Worker threads that worked on the block (1 for a sequential run).</summary>
    public required int WorkerCount { get; init; }

    /// <summary>Calls of the transaction executor, including those that ended suspended (and, after a fallback, the sequential ones).</summary>
    public long Executions { get; init; }

    /// <summary>Calls for a transaction that had been executed before: the work that speculation wasted.</summary>
    public long ReExecutions { get; init; }

    public long Validations { get; init; }

    /// <summary>Validations that found a changed read and aborted the version.</summary>
    public long ValidationAborts { get; init; }

    /// <summary>Executions stopped by an ESTIMATE and suspended until the writer finished.</summary>
    public long DependencySuspensions { get; init; }

    /// <summary>Block-STM: calls of the scheduler that handed a worker nothing (it backed off and asked again).</summary>
    public long EmptySchedulerCalls { get; init; }

    /// <summary>
    /// Block-STM and plain transfers: from the block's start to the last worker's start (the workers' wake-up). A
    /// worker that wakes late can start after <see cref="SchedulerDone"/>, with nothing left to do.
    /// </summary>
    public TimeSpan? LastWorkerStarted { get; init; }

    /// <summary>Block-STM: from the block's start to the scheduler's done (the rest is the final values and the executor's end).</summary>
    public TimeSpan? SchedulerDone { get; init; }

    /// <summary>Block-STM: from the block's start to the final values' parts and the outputs all built (then the executor's end, if it has one).</summary>
    public TimeSpan? FinalValuesDone { get; init; }

    /// <summary>From the engine's start of the block to its result.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>
    /// The EVM executor's end of a Block-STM block: its receipts and state changes (BlockFinish), from when it was made
    /// to the block's result. Run by the workers as the block's last step, it lies within <see cref="Elapsed"/> (after
    /// <see cref="FinalValuesDone"/>); after a fall back to sequential execution, it follows it.
    /// </summary>
    public TimeSpan? Finish { get; init; }

    /// <summary>
    /// Run-ahead's last distance: how far past the committer the runner started its last run, which it widens from
    /// <see cref="BlockStmOptions.RunAheadDistance"/> while its results are rarely stale.
    /// </summary>
    public int? RunAheadDistance { get; init; }
}
