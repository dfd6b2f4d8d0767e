using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Turns Block-STM's result (the final value of every location written in the block) back into account changes
/// on the block's <see cref="BlockStateOverlay"/>: fields and balances first (a storage generation above the
/// pre-state's 0 wipes the account's storage), then the slots written in their account's final generation (older
/// ones were wiped), then existence (an account not flagged as existing exists when its balance is not zero).
/// </summary>
internal static class LocationChangesApplier
{
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

        // Wipes are rare (deletions, creations): only those accounts' generations are looked up for their slots.
        Dictionary<Address, int>? generations = null;
        var hasStorage = false;
        state.EnsureCapacity(finalValues.Count);
        foreach (var part in parts)
        {
            foreach (var (location, value) in part)
            {
                ApplyField(state, location, value, code, ref generations, ref hasStorage);
            }
        }

        if (hasStorage)
        {
            foreach (var part in parts)
            {
                foreach (var (location, value) in part)
                {
                    if (location.Kind == EvmLocationKind.Storage
                        && value.Generation == (generations is null ? 0 : generations.GetValueOrDefault(location.Address)))
                    {
                        state.SetStorage(location.Address, location.Slot, value.StorageValue);
                    }
                }
            }
        }

        state.SettleExistence();
    }

    /// <summary>An account's fields or balance; a storage slot only notes that there are slots (they go in a second pass).</summary>
    private static void ApplyField(
        BlockStateOverlay state,
        in EvmLocation location,
        in EvmValue value,
        BlockCodeStore code,
        ref Dictionary<Address, int>? generations,
        ref bool hasStorage)
    {
        switch (location.Kind)
        {
            case EvmLocationKind.Account:
                var account = value.Account;
                state.SetFinalAccount(location.Address, account);
                if (account.HasCode && state.GetCode(account.CodeHash).Length == 0)
                {
                    // Deployed in the block: only the code that accounts end up with enters the state.
                    state.SetCode(account.CodeHash, code.Get(account.CodeHash));
                }

                if (account.StorageGeneration > 0)
                {
                    (generations ??= [])[location.Address] = account.StorageGeneration;
                }

                break;
            case EvmLocationKind.Balance:
                state.SetFinalBalance(location.Address, value.Balance);
                break;
            default:
                hasStorage = true;
                break;
        }
    }
}
