namespace Hyperion.Execution.Evm;

/// <summary>
/// The EVM as Block-STM's <see cref="ITransactionExecutor{TKey, TValue, TOutput}"/> for one block: transaction i
/// runs on the calling thread's EVM over a reader that goes through the engine's view, and its final writes come
/// back as location writes with lazy credits (the coinbase's tip, a plain transfer's recipient) as deltas.
/// </summary>
public sealed class EvmTransactionExecutor : ITransactionExecutor<EvmLocation, EvmValue, TransactionOutcome>, IBlockEnd<TransactionOutcome>
{
    private readonly EvmBlock _block;
    private readonly EvmWorkers _workers;
    private readonly BlockCodeStore _code;
    private readonly BlockStateOverlay? _finalState;
    private BlockStateOverlay.FinalChanges?[]? _finalChanges;

    /// <param name="block">The block.</param>
    /// <param name="workers">The EVMs of the executing threads.</param>
    /// <param name="code">Code by hash for this block: the pre-state's and what its transactions deploy.</param>
    /// <param name="finalState">
    /// The overlay the block runs over, when the engine's workers should turn their parts of the final values into
    /// its account changes (<see cref="TakeFinalChanges"/>); null leaves that to the caller.
    /// </param>
    public EvmTransactionExecutor(EvmBlock block, EvmWorkers workers, BlockCodeStore code, BlockStateOverlay? finalState = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(code);
        _block = block;
        _workers = workers;
        _code = code;
        _finalState = finalState;
        AccumulatorLocations = [EvmLocation.Balance(block.Context.Coinbase)];
    }

    /// <summary>The coinbase's balance: every transaction with a tip credits it (a deferred payment, as a delta).</summary>
    public IReadOnlyCollection<EvmLocation> AccumulatorLocations { get; }

    public BlockCodeStore Code => _code;

    public TransactionResult<EvmLocation, EvmValue, TransactionOutcome> Execute(int transactionIndex, IStateView<EvmLocation, EvmValue> view) =>
        _workers.Current.Execute(_block.Transactions[transactionIndex], _block, view, _code);

    /// <summary>
    /// An account's fields and balance by its address, so that one part of the final values builds the account's entry
    /// alone; slots by themselves, so that a contract's many slots (a token's balances) are spread over every part.
    /// </summary>
    public int PartitionHash(EvmLocation key) => key.Kind == EvmLocationKind.Storage ? key.GetHashCode() : key.Address.GetHashCode();

    /// <summary>Builds this worker's part of the account changes, when the executor was given the overlay.</summary>
    public bool CompleteFinalPart(FinalValuesPart<EvmLocation, EvmValue> finalValues)
    {
        if (_finalState is null)
        {
            return false;
        }

        var changes = _finalChanges;
        if (changes is null || changes.Length != finalValues.Parts)
        {
            var made = new BlockStateOverlay.FinalChanges?[finalValues.Parts];
            changes = Interlocked.CompareExchange(ref _finalChanges, made, changes) ?? made;
        }

        changes[finalValues.Part] = LocationChangesApplier.BuildPart(_finalState, finalValues, _code);
        return true;
    }

    /// <summary>
    /// Whether the engine's workers build the block's receipts and changes (<see cref="BlockFinish"/>) as the last step
    /// of a block that ends in parallel (<see cref="Finish"/>), instead of the caller submitting them as a job of their own.
    /// </summary>
    internal bool FinishOnWorkers { get; init; }

    /// <summary>The finish the workers ran at the end of the block (<see cref="FinishOnWorkers"/>), or null when they did not.</summary>
    internal BlockFinish? Finish { get; private set; }

    /// <summary>The final changes <see cref="Finish"/> started from (those <see cref="TakeFinalChanges"/> gave it).</summary>
    internal BlockStateOverlay.FinalChanges[]? FinishedFinalChanges { get; private set; }

    IBlockEndSteps? IBlockEnd<TransactionOutcome>.StartBlockEnd(TransactionOutcome[] outputs, int workers)
    {
        if (!FinishOnWorkers)
        {
            return null;
        }

        FinishedFinalChanges = TakeFinalChanges();
        Finish = new BlockFinish(_block, _workers.Spec, outputs, Conversion(FinishedFinalChanges), workers);
        return Finish;
    }

    /// <summary>
    /// The final changes as the block's changes part by part, or null when they cannot be (none were built, or
    /// withdrawals credit accounts after the transactions: the overlay then takes the changes in).
    /// </summary>
    internal BlockStateOverlay.FinalPartsConversion? Conversion(BlockStateOverlay.FinalChanges[]? finalChanges) =>
        finalChanges is not null && _finalState is not null && _block.Withdrawals.Count == 0
            ? new BlockStateOverlay.FinalPartsConversion(_finalState, finalChanges, (address, slot) => PartitionHash(EvmLocation.Storage(address, slot)))
            : null;

    /// <summary>
    /// The account changes the workers built from the final values, every part of them, or null when the block did not
    /// end with them (it ran sequentially, or no overlay was given); taken once.
    /// </summary>
    internal BlockStateOverlay.FinalChanges[]? TakeFinalChanges()
    {
        var changes = Interlocked.Exchange(ref _finalChanges, null);
        if (changes is null || !Array.TrueForAll(changes, static part => part is not null))
        {
            return null;
        }

        return Array.ConvertAll(changes, static part => part!);
    }
}
