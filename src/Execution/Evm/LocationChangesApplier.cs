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
        // Wipes are rare (deletions, creations): only those accounts' generations are looked up for their slots.
        Dictionary<Address, int>? generations = null;
        var hasStorage = false;
        state.EnsureCapacity(finalValues.Count);
        foreach (var (location, value) in finalValues)
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

        if (hasStorage)
        {
            foreach (var (location, value) in finalValues)
            {
                if (location.Kind == EvmLocationKind.Storage
                    && value.Generation == (generations is null ? 0 : generations.GetValueOrDefault(location.Address)))
                {
                    state.SetStorage(location.Address, location.Slot, value.StorageValue);
                }
            }
        }

        state.SettleExistence();
    }
}
