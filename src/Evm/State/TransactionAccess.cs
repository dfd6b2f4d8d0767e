using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>An account the transaction read from its <see cref="IStateReader"/>, with what it saw (null: absent).</summary>
public readonly record struct AccountRead(Address Address, AccountInfo? Account);

/// <summary>A storage slot the transaction read from its <see cref="IStateReader"/>, with the value it saw.</summary>
public readonly record struct StorageRead(Address Address, UInt256 Slot, UInt256 Value);

/// <summary>A block hash the transaction asked for (BLOCKHASH).</summary>
public readonly record struct BlockHashRead(ulong Number, Hash256 Hash);

/// <summary>
/// Every location a transaction read from the state below it, each once, with the value it saw: what
/// Block-STM validates (a transaction's result stands while every read still sees the same value).
/// Code is read by hash, which cannot change, so it is not listed.
/// </summary>
public sealed class TransactionReadSet
{
    public TransactionReadSet(IReadOnlyList<AccountRead> accounts, IReadOnlyList<StorageRead> storage, IReadOnlyList<BlockHashRead> blockHashes)
    {
        Accounts = accounts;
        Storage = storage;
        BlockHashes = blockHashes;
    }

    public static TransactionReadSet Empty { get; } = new([], [], []);

    public IReadOnlyList<AccountRead> Accounts { get; }

    public IReadOnlyList<StorageRead> Storage { get; }

    public IReadOnlyList<BlockHashRead> BlockHashes { get; }
}

/// <summary>
/// The final value of an account a transaction changed. <see cref="Deleted"/>: the account is gone with its
/// storage (self-destructed, or empty and touched under EIP-161). <see cref="StorageCleared"/>: the account was
/// created by this transaction, so storage from before it does not survive (only this set's slots count).
/// <see cref="Code"/> is set when the transaction deployed it. <see cref="HadStorage"/>: whether the account had storage
/// when the transaction began, as its reader said (null where the writer did not read it): a consumer that keeps the
/// account's fields itself learns EIP-7610's flag from it without asking the state before the block again.
/// </summary>
public readonly record struct AccountWrite(
    Address Address,
    bool Deleted,
    ulong Nonce,
    UInt256 Balance,
    Hash256 CodeHash,
    byte[]? Code,
    bool StorageCleared,
    bool? HadStorage = null);

/// <summary>The final value of a storage slot the transaction changed (zero deletes it).</summary>
public readonly record struct StorageWrite(Address Address, UInt256 Slot, UInt256 Value);

/// <summary>What a transaction changed, as final values: applied in transaction order they give the block's state.</summary>
public sealed class TransactionWriteSet
{
    public TransactionWriteSet(IReadOnlyList<AccountWrite> accounts, IReadOnlyList<StorageWrite> storage)
    {
        Accounts = accounts;
        Storage = storage;
    }

    public static TransactionWriteSet Empty { get; } = new([], []);

    public IReadOnlyList<AccountWrite> Accounts { get; }

    public IReadOnlyList<StorageWrite> Storage { get; }
}
