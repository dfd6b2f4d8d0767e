using System.Diagnostics;

namespace Hyperion.Execution;

/// <summary>
/// Runs the transactions of a block one after another over the pre-state: the definition of a block's result,
/// which Block-STM must reproduce, and what <see cref="BlockStmExecutor"/> falls back to. It shares no code with
/// the multi-version memory, so that it can serve as the oracle in tests. It runs on the calling thread.
/// </summary>
public sealed class SequentialExecutor : IBlockExecutor
{
    public Task<BlockExecutionResult<TKey, TValue, TOutput>> ExecuteBlockAsync<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        try
        {
            return Task.FromResult(Execute(transactionCount, executor, preState, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<BlockExecutionResult<TKey, TValue, TOutput>>(cancellationToken);
        }
        catch (TransactionExecutionException failure)
        {
            return Task.FromException<BlockExecutionResult<TKey, TValue, TOutput>>(failure);
        }
    }

    /// <summary>Runs the block on the calling thread.</summary>
    public static BlockExecutionResult<TKey, TValue, TOutput> Execute<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        var result = Run(transactionCount, executor, preState, cancellationToken);
        ExecutionMetrics.Record(result.Stats);
        return result;
    }

    /// <summary>The run itself, without metrics (a fallback run is recorded by its executor, with the parallel part).</summary>
    internal static BlockExecutionResult<TKey, TValue, TOutput> Run<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(preState);
        var started = Stopwatch.GetTimestamp();
        var written = new Dictionary<TKey, TValue>();
        var view = new SequentialView<TKey, TValue>(written, preState);
        var outputs = new TOutput[transactionCount];
        for (var index = 0; index < transactionCount; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            view.TransactionIndex = index;
            TransactionResult<TKey, TValue, TOutput> result;
            try
            {
                result = executor.Execute(index, view);
            }
            catch (Exception failure)
            {
                throw new TransactionExecutionException(index, failure);
            }

            if (result.Writes is { } writes)
            {
                foreach (var (key, operation) in writes)
                {
                    var current = operation.IsDelta ? view.Read(key) : default!;
                    written[key] = operation.ApplyTo(current);
                }
            }

            outputs[index] = result.Output;
        }

        var stats = new BlockExecutionStats
        {
            Mode = BlockExecutionMode.Sequential,
            TransactionCount = transactionCount,
            WorkerCount = 1,
            Executions = transactionCount,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        return new BlockExecutionResult<TKey, TValue, TOutput>(written, outputs, stats);
    }

    /// <summary>The state so far: what earlier transactions wrote, over the pre-state. Never suspends.</summary>
    private sealed class SequentialView<TKey, TValue> : IStateView<TKey, TValue>
        where TKey : notnull
    {
        private readonly Dictionary<TKey, TValue> _written;
        private readonly IPreStateReader<TKey, TValue> _preState;

        public SequentialView(Dictionary<TKey, TValue> written, IPreStateReader<TKey, TValue> preState)
        {
            _written = written;
            _preState = preState;
        }

        public int TransactionIndex { get; set; }

        public bool TryRead(in TKey key, out TValue value)
        {
            value = Read(key);
            return true;
        }

        public TValue Read(in TKey key) => _written.TryGetValue(key, out var value) ? value : _preState.Read(key);
    }
}
