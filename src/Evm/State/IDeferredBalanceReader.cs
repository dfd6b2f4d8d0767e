using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// A reader for which an account's balance is a read of its own, apart from the account's other fields: Block-STM's
/// view, where the balance is a location of its own and every read is recorded, kept and validated. Over such a reader
/// <see cref="JournaledState"/> reads an existing account's balance only when the transaction uses it (a value moved,
/// BALANCE, SELFBALANCE, EIP-161's emptiness of a code-less account with nonce 0, a write of the account), so that a
/// call to a contract that moves no value does not read, and so does not depend on, the contract's balance.
/// </summary>
public interface IDeferredBalanceReader : IStateReader
{
    /// <summary>
    /// As <see cref="IStateReader.TryGetAccount"/>, except that the reader may leave the balance out of an account that
    /// exists: then <paramref name="balanceDeferred"/> is true, <paramref name="account"/>'s balance is zero, and
    /// <see cref="ReadDeferredBalance"/> gives the balance when it is needed.
    /// </summary>
    bool TryGetAccountDeferringBalance(in Address address, out AccountInfo account, out bool balanceDeferred);

    /// <summary>The balance that <see cref="TryGetAccountDeferringBalance"/> left out.</summary>
    UInt256 ReadDeferredBalance(in Address address);
}
