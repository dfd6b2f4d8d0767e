namespace Hyperion.Execution;

/// <summary>Executes the transactions of a block over a pre-state, with the result of running them in order.</summary>
public interface IBlockExecutor
{
    /// <summary>
    /// Runs transactions 0 to <paramref name="transactionCount"/> - 1. Faults with
    /// <see cref="TransactionExecutionException"/> when a transaction throws on its final inputs.
    /// </summary>
    Task<BlockExecutionResult<TKey, TValue, TOutput>> ExecuteBlockAsync<TKey, TValue, TOutput>(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        CancellationToken cancellationToken = default)
        where TKey : notnull;
}
