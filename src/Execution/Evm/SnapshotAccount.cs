using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One account of a <see cref="StateSnapshot"/>: immutable, with its non-zero storage slots. The storage (its slots
/// and its trie) is shared with the account's previous version when a block changed only the account's fields, so a
/// block that only moves balances hashes no storage again; a block that writes slots updates the storage trie at
/// those slots only. A contract the snapshot evicted (<see cref="StateSnapshot.Evict"/>) keeps its fields and storage
/// root here; its slots are loaded back on first read.
/// </summary>
public sealed class SnapshotAccount
{
    // Exactly one is set: the storage itself, or the evicted contract that loads it.
    private readonly SnapshotStorage? _storage;
    private readonly EvictedContract? _evicted;

    public SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, IReadOnlyDictionary<UInt256, UInt256>? storage = null)
        : this(nonce, balance, codeHash, storage is null ? SnapshotStorage.Empty : SnapshotStorage.FromSlots(storage), null)
    {
    }

    private SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, SnapshotStorage? storage, EvictedContract? evicted)
    {
        Nonce = nonce;
        Balance = balance;
        CodeHash = codeHash;
        _storage = storage;
        _evicted = evicted;
    }

    public ulong Nonce { get; }

    public UInt256 Balance { get; }

    public Hash256 CodeHash { get; }

    /// <summary>The non-zero slots (loaded first if the contract was evicted: that blocks on the loader).</summary>
    public IReadOnlyDictionary<UInt256, UInt256> Storage => StorageState.Slots;

    /// <summary>Known without loading an evicted contract: its storage root says whether it has any.</summary>
    public bool HasStorage => _storage is { } storage ? storage.Slots.Count > 0 : _evicted!.StorageRoot != StateAccount.EmptyTrieRoot;

    public bool HasCode => CodeHash != StateAccount.EmptyCodeHash;

    /// <summary>The root of the storage trie, built (or updated from the previous version's) on first use and kept;
    /// an evicted contract's is known without loading it.</summary>
    public Hash256 StorageRoot => _storage?.Root ?? _evicted!.StorageRoot;

    /// <summary>False while the account's storage and code are evicted and not loaded back: reading them would load.</summary>
    public bool IsResident => _evicted is null || _evicted.IsLoaded;

    internal SnapshotStorage StorageState => _storage ?? _evicted!.Storage;

    internal EvictedContract? Evicted => _evicted;

    public AccountInfo ToAccountInfo() => new(Nonce, Balance, CodeHash, HasStorage);

    public StateAccount ToStateAccount() => new(Nonce, Balance, StorageRoot, CodeHash);

    /// <summary>The same storage (and its trie, if built; or its eviction) under new fields.</summary>
    public SnapshotAccount WithFields(ulong nonce, in UInt256 balance, in Hash256 codeHash) =>
        new(nonce, balance, codeHash, _storage, _evicted);

    /// <summary>The account after a block's <paramref name="change"/> (not a deletion) to <paramref name="before"/>,
    /// which is null when the account did not exist. An evicted storage is loaded only if slots are written to it.</summary>
    internal static SnapshotAccount After(SnapshotAccount? before, AccountChange change)
    {
        var storage = before is null || change.StorageCleared ? SnapshotStorage.Empty : before.StorageState;
        return new SnapshotAccount(change.Nonce, change.Balance, change.CodeHash, storage.With(change.Storage), null);
    }

    /// <summary>The same account with its storage and code left to <paramref name="evicted"/>.</summary>
    internal SnapshotAccount WithEvicted(EvictedContract evicted) => new(Nonce, Balance, CodeHash, null, evicted);
}
