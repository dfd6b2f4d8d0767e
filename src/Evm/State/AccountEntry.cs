using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>What the journal tracks per account besides its fields. Changes to them are journaled as one value.</summary>
[Flags]
internal enum AccountFlags : byte
{
    None = 0,

    /// <summary>The account exists (it did before, or this transaction created it).</summary>
    Exists = 1,

    /// <summary>Accessed in this transaction (EIP-2929): later accesses cost the warm price.</summary>
    Warm = 2,

    /// <summary>Changed or touched (EIP-161): if it ends up empty, it is deleted.</summary>
    Touched = 4,

    /// <summary>Created by CREATE/CREATE2 (or a creating transaction) in this transaction (EIP-6780).</summary>
    CreatedInTransaction = 8,

    /// <summary>Self-destructed; deleted when the transaction ends.</summary>
    SelfDestructed = 16,
}

/// <summary>One storage slot as the transaction sees it.</summary>
internal struct StorageSlot
{
    /// <summary>The value at the start of the transaction (EIP-2200's "original").</summary>
    public UInt256 Original;

    public UInt256 Current;

    /// <summary>Original and Current hold the reader's value (an access-list entry warms a slot without reading it).</summary>
    public bool Loaded;

    /// <summary>Original came from the reader (not from the knowledge that a new contract has no storage).</summary>
    public bool ReadFromState;

    public bool Warm;
}

/// <summary>An account's working copy inside <see cref="JournaledState"/>. Handed to the interpreter so that
/// a frame resolves its own account once and then reads and writes storage without looking it up again.</summary>
internal sealed class AccountEntry
{
    public AccountEntry(in Address address)
    {
        Reset(address);
    }

    /// <summary>Set once per use: entries are pooled across transactions by <see cref="JournaledState"/>.</summary>
    public Address Address;

    /// <summary>Nonce, balance, code hash and existence hold the reader's values (or later ones).</summary>
    public bool Loaded;

    /// <summary>What the reader returned, for the read set and to detect changes.</summary>
    public AccountInfo? Original;

    public AccountFlags Flags;
    public ulong Nonce;
    public UInt256 Balance;
    public Hash256 CodeHash;

    /// <summary>The code with its analysis, loaded on first use.</summary>
    public CodeInfo? Code;

    /// <summary>Set when this transaction deployed code here.</summary>
    public bool CodeDeployed;

    public Dictionary<UInt256, StorageSlot>? Storage;
    public Dictionary<UInt256, UInt256>? Transient;

    public bool Exists => (Flags & AccountFlags.Exists) != 0;

    public bool IsWarm => (Flags & AccountFlags.Warm) != 0;

    public bool IsCreatedInTransaction => (Flags & AccountFlags.CreatedInTransaction) != 0;

    /// <summary>EIP-161's empty (an absent account is empty too).</summary>
    public bool IsEmpty => Nonce == 0 && Balance.IsZero && CodeHash == AccountInfo.EmptyCodeHash;

    public Dictionary<UInt256, StorageSlot> StorageSlots => Storage ??= [];

    /// <summary>Makes the entry a fresh, unloaded view of <paramref name="address"/> (keeping its maps' capacity).</summary>
    public void Reset(in Address address)
    {
        Address = address;
        Loaded = false;
        Original = null;
        Flags = AccountFlags.None;
        Nonce = 0;
        Balance = default;
        CodeHash = AccountInfo.EmptyCodeHash;
        Code = null;
        CodeDeployed = false;
        Storage?.Clear();
        Transient?.Clear();
    }
}
