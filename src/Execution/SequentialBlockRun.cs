namespace Hyperion.Execution;

/// <summary>A block run in order on one of the executor's threads (too small to split, or so configured), never on the caller's.</summary>
internal sealed class SequentialBlockRun<TKey, TValue, TOutput> : IWorkerJob
    where TKey : notnull
{
    private readonly int _transactionCount;
    private readonly ITransactionExecutor<TKey, TValue, TOutput> _executor;
    private readonly IPreStateReader<TKey, TValue> _preState;
    private readonly CancellationToken _cancellation;
    private readonly TaskCompletionSource<BlockExecutionResult<TKey, TValue, TOutput>> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _workersRemaining;

    public SequentialBlockRun(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        int poolSize,
        CancellationToken cancellation)
    {
        _transactionCount = transactionCount;
        _executor = executor;
        _preState = preState;
        _cancellation = cancellation;
        _workersRemaining = poolSize;
    }

    public Task<BlockExecutionResult<TKey, TValue, TOutput>> Completion => _completion.Task;

    public void Run(int workerIndex)
    {
        // Every worker passes through each job; the last one does the work, so the others are free at once.
        if (Interlocked.Decrement(ref _workersRemaining) != 0)
        {
            return;
        }

        try
        {
            var result = SequentialExecutor.Run(_transactionCount, _executor, _preState, _cancellation);
            ExecutionMetrics.Record(result.Stats);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            _completion.TrySetCanceled(_cancellation);
        }
        catch (Exception failure)
        {
            // Whatever stops the block belongs to the block's task, not to the worker thread.
            _completion.TrySetException(failure);
        }
    }

    public void Abandon(Exception reason) => _completion.TrySetException(reason);
}
