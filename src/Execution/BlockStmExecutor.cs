namespace Hyperion.Execution;

/// <summary>
/// Executes blocks with Block-STM (arXiv 2203.06871) on worker threads of its own: transactions run
/// optimistically in parallel against a multi-version memory over the pre-state, their read sets are validated,
/// and conflicts are re-executed, with exactly the result of running the block in order. Small blocks, and blocks
/// that turn out to be dependency chains, run sequentially on a worker thread.
/// </summary>
/// <remarks>
/// The threads are dedicated (not the thread pool, never the caller's): workers spin and take locks, which must not
/// stall a scheduler that other work depends on (the thread pool, Orleans). One block runs at a time; blocks
/// submitted meanwhile queue. Dispose to let the threads end.
/// </remarks>
public sealed class BlockStmExecutor : IBlockExecutor, IDisposable
{
    private readonly DedicatedWorkerPool _pool;

    /// <summary>The per-transaction arrays of parallel blocks, kept from one block to the next (see <see cref="BlockArrayShelf"/>).</summary>
    private readonly BlockArrayShelf _arrays = new();

    public BlockStmExecutor(BlockStmOptions? options = null)
    {
        Options = options ?? new BlockStmOptions();
        Options.Validate();
        _pool = new DedicatedWorkerPool(Options.ThreadCount, "Hyperion Block-STM worker", Options.PinWorkerThreads);
    }

    public BlockStmOptions Options { get; }

    /// <summary>Runs the block on the executor's threads; the task completes (asynchronously to them) with the block's result.</summary>
    public Task<BlockExecutionResult<TKey, TValue, TOutput>> ExecuteBlockAsync<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken = default)
        where TKey : notnull =>
        Start(transactionCount, executor, preState, cancellationToken, out _);

    /// <summary>
    /// Runs the block and blocks the calling thread (the caller's own) until it is done: woken as the workers finish
    /// their last parts, it spins for the end (<see cref="EarlyWake"/>) instead of waiting for a wake-up after it.
    /// </summary>
    public BlockExecutionResult<TKey, TValue, TOutput> ExecuteBlock<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        var completion = Start(transactionCount, executor, preState, cancellationToken, out var wake);
        wake?.Wait(completion);
        return completion.GetAwaiter().GetResult();
    }

    /// <summary>The worker threads the executor owns.</summary>
    internal int ThreadCount => _pool.ThreadCount;

    /// <summary>Runs a job of the caller's own on every worker thread (after the blocks and jobs before it).</summary>
    internal void Submit(IWorkerJob job) => _pool.Submit(job);

    public void Dispose() => _pool.Dispose();

    /// <summary>Submits the block: sequentially below the size threshold, otherwise in parallel, with its early wake-up.</summary>
    private Task<BlockExecutionResult<TKey, TValue, TOutput>> Start<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken,
        out EarlyWake? wake)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(preState);
        wake = null;
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<BlockExecutionResult<TKey, TValue, TOutput>>(cancellationToken);
        }

        if (transactionCount < Options.SequentialBelowTransactionCount || transactionCount == 0)
        {
            var sequential = new SequentialBlockRun<TKey, TValue, TOutput>(transactionCount, executor, preState, _pool.ThreadCount, cancellationToken);
            _pool.Submit(sequential);
            return sequential.Completion;
        }

        var parallel = new ParallelBlockRun<TKey, TValue, TOutput>(transactionCount, executor, preState, Options, _pool.ThreadCount, cancellationToken, _arrays);
        _pool.Submit(parallel);
        wake = parallel.Wake;
        return parallel.Completion;
    }
}
