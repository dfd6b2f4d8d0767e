using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.State;

/// <summary>
/// State roots of accounts held in memory (genesis allocations, state test pre-states): each account's
/// storage root from its slots, its code hash from its code, then the account trie over them.
/// </summary>
public static class StateRootCalculator
{
    public static Hash256 ComputeStorageRoot(IEnumerable<KeyValuePair<UInt256, UInt256>> storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var trie = new StorageTrie();
        foreach (var (slot, value) in storage)
        {
            trie.Set(slot, value);
        }

        return trie.RootHash;
    }

    public static Hash256 ComputeCodeHash(ReadOnlySpan<byte> code) =>
        code.IsEmpty ? StateAccount.EmptyCodeHash : Keccak256.Compute(code);

    /// <summary>The account as the account trie holds it.</summary>
    public static StateAccount ToStateAccount(PlainAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new StateAccount(
            account.Nonce,
            account.Balance,
            ComputeStorageRoot(account.Storage),
            ComputeCodeHash(account.Code.Span));
    }

    /// <summary>The state root of exactly these accounts; empty ones included.</summary>
    public static Hash256 ComputeStateRoot(IEnumerable<KeyValuePair<Address, PlainAccount>> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var trie = new AccountTrie();
        foreach (var (address, account) in accounts)
        {
            trie.Set(address, ToStateAccount(account));
        }

        return trie.RootHash;
    }
}
