using System.Runtime.CompilerServices;
using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One account of a <see cref="StateSnapshot"/>: immutable, with its non-zero storage slots. The storage root is
/// computed on first use and kept, and carried over to the next snapshot when the storage did not change, so a
/// block that only moves balances does not hash every contract's storage again.
/// </summary>
public sealed class SnapshotAccount
{
    private static readonly IReadOnlyDictionary<UInt256, UInt256> NoStorage = new Dictionary<UInt256, UInt256>();

    // Boxed, so that publishing it is one reference write: a 32-byte value could be seen half-written by another thread.
    private StrongBox<Hash256>? _storageRoot;

    public SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, IReadOnlyDictionary<UInt256, UInt256>? storage = null)
    {
        Nonce = nonce;
        Balance = balance;
        CodeHash = codeHash;
        Storage = storage ?? NoStorage;
    }

    private SnapshotAccount(ulong nonce, in UInt256 balance, in Hash256 codeHash, IReadOnlyDictionary<UInt256, UInt256> storage, StrongBox<Hash256>? storageRoot)
        : this(nonce, balance, codeHash, storage)
    {
        _storageRoot = storageRoot;
    }

    public ulong Nonce { get; }

    public UInt256 Balance { get; }

    public Hash256 CodeHash { get; }

    /// <summary>The non-zero slots.</summary>
    public IReadOnlyDictionary<UInt256, UInt256> Storage { get; }

    public bool HasStorage => Storage.Count > 0;

    /// <summary>The root of the storage trie. Computing it twice on two threads gives the same value, so the cache needs no lock.</summary>
    public Hash256 StorageRoot => (_storageRoot ??= new StrongBox<Hash256>(
        Storage.Count == 0 ? StateAccount.EmptyTrieRoot : StateRootCalculator.ComputeStorageRoot(Storage))).Value;

    public AccountInfo ToAccountInfo() => new(Nonce, Balance, CodeHash, HasStorage);

    public StateAccount ToStateAccount() => new(Nonce, Balance, StorageRoot, CodeHash);

    /// <summary>The same storage (and its root, if known) under new fields.</summary>
    public SnapshotAccount WithFields(ulong nonce, in UInt256 balance, in Hash256 codeHash) =>
        new(nonce, balance, codeHash, Storage, _storageRoot);
}
