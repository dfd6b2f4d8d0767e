using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The state during one block: the changes so far over the block's <see cref="StateSnapshot"/>, readable by the
/// EVM (<see cref="IStateReader"/>) and changed by applying transactions' write sets (the sequential executor), by
/// the block's system call and withdrawals, or by Block-STM's final values. Single-threaded while it changes; while
/// Block-STM runs it is only read (its pre-state), which dictionaries allow from many threads.
/// </summary>
public sealed class BlockStateOverlay : IStateReader
{
    private static readonly IReadOnlyDictionary<UInt256, UInt256> NoStorage = new Dictionary<UInt256, UInt256>();

    private readonly StateSnapshot _base;
    private readonly IReadOnlyDictionary<ulong, Hash256> _blockHashes;
    private readonly Dictionary<Address, Entry> _entries = [];
    private readonly Dictionary<Hash256, byte[]> _code = [];

    public BlockStateOverlay(StateSnapshot snapshot, IReadOnlyDictionary<ulong, Hash256>? blockHashes = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _base = snapshot;
        _blockHashes = blockHashes ?? new Dictionary<ulong, Hash256>();
    }

    public StateSnapshot Base => _base;

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        if (_entries.TryGetValue(address, out var entry))
        {
            account = new AccountInfo(entry.Nonce, entry.Balance, entry.CodeHash, entry.HasStorage);
            return entry.Exists;
        }

        return _base.TryGetAccount(address, out account);
    }

    public byte[] GetCode(in Hash256 codeHash) => _code.TryGetValue(codeHash, out var code) ? code : _base.GetCode(codeHash);

    public UInt256 GetStorage(in Address address, in UInt256 slot)
    {
        if (_entries.TryGetValue(address, out var entry))
        {
            if (entry.Storage is { } storage && storage.TryGetValue(slot, out var value))
            {
                return value;
            }

            if (entry.StorageCleared)
            {
                return UInt256.Zero;
            }
        }

        return _base.GetStorage(address, slot);
    }

    public Hash256 GetBlockHash(ulong number) => _blockHashes.TryGetValue(number, out var hash) ? hash : Hash256.Zero;

    /// <summary>Applies a transaction's final writes (deletions wipe storage; creations start it empty).</summary>
    public void Apply(TransactionWriteSet writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes.Accounts)
        {
            if (write.Deleted)
            {
                DeleteAccount(write.Address);
                continue;
            }

            var entry = EntryOf(write.Address);
            if (write.StorageCleared)
            {
                ClearStorage(entry);
            }

            if (write.Code is { Length: > 0 } code)
            {
                _code[write.CodeHash] = code;
            }

            entry.Exists = true;
            entry.Nonce = write.Nonce;
            entry.Balance = write.Balance;
            entry.CodeHash = write.CodeHash;
        }

        foreach (var write in writes.Storage)
        {
            SetStorage(write.Address, write.Slot, write.Value);
        }
    }

    /// <summary>
    /// Credits an account outside any transaction (a withdrawal, a deferred fee) as go-ethereum's AddBalance then
    /// Finalise do: the account is touched, so a credit of zero to an empty account deletes it (EIP-161), and a
    /// credit of zero to nothing creates nothing.
    /// </summary>
    public void AddBalance(in Address address, in UInt256 amount)
    {
        var exists = TryGetAccount(address, out var account);
        if (!exists && amount.IsZero)
        {
            return;
        }

        if (amount.IsZero)
        {
            if (account.IsEmpty)
            {
                DeleteAccount(address);
            }

            return;
        }

        var entry = EntryOf(address);
        entry.Exists = true;
        entry.Balance += amount;
    }

    /// <summary>Sets an account's fields (creating it if needed), keeping its storage.</summary>
    public void SetAccount(in Address address, ulong nonce, in UInt256 balance, in Hash256 codeHash)
    {
        var entry = EntryOf(address);
        entry.Exists = true;
        entry.Nonce = nonce;
        entry.Balance = balance;
        entry.CodeHash = codeHash;
    }

    /// <summary>Removes the account and its storage.</summary>
    public void DeleteAccount(in Address address)
    {
        var entry = EntryOf(address);
        entry.Exists = false;
        entry.Nonce = 0;
        entry.Balance = UInt256.Zero;
        entry.CodeHash = AccountInfo.EmptyCodeHash;
        ClearStorage(entry);
    }

    /// <summary>
    /// Sets an account's fields from Block-STM's final value of its account location: the existence flag as is (an
    /// account that exists only through its balance is settled by <see cref="SettleExistence"/>), and a wipe of its
    /// storage when its storage generation moved.
    /// </summary>
    internal void SetFinalAccount(in Address address, in AccountState account)
    {
        var entry = EntryOf(address);
        if (account.StorageGeneration > 0)
        {
            ClearStorage(entry);
        }

        entry.Exists = account.Exists;
        entry.Nonce = account.Nonce;
        entry.CodeHash = account.CodeHash;
    }

    /// <summary>Makes room for <paramref name="accounts"/> changed accounts at once, rather than growing while they come.</summary>
    internal void EnsureCapacity(int accounts) => _entries.EnsureCapacity(accounts);

    /// <summary>Sets an account's balance from Block-STM's final value of its balance location.</summary>
    internal void SetFinalBalance(in Address address, in UInt256 balance) => EntryOf(address).Balance = balance;

    /// <summary>
    /// Sets an account that plain transfers sent from or to (<see cref="PlainTransferBlock"/>): its final balance and,
    /// when it sent, its nonce. An account the block creates gets its storage marked cleared, as the sequential run's
    /// first credit to it does.
    /// </summary>
    internal void SetTransferred(in Address address, ulong? nonce, in UInt256 balance)
    {
        var entry = EntryOf(address);
        if (!entry.Exists)
        {
            ClearStorage(entry);
            entry.Exists = true;
        }

        if (nonce is { } sent)
        {
            entry.Nonce = sent;
        }

        entry.Balance = balance;
    }

    /// <summary>After final values: an account not flagged as existing exists exactly when its balance is not zero.</summary>
    internal void SettleExistence()
    {
        foreach (var entry in _entries.Values)
        {
            if (!entry.Exists && !entry.Balance.IsZero)
            {
                entry.Exists = true;
            }
        }
    }

    /// <summary>Wipes an account's storage (what was there before, and what this block wrote).</summary>
    public void ClearStorage(in Address address) => ClearStorage(EntryOf(address));

    public void SetStorage(in Address address, in UInt256 slot, in UInt256 value)
    {
        var entry = EntryOf(address);
        (entry.Storage ??= [])[slot] = value;
        entry.HasNonZeroWrite |= !value.IsZero;
    }

    public void SetCode(in Hash256 codeHash, byte[] code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length > 0)
        {
            _code[codeHash] = code;
        }
    }

    /// <summary>
    /// The block's effect, as final values per account. The changes take over the overlay's storage maps rather than
    /// copy them (a block can write many thousands of slots of one contract), so this is the overlay's last use.
    /// </summary>
    public StateChanges ToChanges()
    {
        var accounts = new Dictionary<Address, AccountChange>(_entries.Count);
        foreach (var (address, entry) in _entries)
        {
            if (!entry.Exists)
            {
                if (entry.ExistedInBase)
                {
                    accounts[address] = new AccountChange(true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, true, NoStorage);
                }

                continue;
            }

            accounts[address] = new AccountChange(
                false,
                entry.Nonce,
                entry.Balance,
                entry.CodeHash,
                entry.StorageCleared,
                (IReadOnlyDictionary<UInt256, UInt256>?)entry.Storage ?? NoStorage);
        }

        return new StateChanges(accounts, _code);
    }

    private static void ClearStorage(Entry entry)
    {
        entry.StorageCleared = true;
        entry.HasStorageInBase = false;
        entry.HasNonZeroWrite = false;
        entry.Storage?.Clear();
    }

    private Entry EntryOf(in Address address)
    {
        if (!_entries.TryGetValue(address, out var entry))
        {
            var existed = _base.TryGetAccount(address, out SnapshotAccount before);
            entry = existed
                ? new Entry
                {
                    Exists = true,
                    ExistedInBase = true,
                    Nonce = before.Nonce,
                    Balance = before.Balance,
                    CodeHash = before.CodeHash,
                    HasStorageInBase = before.HasStorage,
                }
                : new Entry { CodeHash = AccountInfo.EmptyCodeHash };
            _entries[address] = entry;
        }

        return entry;
    }

    private sealed class Entry
    {
        public bool Exists;
        public bool ExistedInBase;
        public ulong Nonce;
        public UInt256 Balance;
        public Hash256 CodeHash;
        public bool StorageCleared;
        public bool HasStorageInBase;

        /// <summary>
        /// Some slot was set non-zero in the block. Together with <see cref="HasStorageInBase"/> this answers EIP-7610's
        /// "has storage" without counting slots; it can only be wrong for an account whose every slot the block set back
        /// to zero, and in-block storage writes come from code at the account, which gives it a nonce or code that
        /// refuse a creation there anyway.
        /// </summary>
        public bool HasNonZeroWrite;
        /// <summary>Slots written in the block (zero included), made on the first write: most entries only move a balance.</summary>
        public Dictionary<UInt256, UInt256>? Storage;

        public bool HasStorage => HasStorageInBase || HasNonZeroWrite;
    }
}
