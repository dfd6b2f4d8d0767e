using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Block-STM's pre-state in locations: the block's state before its transactions (after its system call), read
/// from a <see cref="BlockStateOverlay"/> that nobody changes while the block runs, so it is safe from every worker.
/// Everything in it is in storage generation 0; generations count wipes within the block.
/// </summary>
public sealed class OverlayPreStateReader : IPreStateReader<EvmLocation, EvmValue>
{
    // The EVM loads an account as its account location and then its balance location, so each worker keeps the
    // last account it looked up: the second read does not search the state again. Per thread, tagged with the reader
    // it belongs to (a worker serves one block after another).
    [ThreadStatic]
    private static LastAccount? t_last;

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
                return EvmValue.FromAccount(AccountState.Before(Account(key.Address, out var account), account));
            case EvmLocationKind.Balance:
                return EvmValue.FromBalance(Account(key.Address, out var funded) ? funded.Balance : default);
            default:
                return EvmValue.FromStorage(_state.GetStorage(key.Address, key.Slot), 0);
        }
    }

    private bool Account(in Address address, out AccountInfo account)
    {
        var last = t_last ??= new LastAccount();
        if (ReferenceEquals(last.Reader, this) && last.Address == address)
        {
            account = last.Account;
            return last.Exists;
        }

        last.Exists = _state.TryGetAccount(address, out account);
        last.Reader = this;
        last.Address = address;
        last.Account = account;
        return last.Exists;
    }

    private sealed class LastAccount
    {
        public OverlayPreStateReader? Reader;
        public Address Address;
        public AccountInfo Account;
        public bool Exists;
    }
}
