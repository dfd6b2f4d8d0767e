using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One account of a <see cref="StateSnapshot"/>: immutable, with its non-zero storage slots. The storage (its slots
/// and its trie) is shared with the account's previous version when a block changed only the account's fields, so a
/// block that only moves balances hashes no storage again; a block that writes slots updates the storage trie at
/// those slots only.
/// </summary>
public sealed class SnapshotAccount
{
    public SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, IReadOnlyDictionary<UInt256, UInt256>? storage = null)
        : this(nonce, balance, codeHash, storage is null ? SnapshotStorage.Empty : SnapshotStorage.FromSlots(storage))
    {
    }

    private SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, SnapshotStorage storage)
    {
        Nonce = nonce;
        Balance = balance;
        CodeHash = codeHash;
        StorageState = storage;
    }

    public ulong Nonce { get; }

    public UInt256 Balance { get; }

    public Hash256 CodeHash { get; }

    /// <summary>The non-zero slots.</summary>
    public IReadOnlyDictionary<UInt256, UInt256> Storage => StorageState.Slots;

    public bool HasStorage => StorageState.Slots.Count > 0;

    /// <summary>The root of the storage trie, built (or updated from the previous version's) on first use and kept.</summary>
    public Hash256 StorageRoot => StorageState.Root;

    internal SnapshotStorage StorageState { get; }

    public AccountInfo ToAccountInfo() => new(Nonce, Balance, CodeHash, HasStorage);

    public StateAccount ToStateAccount() => new(Nonce, Balance, StorageRoot, CodeHash);

    /// <summary>The same storage (and its trie, if built) under new fields.</summary>
    public SnapshotAccount WithFields(ulong nonce, in UInt256 balance, in Hash256 codeHash) =>
        new(nonce, balance, codeHash, StorageState);

    /// <summary>The account after a block's <paramref name="change"/> (not a deletion) to <paramref name="before"/>,
    /// which is null when the account did not exist.</summary>
    internal static SnapshotAccount After(SnapshotAccount? before, AccountChange change)
    {
        var storage = before is null || change.StorageCleared ? SnapshotStorage.Empty : before.StorageState;
        return new SnapshotAccount(change.Nonce, change.Balance, change.CodeHash, storage.With(change.Storage));
    }
}
