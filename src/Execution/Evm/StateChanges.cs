using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>A block's effect on the state: the accounts it changed and the code it deployed (by hash).</summary>
public sealed class StateChanges
{
    public StateChanges(IReadOnlyDictionary<Address, AccountChange> accounts, IReadOnlyDictionary<Hash256, byte[]> code)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(code);
        Accounts = accounts;
        Code = code;
    }

    public static StateChanges None { get; } = new(new Dictionary<Address, AccountChange>(), new Dictionary<Hash256, byte[]>());

    public IReadOnlyDictionary<Address, AccountChange> Accounts { get; }

    public IReadOnlyDictionary<Hash256, byte[]> Code { get; }
}
