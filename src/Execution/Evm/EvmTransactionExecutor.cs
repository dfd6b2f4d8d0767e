namespace Hyperion.Execution.Evm;

/// <summary>
/// The EVM as Block-STM's <see cref="ITransactionExecutor{TKey, TValue, TOutput}"/> for one block: transaction i
/// runs on the calling thread's EVM over a reader that goes through the engine's view, and its final writes come
/// back as location writes with lazy credits (the coinbase's tip, a plain transfer's recipient) as deltas.
/// </summary>
public sealed class EvmTransactionExecutor : ITransactionExecutor<EvmLocation, EvmValue, TransactionOutcome>
{
    private readonly EvmBlock _block;
    private readonly EvmWorkers _workers;
    private readonly BlockCodeStore _code;

    /// <param name="block">The block.</param>
    /// <param name="workers">The EVMs of the executing threads.</param>
    /// <param name="code">Code by hash for this block: the pre-state's and what its transactions deploy.</param>
    public EvmTransactionExecutor(EvmBlock block, EvmWorkers workers, BlockCodeStore code)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(code);
        _block = block;
        _workers = workers;
        _code = code;
        AccumulatorLocations = [EvmLocation.Balance(block.Context.Coinbase)];
    }

    /// <summary>The coinbase's balance: every transaction with a tip credits it (a deferred payment, as a delta).</summary>
    public IReadOnlyCollection<EvmLocation> AccumulatorLocations { get; }

    public BlockCodeStore Code => _code;

    public TransactionResult<EvmLocation, EvmValue, TransactionOutcome> Execute(int transactionIndex, IStateView<EvmLocation, EvmValue> view) =>
        _workers.Current.Execute(_block.Transactions[transactionIndex], _block, view, _code);
}
