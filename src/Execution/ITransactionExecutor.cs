namespace Hyperion.Execution;

/// <summary>What one execution of a transaction produced: the locations it changed and its output (a receipt, say).</summary>
public readonly record struct TransactionResult<TKey, TValue, TOutput>(WriteSet<TKey, TValue> Writes, TOutput Output)
    where TKey : notnull;

/// <summary>
/// Runs the transactions of one block, by index, against a view of the state. The block executors call it from
/// several threads at once for different transactions and may run the same transaction several times (each run
/// sees a fresh view), so it must be thread-safe and deterministic in what it reads: its result may depend on the
/// values it reads through the view and on nothing else that changes. This is where the EVM plugs in.
/// </summary>
public interface ITransactionExecutor<TKey, TValue, TOutput>
    where TKey : notnull
{
    /// <summary>
    /// Executes transaction <paramref name="transactionIndex"/>. When a read through <paramref name="view"/> says the
    /// transaction is suspended, return promptly; the result is discarded. An exception is the transaction's
    /// failure if its reads turn out to be the final ones (it then fails the block, as it does sequentially);
    /// otherwise it was an artefact of speculation and the transaction simply runs again.
    /// </summary>
    TransactionResult<TKey, TValue, TOutput> Execute(int transactionIndex, IStateView<TKey, TValue> view);

    /// <summary>
    /// Locations that nearly every transaction of the block adds a delta to (the coinbase's balance, for the tips), so
    /// that Block-STM keeps their deltas one slot per transaction rather than in one contended version list. Only a
    /// hint for speed: any location may take deltas, and these may take plain writes too.
    /// </summary>
    IReadOnlyCollection<TKey> AccumulatorLocations => [];

    /// <summary>
    /// The hash that divides the block's final values among the workers once the block is done: locations with equal
    /// partition hashes land in the same part, so an executor that keeps related locations together (the EVM keeps an
    /// account's fields, balance and slots together) can turn each part into its own changes without the others.
    /// </summary>
    int PartitionHash(TKey key) => EqualityComparer<TKey>.Default.GetHashCode(key);

    /// <summary>
    /// Called by each worker of a block that Block-STM finished in parallel, with that worker's part of the final values
    /// (parts disjoint by <see cref="PartitionHash"/>), before the block's result is handed back: the executor can turn
    /// its part into state changes there, on all the workers at once, rather than after the block on one thread. True
    /// when it did: the engine then does not collect the part for <see cref="BlockExecutionResult{TKey, TValue, TOutput}.StateDelta"/>
    /// (which collects it when first asked). Not called for a block run sequentially. An exception fails the block.
    /// </summary>
    bool CompleteFinalPart(FinalValuesPart<TKey, TValue> finalValues) => false;
}
