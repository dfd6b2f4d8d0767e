namespace Hyperion.Execution.Evm;

/// <summary>
/// Block-STM's pre-state in locations: the block's state before its transactions (after its system call), read
/// from a <see cref="BlockStateOverlay"/> that nobody changes while the block runs, so it is safe from every worker.
/// Everything in it is in storage generation 0; generations count wipes within the block.
/// </summary>
public sealed class OverlayPreStateReader : IPreStateReader<EvmLocation, EvmValue>
{
    private readonly BlockStateOverlay _state;

    public OverlayPreStateReader(BlockStateOverlay state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = state;
    }

    public EvmValue Read(EvmLocation key)
    {
        switch (key.Kind)
        {
            case EvmLocationKind.Account:
                return EvmValue.FromAccount(_state.TryGetAccount(key.Address, out var account)
                    ? new AccountState(true, account.Nonce, account.CodeHash, account.HasStorage, 0)
                    : AccountState.Absent);
            case EvmLocationKind.Balance:
                return EvmValue.FromBalance(_state.TryGetAccount(key.Address, out var funded) ? funded.Balance : default);
            default:
                return EvmValue.FromStorage(_state.GetStorage(key.Address, key.Slot), 0);
        }
    }
}
