using System.Runtime.CompilerServices;
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
    public Hash256 CodeHash;

    private UInt256 _balance;

    // Non-null while the balance is still the reader's to give (see IDeferredBalanceReader): read on first use.
    private IDeferredBalanceReader? _balanceReader;

    /// <summary>The balance, read from the reader on first use when its read was deferred.</summary>
    public UInt256 Balance
    {
        get
        {
            if (_balanceReader is not null)
            {
                LoadDeferredBalance();
            }

            return _balance;
        }

        set
        {
            _balance = value;
            _balanceReader = null;
        }
    }

    /// <summary>Whether the balance has not been read yet (the transaction has not used it).</summary>
    public bool BalanceDeferred => _balanceReader is not null;

    /// <summary>The code with its analysis, loaded on first use.</summary>
    public CodeInfo? Code;

    /// <summary>Set when this transaction deployed code here.</summary>
    public bool CodeDeployed;

    public Dictionary<UInt256, StorageSlot>? Storage;
    public Dictionary<UInt256, UInt256>? Transient;

    public bool Exists => (Flags & AccountFlags.Exists) != 0;

    public bool IsWarm => (Flags & AccountFlags.Warm) != 0;

    public bool IsCreatedInTransaction => (Flags & AccountFlags.CreatedInTransaction) != 0;

    /// <summary>EIP-161's empty (an absent account is empty too). The balance last: a contract's is then not read.</summary>
    public bool IsEmpty => Nonce == 0 && CodeHash == AccountInfo.EmptyCodeHash && Balance.IsZero;

    public Dictionary<UInt256, StorageSlot> StorageSlots => Storage ??= [];

    /// <summary>Leaves the balance to <paramref name="reader"/> until it is first used.</summary>
    public void DeferBalance(IDeferredBalanceReader reader)
    {
        _balance = default;
        _balanceReader = reader;
    }

    /// <summary>Out of line: most balances are read with the account or never.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LoadDeferredBalance()
    {
        // A read that throws (Block-STM suspends the transaction) leaves the balance deferred.
        var balance = _balanceReader!.ReadDeferredBalance(Address);
        _balance = balance;
        _balanceReader = null;
        if (Original is { } original)
        {
            Original = original with { Balance = balance };
        }
    }

    /// <summary>Makes the entry a fresh, unloaded view of <paramref name="address"/> (keeping its maps' capacity).</summary>
    public void Reset(in Address address)
    {
        Address = address;
        Loaded = false;
        Original = null;
        Flags = AccountFlags.None;
        Nonce = 0;
        _balance = default;
        _balanceReader = null;
        CodeHash = AccountInfo.EmptyCodeHash;
        Code = null;
        CodeDeployed = false;
        Storage?.Clear();
        Transient?.Clear();
    }
}
