namespace Hyperion.Execution.Evm;

/// <summary>
/// Turns Block-STM's result (the final value of every location written in the block) back into account changes
/// on the block's <see cref="BlockStateOverlay"/>: fields and balances (a storage generation above the pre-state's 0
/// wipes the account's storage; an account not flagged as existing exists when its balance is not zero), and the slots,
/// of which the merge keeps those written in their account's final generation (older ones were wiped). The engine's
/// workers each build a part (<see cref="BuildPart"/>: an account's fields and balance in one part, its slots spread
/// over all), which the overlay then takes in; <see cref="Apply"/> does the whole block on one thread.
/// </summary>
internal static class LocationChangesApplier
{
    /// <summary>Applies every final value on the calling thread.</summary>
    public static void Apply(BlockStateOverlay state, IReadOnlyDictionary<EvmLocation, EvmValue> finalValues, BlockCodeStore code)
    {
        // The engine's result is a partitioned dictionary: its parts are walked directly (a plain dictionary's struct
        // enumerator), not through the interface, which costs two interface calls and an iterator step per location.
        IReadOnlyList<Dictionary<EvmLocation, EvmValue>> parts = finalValues switch
        {
            PartitionedDictionary<EvmLocation, EvmValue> partitioned => partitioned.Parts,
            Dictionary<EvmLocation, EvmValue> dictionary => [dictionary],
            _ => [new Dictionary<EvmLocation, EvmValue>(finalValues)],
        };

        var changes = state.CreateFinalChanges(finalValues.Count);
        Build(changes, parts, code);
        state.MergeFinalChanges([changes]);
    }

    /// <summary>
    /// One part of the final values as account changes, off the overlay (which is only read): the part must hold both
    /// the fields and the balance of each account it has either of (see <see cref="EvmTransactionExecutor.PartitionHash(EvmLocation)"/>).
    /// The values are read from the engine's memory as they are walked, not collected first.
    /// </summary>
    public static BlockStateOverlay.FinalChanges BuildPart(BlockStateOverlay state, FinalValuesPart<EvmLocation, EvmValue> part, BlockCodeStore code)
    {
        var builder = new Builder(state.CreateFinalChanges(0), code);
        part.ForEach(ref builder);
        builder.Changes.SettleExistence();
        return builder.Changes;
    }

    private static void Build(BlockStateOverlay.FinalChanges changes, IReadOnlyList<Dictionary<EvmLocation, EvmValue>> parts, BlockCodeStore code)
    {
        var builder = new Builder(changes, code);
        foreach (var part in parts)
        {
            foreach (var (location, value) in part)
            {
                builder.Visit(location, value, preStateKnown: false, default);
            }
        }

        changes.SettleExistence();
    }

    /// <summary>Takes final values one at a time into a part's changes.</summary>
    private readonly struct Builder(BlockStateOverlay.FinalChanges changes, BlockCodeStore code) : IFinalValueVisitor<EvmLocation, EvmValue>
    {
        public BlockStateOverlay.FinalChanges Changes => changes;

        public void Visit(in EvmLocation location, in EvmValue value, bool preStateKnown, in EvmValue preState)
        {
            switch (location.Kind)
            {
                case EvmLocationKind.Account:
                    var account = value.Account;
                    changes.SetAccount(location.Address, account, preStateKnown, preStateKnown ? preState.Account : default);
                    if (account.HasCode && !changes.HasCode(account.CodeHash))
                    {
                        // Deployed in the block: only the code that accounts end up with enters the state.
                        changes.AddCode(account.CodeHash, code.Get(account.CodeHash));
                    }

                    if (account.StorageGeneration > 0)
                    {
                        changes.SetGeneration(location.Address, account.StorageGeneration);
                    }

                    break;
                case EvmLocationKind.Balance:
                    changes.SetBalance(location.Address, value.Balance);
                    break;
                default:
                    changes.AddStorage(location.Address, location.Slot, value.StorageValue, value.Generation);
                    break;
            }
        }
    }
}
