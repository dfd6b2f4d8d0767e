using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// The state as one transaction sees and changes it, over an <see cref="IStateReader"/>: a cache that reads
/// each account and slot at most once, the EIP-2929 warm sets, original and current storage values
/// (EIP-2200/3529), transient storage (EIP-1153), the accounts created in the transaction (EIP-6780), the
/// touched accounts (EIP-161), the refund counter and the logs. Every change is journaled, so a frame's
/// changes are undone by <see cref="Revert"/> to its <see cref="Snapshot"/>. At the end, the transaction's
/// reads and final writes come out as a <see cref="TransactionReadSet"/> and a <see cref="TransactionWriteSet"/>;
/// nothing is written below. One instance is reused for many transactions on one thread.
/// </summary>
public sealed class JournaledState
{
    // geth keeps the touch of 0x03 (RIPEMD-160) when the touching call reverts: a consensus quirk from a
    // 2016 mainnet incident that the state tests still check.
    private static readonly Address Ripemd160Address = PrecompileAddress(3);

    private readonly Dictionary<Address, AccountEntry> _accounts = [];
    private readonly Stack<AccountEntry> _freeEntries = new();
    private HashSet<Address> _alwaysWarm = [];

    // The bits set in any always-warm address, per word: an address with a bit outside them cannot be in the set,
    // so an ordinary address is ruled out by three compares instead of a hash-set lookup each time an entry is made
    // (the precompiles' addresses are all zero but for their last byte).
    private AddressBits _alwaysWarmBits;
    private readonly List<JournalEntry> _journal = [];
    private readonly List<LogEntry> _logs = [];
    private readonly List<BlockHashRead> _blockHashReads = [];
    private readonly List<AccountRead> _accountReads = [];
    private readonly List<StorageRead> _storageReads = [];
    private readonly List<AccountWrite> _accountWrites = [];
    private readonly List<StorageWrite> _storageWrites = [];
    private readonly CodeAnalysisCache _codeCache;
    private IStateReader _reader = EmptyStateReader.Instance;
    private IDeferredBalanceReader? _balanceDeferringReader;
    private Hash256 _lastCodeHash;
    private CodeInfo? _lastCode;
    private long _refund;

    public JournaledState(CodeAnalysisCache? codeCache = null)
    {
        _codeCache = codeCache ?? CodeAnalysisCache.Shared;
    }

    private enum JournalKind : byte
    {
        Flags,
        Balance,
        Nonce,
        Code,
        Storage,
        StorageWarm,
        Transient,
        Refund,
        Log,
    }

    /// <summary>The refund counter (SSTORE clears), capped when the transaction ends.</summary>
    public long Refund => _refund;

    public IReadOnlyList<LogEntry> Logs => _logs;

    public IStateReader Reader => _reader;

    /// <summary>Whether the account self-destructed in this transaction (it is deleted when the transaction ends).</summary>
    public bool IsSelfDestructed(in Address address) =>
        _accounts.TryGetValue(address, out var account) && (account.Flags & AccountFlags.SelfDestructed) != 0;

    /// <summary>Starts a new transaction over <paramref name="reader"/>, forgetting everything of the last one.</summary>
    public void Begin(IStateReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _balanceDeferringReader = reader as IDeferredBalanceReader;
        foreach (var entry in _accounts.Values)
        {
            _freeEntries.Push(entry);
        }

        _accounts.Clear();
        _journal.Clear();
        _logs.Clear();
        _blockHashReads.Clear();
        _refund = 0;
    }

    // ---- accounts -------------------------------------------------------------------------------------

    /// <summary>The working copy of an account, read from the reader on first use.</summary>
    internal AccountEntry Account(in Address address)
    {
        var entry = Entry(address);
        if (!entry.Loaded)
        {
            Load(entry);
        }

        return entry;
    }

    /// <summary>
    /// Addresses that are warm in every transaction without being listed (the precompiles, EIP-2929), so that
    /// no per-transaction entry is made for them until they are actually used.
    /// </summary>
    public void SetAlwaysWarm(IEnumerable<Address> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        _alwaysWarm = [.. addresses];
        _alwaysWarmBits = default;
        foreach (var address in _alwaysWarm)
        {
            _alwaysWarmBits.Add(address);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AccountEntry Entry(in Address address)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, address, out var found);
        if (!found)
        {
            entry = NewEntry(address);
        }

        return entry!;
    }

    private AccountEntry NewEntry(in Address address)
    {
        if (!_freeEntries.TryPop(out var entry))
        {
            return new AccountEntry(address) { Flags = IsAlwaysWarm(address) ? AccountFlags.Warm : AccountFlags.None };
        }

        entry.Reset(address);
        if (IsAlwaysWarm(address))
        {
            entry.Flags = AccountFlags.Warm;
        }

        return entry;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsAlwaysWarm(in Address address)
    {
        return _alwaysWarmBits.MayContain(address) && _alwaysWarm.Contains(address);
    }

    private void Load(AccountEntry entry)
    {
        entry.Loaded = true;
        var balanceDeferred = false;
        var exists = _balanceDeferringReader is { } deferring
            ? deferring.TryGetAccountDeferringBalance(entry.Address, out var info, out balanceDeferred)
            : _reader.TryGetAccount(entry.Address, out info);
        if (exists)
        {
            entry.Original = info;
            entry.Nonce = info.Nonce;
            if (balanceDeferred)
            {
                entry.DeferBalance(_balanceDeferringReader!);
            }
            else
            {
                entry.Balance = info.Balance;
            }

            entry.CodeHash = info.CodeHash;
            entry.Flags |= AccountFlags.Exists;
        }
    }

    public bool Exists(in Address address) => Account(address).Exists;

    /// <summary>EIP-161's empty: absent, or nonce 0, balance 0 and no code.</summary>
    public bool IsEmpty(in Address address)
    {
        var account = Account(address);
        return !account.Exists || account.IsEmpty;
    }

    public UInt256 GetBalance(in Address address) => Account(address).Balance;

    public ulong GetNonce(in Address address) => Account(address).Nonce;

    public Hash256 GetCodeHash(in Address address) => Account(address).CodeHash;

    public byte[] GetCode(in Address address) => Code(Account(address)).Code;

    internal CodeInfo Code(AccountEntry account)
    {
        if (account.Code is { } code)
        {
            return code;
        }

        if (account.CodeHash == AccountInfo.EmptyCodeHash)
        {
            return account.Code = CodeInfo.Empty;
        }

        // Code is addressed by its hash, so the last contract's analysis serves the next transaction calling the
        // same contract without asking the reader and the shared cache again.
        if (_lastCode is not null && account.CodeHash == _lastCodeHash)
        {
            return account.Code = _lastCode;
        }

        var info = _codeCache.GetOrAdd(account.CodeHash, _reader.GetCode(account.CodeHash));
        _lastCodeHash = account.CodeHash;
        _lastCode = info;
        return account.Code = info;
    }

    /// <summary>Whether the address has a nonce, code or storage: CREATE there would collide (EIP-684, EIP-7610).</summary>
    internal static bool IsCreationBlocked(AccountEntry account) =>
        account.Nonce != 0
        || account.CodeHash != AccountInfo.EmptyCodeHash
        || (account.Original is { HasStorage: true } && !account.IsCreatedInTransaction);

    public void AddBalance(in Address address, in UInt256 amount) => AddBalance(Account(address), amount);

    /// <summary>Adds to a balance (creating the account if needed) and touches it, even for zero (EIP-161).</summary>
    internal void AddBalance(AccountEntry account, in UInt256 amount)
    {
        MakeExist(account);
        Touch(account);
        if (amount.IsZero)
        {
            return;
        }

        SetBalance(account, account.Balance + amount);
    }

    public void SubtractBalance(in Address address, in UInt256 amount) => SubtractBalance(Account(address), amount);

    /// <summary>Subtracts from a balance, which the caller has checked covers it. Zero changes nothing.</summary>
    internal void SubtractBalance(AccountEntry account, in UInt256 amount)
    {
        if (amount.IsZero)
        {
            return;
        }

        Touch(account);
        SetBalance(account, account.Balance - amount);
    }

    private void SetBalance(AccountEntry account, in UInt256 balance)
    {
        _journal.Add(new JournalEntry(JournalKind.Balance, account) { Value = account.Balance });
        account.Balance = balance;
    }

    /// <summary>Moves <paramref name="amount"/> between accounts (the caller checked the balance); touches the recipient.</summary>
    internal void Transfer(AccountEntry from, AccountEntry to, in UInt256 amount)
    {
        SubtractBalance(from, amount);
        AddBalance(to, amount);
    }

    public void SetNonce(in Address address, ulong nonce) => SetNonce(Account(address), nonce);

    internal void SetNonce(AccountEntry account, ulong nonce)
    {
        MakeExist(account);
        Touch(account);
        _journal.Add(new JournalEntry(JournalKind.Nonce, account) { Number = (long)account.Nonce });
        account.Nonce = nonce;
    }

    public void SetCode(in Address address, byte[] code) => SetCode(Account(address), code);

    /// <summary>Deploys <paramref name="code"/> (hashing it and analysing it through the shared cache).</summary>
    internal void SetCode(AccountEntry account, byte[] code)
    {
        ArgumentNullException.ThrowIfNull(code);
        MakeExist(account);
        Touch(account);
        _journal.Add(new JournalEntry(JournalKind.Code, account)
        {
            Value = account.CodeHash.ToUInt256(),
            Previous = account.Code,
            Number = account.CodeDeployed ? 1 : 0,
        });
        var hash = code.Length == 0 ? AccountInfo.EmptyCodeHash : Core.Crypto.Keccak256.Compute(code);
        account.CodeHash = hash;
        account.Code = _codeCache.GetOrAdd(hash, code);
        account.CodeDeployed = true;
    }

    /// <summary>
    /// Makes the account a new contract of this transaction: it exists, keeps any balance it had,
    /// and counts as created here (EIP-6780); its storage starts empty.
    /// </summary>
    internal void CreateContract(AccountEntry account) =>
        SetFlags(account, account.Flags | AccountFlags.Exists | AccountFlags.Touched | AccountFlags.CreatedInTransaction);

    /// <summary>Marks the account destroyed when the transaction ends, its balance gone now (SELFDESTRUCT).</summary>
    internal void SelfDestruct(AccountEntry account)
    {
        SetFlags(account, account.Flags | AccountFlags.SelfDestructed | AccountFlags.Touched);
        if (!account.Balance.IsZero)
        {
            SetBalance(account, UInt256.Zero);
        }
    }

    public void Touch(in Address address) => Touch(Account(address));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Touch(AccountEntry account)
    {
        if ((account.Flags & AccountFlags.Touched) == 0)
        {
            SetFlags(account, account.Flags | AccountFlags.Touched);
        }
    }

    private void MakeExist(AccountEntry account)
    {
        if (!account.Exists)
        {
            SetFlags(account, account.Flags | AccountFlags.Exists);
        }
    }

    private void SetFlags(AccountEntry account, AccountFlags flags)
    {
        if (flags == account.Flags)
        {
            return;
        }

        _journal.Add(new JournalEntry(JournalKind.Flags, account) { Number = (long)account.Flags });
        account.Flags = flags;
    }

    // ---- EIP-2929 warm sets ------------------------------------------------------------------------------

    /// <summary>Warms an address; true when it was cold (the caller charges the cold price).</summary>
    public bool WarmUpAccount(in Address address) => WarmUp(Entry(address));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool WarmUp(AccountEntry account)
    {
        if (account.IsWarm)
        {
            return false;
        }

        SetFlags(account, account.Flags | AccountFlags.Warm);
        return true;
    }

    public bool IsWarm(in Address address) =>
        _accounts.TryGetValue(address, out var account) ? account.IsWarm : IsAlwaysWarm(address);

    /// <summary>Warms a storage slot; true when it was cold.</summary>
    public bool WarmUpSlot(in Address address, in UInt256 slot) => WarmUpSlot(Entry(address), slot);

    internal bool WarmUpSlot(AccountEntry account, in UInt256 key) =>
        WarmUpSlot(account, key, ref CollectionsMarshal.GetValueRefOrAddDefault(account.StorageSlots, key, out _));

    /// <summary>Warms a slot the caller already holds (from <see cref="LoadedSlot"/>); true when it was cold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool WarmUpSlot(AccountEntry account, in UInt256 key, ref StorageSlot slot)
    {
        if (slot.Warm)
        {
            return false;
        }

        slot.Warm = true;
        _journal.Add(new JournalEntry(JournalKind.StorageWarm, account) { Key = key });
        return true;
    }

    public bool IsSlotWarm(in Address address, in UInt256 key) =>
        _accounts.TryGetValue(address, out var account) && account.Storage is { } storage
        && storage.TryGetValue(key, out var slot) && slot.Warm;

    // ---- storage -----------------------------------------------------------------------------------------

    public UInt256 GetStorage(in Address address, in UInt256 key) => LoadedSlot(Account(address), key).Current;

    /// <summary>The value at the start of the transaction.</summary>
    public UInt256 GetOriginalStorage(in Address address, in UInt256 key) => LoadedSlot(Account(address), key).Original;

    public void SetStorage(in Address address, in UInt256 key, in UInt256 value) => SetStorage(Account(address), key, value);

    /// <summary>The slot with its original and current values read (the SSTORE gas rules need both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref StorageSlot LoadedSlot(AccountEntry account, in UInt256 key)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(account.StorageSlots, key, out _);
        if (!slot.Loaded)
        {
            LoadSlot(account, key, ref slot);
        }

        return ref slot;
    }

    private void LoadSlot(AccountEntry account, in UInt256 key, ref StorageSlot slot)
    {
        // A contract created in this transaction starts with empty storage (creation over storage is refused).
        if (account.IsCreatedInTransaction)
        {
            slot.Original = UInt256.Zero;
        }
        else
        {
            slot.Original = _reader.GetStorage(account.Address, key);
            slot.ReadFromState = true;
        }

        slot.Current = slot.Original;
        slot.Loaded = true;
    }

    internal void SetStorage(AccountEntry account, in UInt256 key, in UInt256 value) =>
        SetStorage(account, key, ref LoadedSlot(account, key), value);

    /// <summary>Writes a slot the caller already holds (from <see cref="LoadedSlot"/>).</summary>
    internal void SetStorage(AccountEntry account, in UInt256 key, ref StorageSlot slot, in UInt256 value)
    {
        _journal.Add(new JournalEntry(JournalKind.Storage, account) { Key = key, Value = slot.Current });
        slot.Current = value;
        Touch(account);
    }

    // ---- transient storage (EIP-1153) --------------------------------------------------------------------

    public UInt256 GetTransient(in Address address, in UInt256 key) => GetTransient(Entry(address), key);

    internal static UInt256 GetTransient(AccountEntry account, in UInt256 key) =>
        account.Transient is { } transient && transient.TryGetValue(key, out var value) ? value : UInt256.Zero;

    public void SetTransient(in Address address, in UInt256 key, in UInt256 value) => SetTransient(Entry(address), key, value);

    internal void SetTransient(AccountEntry account, in UInt256 key, in UInt256 value)
    {
        var transient = account.Transient ??= [];
        ref var current = ref CollectionsMarshal.GetValueRefOrAddDefault(transient, key, out _);
        _journal.Add(new JournalEntry(JournalKind.Transient, account) { Key = key, Value = current });
        current = value;
    }

    // ---- refunds, logs, block hashes -----------------------------------------------------------------------

    public void AddRefund(long amount)
    {
        _journal.Add(new JournalEntry(JournalKind.Refund, null) { Number = _refund });
        _refund += amount;
    }

    public void SubtractRefund(long amount)
    {
        _journal.Add(new JournalEntry(JournalKind.Refund, null) { Number = _refund });
        _refund -= amount;
    }

    public void AddLog(LogEntry log)
    {
        ArgumentNullException.ThrowIfNull(log);
        _journal.Add(new JournalEntry(JournalKind.Log, null));
        _logs.Add(log);
    }

    /// <summary>A block hash through the reader, remembered in the read set.</summary>
    public Hash256 GetBlockHash(ulong number)
    {
        var hash = _reader.GetBlockHash(number);
        _blockHashReads.Add(new BlockHashRead(number, hash));
        return hash;
    }

    // ---- snapshots ---------------------------------------------------------------------------------------------

    /// <summary>A point to <see cref="Revert"/> to.</summary>
    public int Snapshot() => _journal.Count;

    /// <summary>Undoes every change since <paramref name="snapshot"/>, newest first.</summary>
    public void Revert(int snapshot)
    {
        var entries = CollectionsMarshal.AsSpan(_journal);
        for (var i = entries.Length - 1; i >= snapshot; i--)
        {
            Undo(ref entries[i]);
        }

        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    private void Undo(ref JournalEntry entry)
    {
        var account = entry.Account;
        switch (entry.Kind)
        {
            case JournalKind.Flags:
                var flags = (AccountFlags)entry.Number;
                if ((account!.Flags & AccountFlags.Touched) != 0 && account.Address == Ripemd160Address)
                {
                    flags |= AccountFlags.Touched;
                }

                account.Flags = flags;
                break;
            case JournalKind.Balance:
                account!.Balance = entry.Value;
                break;
            case JournalKind.Nonce:
                account!.Nonce = (ulong)entry.Number;
                break;
            case JournalKind.Code:
                account!.CodeHash = Hash256.FromUInt256(entry.Value);
                account.Code = (CodeInfo?)entry.Previous;
                account.CodeDeployed = entry.Number != 0;
                break;
            case JournalKind.Storage:
                CollectionsMarshal.GetValueRefOrNullRef(account!.Storage!, entry.Key).Current = entry.Value;
                break;
            case JournalKind.StorageWarm:
                CollectionsMarshal.GetValueRefOrNullRef(account!.Storage!, entry.Key).Warm = false;
                break;
            case JournalKind.Transient:
                account!.Transient![entry.Key] = entry.Value;
                break;
            case JournalKind.Refund:
                _refund = entry.Number;
                break;
            case JournalKind.Log:
                _logs.RemoveAt(_logs.Count - 1);
                break;
            default:
                throw new InvalidOperationException($"Unknown journal entry {entry.Kind}.");
        }
    }

    // ---- results ---------------------------------------------------------------------------------------------

    /// <summary>Every account and slot read from the reader, with the values seen.</summary>
    public TransactionReadSet BuildReadSet()
    {
        // Gathered in lists kept across transactions and copied out once at their final size: one array per
        // non-empty list instead of a list object and its regrown arrays on every transaction.
        var accounts = _accountReads;
        var storage = _storageReads;
        accounts.Clear();
        storage.Clear();
        foreach (var account in _accounts.Values)
        {
            if (account.Loaded)
            {
                // A read set reports the whole account as read: a deferred balance is read now.
                if (account.BalanceDeferred)
                {
                    _ = account.Balance;
                }

                accounts.Add(new AccountRead(account.Address, account.Original));
            }

            if (account.Storage is null)
            {
                continue;
            }

            foreach (var (key, slot) in account.Storage)
            {
                if (slot.ReadFromState)
                {
                    storage.Add(new StorageRead(account.Address, key, slot.Original));
                }
            }
        }

        return new TransactionReadSet(ToArray(accounts), ToArray(storage), ToArray(_blockHashReads));
    }

    /// <summary>
    /// The transaction's final changes: self-destructed accounts and, with <paramref name="deleteEmptyTouched"/>
    /// (EIP-161), touched accounts left empty are deleted; every other changed account and slot is written.
    /// </summary>
    public TransactionWriteSet BuildWriteSet(bool deleteEmptyTouched)
    {
        var accounts = _accountWrites;
        var storage = _storageWrites;
        accounts.Clear();
        storage.Clear();
        foreach (var account in _accounts.Values)
        {
            if ((account.Flags & AccountFlags.Touched) == 0)
            {
                continue;
            }

            var existedBefore = account.Original is not null;
            var deleted = (account.Flags & AccountFlags.SelfDestructed) != 0
                || (deleteEmptyTouched && account.Exists && account.IsEmpty);
            if (deleted || !account.Exists)
            {
                if (existedBefore && (deleted || !account.Exists))
                {
                    accounts.Add(new AccountWrite(account.Address, true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, null, true));
                }

                continue;
            }

            var created = account.IsCreatedInTransaction;
            if (account.Storage is not null)
            {
                foreach (var (key, slot) in account.Storage)
                {
                    if (slot.Loaded && slot.Current != slot.Original)
                    {
                        storage.Add(new StorageWrite(account.Address, key, slot.Current));
                    }
                }
            }

            // Storage writes alone do not write the account's fields, so that Block-STM sees no conflict
            // between them and readers of the balance or nonce.
            // Read in place: AccountInfo is large, and Nullable<T>.Value copies it on every access.
            ref readonly var original = ref Nullable.GetValueRefOrDefaultRef(in account.Original);
            var changed = !existedBefore || created
                || account.Nonce != original.Nonce
                || (!account.BalanceDeferred && account.Balance != original.Balance)
                || account.CodeHash != original.CodeHash;
            if (changed)
            {
                // A write carries the whole account, so a balance still deferred (the nonce or code changed) is read here.
                accounts.Add(new AccountWrite(
                    account.Address,
                    false,
                    account.Nonce,
                    account.Balance,
                    account.CodeHash,
                    account.CodeDeployed ? Code(account).Code : null,
                    created || !existedBefore,
                    existedBefore && original.HasStorage));
            }
        }

        return new TransactionWriteSet(ToArray(accounts), ToArray(storage));
    }

    /// <summary>The logs so far as a result's own copy (the list is reused by the next transaction).</summary>
    internal IReadOnlyList<LogEntry> CopyLogs() => ToArray(_logs);

    /// <summary>A copy that outlives the reused list; the shared empty array when there is nothing.</summary>
    private static T[] ToArray<T>(List<T> items) => items.Count == 0 ? [] : items.ToArray();

    /// <summary>The address 0x00…0n of a standard precompile.</summary>
    internal static Address PrecompileAddress(byte index)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        bytes.Clear();
        bytes[^1] = index;
        return new Address(bytes);
    }

    private struct JournalEntry
    {
        public JournalEntry(JournalKind kind, AccountEntry? account)
        {
            Kind = kind;
            Account = account;
        }

        public JournalKind Kind;
        public AccountEntry? Account;
        public UInt256 Key;
        public UInt256 Value;
        public long Number;
        public object? Previous;
    }
}

/// <summary>A world with no accounts and zero block hashes.</summary>
public sealed class EmptyStateReader : IStateReader
{
    public static EmptyStateReader Instance { get; } = new();

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        account = default;
        return false;
    }

    public byte[] GetCode(in Hash256 codeHash) => [];

    public UInt256 GetStorage(in Address address, in UInt256 slot) => UInt256.Zero;

    public Hash256 GetBlockHash(ulong number) => Hash256.Zero;
}
