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

    /// <summary>How a block found to be a dependency chain is finished: run again in order here, or abandoned to the caller.</summary>
    public DependencyChainAction OnDependencyChain { get; init; } = DependencyChainAction.RunSequentially;

    /// <summary>Executions to watch before judging whether the block is a chain (a few aborts at the start are normal).</summary>
    public int DependencyChainSampleSize { get; init; } = 64;

    /// <summary>
    /// The share of executions that are re-executions at which the block counts as a chain. In a chain every
    /// transaction but the first runs about twice (once too early, once after the one before it), so a chain settles
    /// near one half; a third already means speculation wastes more than it wins.
    /// </summary>
    public double DependencyChainReExecutionRatio { get; init; } = 0.3;

    /// <summary>
    /// About how many locations a transaction writes, to size the multi-version memory for a block up front (growing
    /// it mid-block stops every worker that adds a location). A hint only; 0 lets it grow from small.
    /// </summary>
    public int LocationsPerTransactionHint { get; init; } = 6;

    /// <summary>
    /// Whether the EVM executor runs a block made only of plain value transfers (to accounts without code, no data)
    /// on its own path: scheduled by sender, without the multi-version memory (<see cref="BlockExecutionMode.ParallelTransfers"/>).
    /// Anything outside that plan gives the block to the general engine. Off: every block goes through the engine.
    /// </summary>
    public bool PlainTransferPath { get; init; } = true;

    /// <summary>
    /// Whether each worker thread pins itself to a processor of its own (Linux; only when the workers fit one per
    /// processor the process may use). Woken together, unpinned workers were at times queued on one core for a whole
    /// block by the kernel's wake-up placement; pinned, they always run side by side. Off leaves placement to the kernel
    /// (a host that runs other busy threads on the same processors may prefer that).
    /// </summary>
    public bool PinWorkerThreads { get; init; } = true;

    /// <summary>
    /// Whether the EVM executor, when it has exactly two threads, runs the blocks it would give Block-STM on a committer
    /// and a runner instead (<see cref="BlockExecutionMode.RunAhead"/>): one thread commits in order at sequential speed
    /// while the other executes ahead of it, and the committer takes each result whose reads nothing has changed since.
    /// On two threads Block-STM's per-transaction bookkeeping costs about what the second thread wins. Off: Block-STM.
    /// </summary>
    public bool RunAheadOnTwoThreads { get; init; } = true;

    /// <summary>
    /// Whether the EVM executor, when it has one thread, runs the blocks it would give Block-STM with the sequential
    /// executor instead: on one worker Block-STM only adds its bookkeeping (erc20 at 0.58x of sequential). Blocks of
    /// plain transfers still take their own path, which is faster than sequential even on one thread. Off: Block-STM
    /// on the one worker (the tests use it to check the engine alone).
    /// </summary>
    public bool SequentialOnOneThread { get; init; } = true;

    /// <summary>
    /// How many transactions past the committer the runner starts (and starts again whenever the committer comes within
    /// half of it), at the least. Closer means less for the committer to execute before it reaches the runner's results,
    /// and more of them built on reads that the commits in between change. The runner widens it, up to eight times this,
    /// while its results are rarely stale (see RunAheadBlock.NextDistance); the block's stats report where it ended.
    /// </summary>
    public int RunAheadDistance { get; init; } = 16;

    /// <summary>Test hook: when it returns true for (transaction, incarnation), that validation fails as if a read had changed.</summary>
    internal Func<int, int, bool>? InjectValidationFailure { get; init; }

    /// <summary>These options with another <see cref="OnDependencyChain"/>.</summary>
    internal BlockStmOptions WithDependencyChainAction(DependencyChainAction action) => new()
    {
        ThreadCount = ThreadCount,
        SequentialBelowTransactionCount = SequentialBelowTransactionCount,
        FallBackOnDependencyChains = FallBackOnDependencyChains,
        OnDependencyChain = action,
        DependencyChainSampleSize = DependencyChainSampleSize,
        DependencyChainReExecutionRatio = DependencyChainReExecutionRatio,
        LocationsPerTransactionHint = LocationsPerTransactionHint,
        PlainTransferPath = PlainTransferPath,
        PinWorkerThreads = PinWorkerThreads,
        RunAheadOnTwoThreads = RunAheadOnTwoThreads,
        SequentialOnOneThread = SequentialOnOneThread,
        RunAheadDistance = RunAheadDistance,
        InjectValidationFailure = InjectValidationFailure,
    };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ThreadCount, 1, nameof(ThreadCount));
        ArgumentOutOfRangeException.ThrowIfNegative(SequentialBelowTransactionCount, nameof(SequentialBelowTransactionCount));
        ArgumentOutOfRangeException.ThrowIfNegative(DependencyChainSampleSize, nameof(DependencyChainSampleSize));
        ArgumentOutOfRangeException.ThrowIfNegative(LocationsPerTransactionHint, nameof(LocationsPerTransactionHint));
        ArgumentOutOfRangeException.ThrowIfLessThan(RunAheadDistance, 1, nameof(RunAheadDistance));
        if (!(DependencyChainReExecutionRatio > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(DependencyChainReExecutionRatio), DependencyChainReExecutionRatio, "The ratio must be positive.");
        }
    }
}
