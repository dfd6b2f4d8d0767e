using System.Runtime.InteropServices;
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
    /// <summary>The slots of an account the block wrote none of.</summary>
    internal static readonly IReadOnlyDictionary<UInt256, UInt256> NoStorage = new Dictionary<UInt256, UInt256>();

    /// <summary>What the block started from.</summary>
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
        foreach (ref readonly var write in ListSpan.Of(writes.Accounts))
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

        foreach (ref readonly var write in ListSpan.Of(writes.Storage))
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

    /// <summary>The part of <paramref name="parts"/> that holds an account in a block's partitioned changes.</summary>
    internal static int PartOf(in Address address, int parts) => PartitionedDictionary<Address, AccountChange>.PartOf(address, parts);

    /// <summary>Whether the overlay has changed the account already (before the block's transactions: the system call).</summary>
    internal bool HasChanged(in Address address) => _entries.ContainsKey(address);

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

    /// <summary>
    /// A part of Block-STM's final values as account changes, built beside the overlay rather than in it: each engine
    /// worker builds one part at once (an account's fields and balance in one part, its slots in any, see
    /// <see cref="EvmTransactionExecutor.PartitionHash(EvmLocation)"/>), while the overlay is only read, and
    /// <see cref="MergeFinalChanges"/> then links the parts' entries in and joins each account's slots. An account the
    /// overlay already has (the block's system call wrote it) is changed in place: its part is the only one that
    /// touches its fields.
    /// </summary>
    internal FinalChanges CreateFinalChanges(int capacity) => new(this, capacity);

    /// <summary>
    /// Takes in the parts built from the block's final values: the accounts first (each in one part), then the slots
    /// (an account's slots may come from several parts), each kept only if written in the account's final storage
    /// generation. The parts are not used afterwards (their slot maps are taken over, not copied).
    /// </summary>
    internal void MergeFinalChanges(IReadOnlyList<FinalChanges> parts)
    {
        var added = 0;
        Dictionary<Address, int>? generations = null;
        foreach (var part in parts)
        {
            added += part.Entries.Count;
            if (part.Generations is { } moved)
            {
                foreach (var (address, generation) in moved)
                {
                    (generations ??= [])[address] = generation;
                }
            }
        }

        _entries.EnsureCapacity(_entries.Count + added);
        foreach (var part in parts)
        {
            foreach (var (address, entry) in part.Entries)
            {
                _entries[address] = entry;
            }

            TakeCode(part);
        }

        foreach (var part in parts)
        {
            foreach (var (address, writes) in part.Storage)
            {
                var entry = EntryOf(address);
                var generation = generations is null ? 0 : generations.GetValueOrDefault(address);
                if (generation == 0)
                {
                    TakeSlots(entry, writes);
                    continue;
                }

                // The account's storage was wiped in the block (its part cleared the entry): only slots written since count.
                foreach (var (slot, value, writtenIn) in writes.LaterGenerations ?? [])
                {
                    if (writtenIn == generation)
                    {
                        (entry.Storage ??= [])[slot] = value;
                        entry.HasNonZeroWrite |= !value.IsZero;
                    }
                }
            }
        }
    }

    /// <summary>An entry as it stands, the overlay's or a new one from the snapshot, without keeping a new one.</summary>
    private Entry PeekEntry(in Address address) => _entries.TryGetValue(address, out var entry) ? entry : NewEntry(address);

    /// <summary>Adds the code a part's accounts end up with.</summary>
    private void TakeCode(FinalChanges part)
    {
        foreach (var (hash, bytes) in part.Code ?? [])
        {
            _code[hash] = bytes;
        }
    }

    /// <summary>An entry's change: its final fields and slots, a deletion for an account that existed before and is gone, or none.</summary>
    private static AccountChange? ChangeOf(Entry entry, IReadOnlyDictionary<UInt256, UInt256>? storage)
    {
        if (!entry.Exists)
        {
            return entry.ExistedInBase
                ? new AccountChange(true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, true, NoStorage)
                : null;
        }

        return new AccountChange(false, entry.Nonce, entry.Balance, entry.CodeHash, entry.StorageCleared, storage ?? NoStorage);
    }

    /// <summary>Adds one part's slots of generation 0 to an entry: the map itself when the entry has none yet.</summary>
    private static void TakeSlots(Entry entry, SlotWrites writes)
    {
        if (writes.Slots.Count == 0)
        {
            return;
        }

        entry.HasNonZeroWrite |= writes.AnyNonZero;
        if (entry.Storage is null || entry.Storage.Count == 0)
        {
            entry.Storage = writes.Slots;
            return;
        }

        foreach (var (slot, value) in writes.Slots)
        {
            entry.Storage[slot] = value;
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
            if (ChangeOf(entry, entry.Storage) is { } change)
            {
                accounts[address] = change;
            }
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
            entry = NewEntry(address);
            _entries[address] = entry;
        }

        return entry;
    }

    /// <summary>An entry for an account the overlay has not changed yet: the snapshot's account, or none.</summary>
    private Entry NewEntry(in Address address) => _base.TryGetAccount(address, out AccountInfo before)
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

    /// <summary>
    /// The block's changes straight from the parts built from Block-STM's final values, without joining them into the
    /// overlay first: an account's fields are in one part (by address), so each part's accounts become that part of the
    /// changes, and an account whose slots lie in several parts (by slot) gets a view over those parts' slot maps, not a
    /// copy. The overlay's own accounts (the system call's) that no part touched join their parts. Not for a block with
    /// withdrawals (they credit accounts as the transactions leave them), nor when a part cannot be taken as it is
    /// (<see cref="CanTake"/>): the caller then merges (<see cref="MergeFinalChanges"/>) and collects
    /// (<see cref="ToChanges"/>). The parts and the overlay are not used afterwards.
    /// </summary>
    /// <remarks>
    /// In pieces that run at once (the end of a Block-STM block, on the engine's workers, <see cref="BlockFinish"/>):
    /// <see cref="CanTake"/> for each part, then, once all can be taken, <see cref="Convert"/> for each part of the
    /// changes, then <see cref="Finish"/>. The overlay is only read meanwhile (an entry looked up for an account with
    /// slots is not kept), and each entry is touched by the part that holds its address alone.
    /// </remarks>
    internal sealed class FinalPartsConversion
    {
        private readonly BlockStateOverlay _overlay;
        private readonly IReadOnlyList<FinalChanges> _parts;
        private readonly Func<Address, UInt256, int> _slotPartitionHash;
        private readonly Dictionary<Address, AccountChange>[] _accounts;
        private readonly HashSet<Address>[] _slotted;

        // Per part, its accounts with slots sorted by the part of the changes that holds them (their home): home h's are
        // _slottedByHome[part][_homeStarts[part][h].._homeStarts[part][h + 1]]. Without them every home scanned every
        // part's accounts, the parts' count times the work (and a closure each) when all the workers convert at once.
        private readonly Address[][] _slottedByHome;
        private readonly int[][] _homeStarts;

        // What a part that wrote none of an account's slots contributes to the view over its slot maps; never written.
        private static readonly Dictionary<UInt256, UInt256> NoSlots = [];

        public FinalPartsConversion(BlockStateOverlay overlay, IReadOnlyList<FinalChanges> parts, Func<Address, UInt256, int> slotPartitionHash)
        {
            _overlay = overlay;
            _parts = parts;
            _slotPartitionHash = slotPartitionHash;
            _accounts = new Dictionary<Address, AccountChange>[parts.Count];
            _slotted = new HashSet<Address>[parts.Count];
            _slottedByHome = new Address[parts.Count][];
            _homeStarts = new int[parts.Count][];
        }

        public int Parts => _parts.Count;

        /// <summary>
        /// Whether the part's values can become changes as they are: false when an account's storage was wiped in the block
        /// (its slots are picked by generation) or an account the system call gave slots gets slots from the part. A part
        /// that can has its accounts with slots sorted by home for <see cref="Convert"/>.
        /// </summary>
        public bool CanTake(int part)
        {
            var values = _parts[part];
            if (values.Generations is not null)
            {
                return false;
            }

            foreach (var (address, writes) in values.Storage)
            {
                if (writes.LaterGenerations is not null
                    || (writes.Slots.Count > 0 && _overlay._entries.TryGetValue(address, out var known) && known.Storage is { Count: > 0 }))
                {
                    return false;
                }
            }

            SortByHome(part);
            return true;
        }

        /// <summary>The part's accounts with slots, sorted by their home (a counting sort: two passes over them).</summary>
        private void SortByHome(int part)
        {
            var storage = _parts[part].Storage;
            var homes = _parts.Count;
            var starts = new int[homes + 1];
            foreach (var (address, _) in storage)
            {
                starts[PartOf(address, homes) + 1]++;
            }

            for (var home = 0; home < homes; home++)
            {
                starts[home + 1] += starts[home];
            }

            var sorted = new Address[storage.Count];
            var next = starts[..homes]; // a copy: each home's next free place
            foreach (var (address, _) in storage)
            {
                sorted[next[PartOf(address, homes)]++] = address;
            }

            _slottedByHome[part] = sorted;
            _homeStarts[part] = starts;
        }

        /// <summary>
        /// Part <paramref name="home"/> of the changes: the accounts with slots whose address falls in it (their slot maps,
        /// one part's or a view over several, and an entry even where no field changed: the part then has none, it comes
        /// from the overlay or the snapshot), then the part's other accounts.
        /// </summary>
        public void Convert(int home)
        {
            var parts = _parts;
            var accounts = new Dictionary<Address, AccountChange>(parts[home].Entries.Count + 16);
            var slotted = new HashSet<Address>();
            for (var part = 0; part < parts.Count; part++)
            {
                var starts = _homeStarts[part];
                foreach (var address in _slottedByHome[part].AsSpan(starts[home], starts[home + 1] - starts[home]))
                {
                    if (!slotted.Add(address))
                    {
                        continue;
                    }

                    // The parts that wrote the account's slots, in one pass: the first one's map as it is, and a view over
                    // all the parts' maps (made at the second) when there are more.
                    var entry = parts[home].Entries.TryGetValue(address, out var owned) ? owned : _overlay.PeekEntry(address);
                    Dictionary<UInt256, UInt256>? firstMap = null;
                    Dictionary<UInt256, UInt256>[]? slotMaps = null;
                    var firstHolder = -1;
                    for (var holder = 0; holder < parts.Count; holder++)
                    {
                        if (!parts[holder].Storage.TryGetValue(address, out var writes) || writes.Slots.Count == 0)
                        {
                            continue;
                        }

                        entry.HasNonZeroWrite |= writes.AnyNonZero;
                        if (firstMap is null)
                        {
                            (firstMap, firstHolder) = (writes.Slots, holder);
                            continue;
                        }

                        if (slotMaps is null)
                        {
                            slotMaps = new Dictionary<UInt256, UInt256>[parts.Count];
                            Array.Fill(slotMaps, NoSlots);
                            slotMaps[firstHolder] = firstMap;
                        }

                        slotMaps[holder] = writes.Slots;
                    }

                    IReadOnlyDictionary<UInt256, UInt256>? storage = slotMaps is not null
                        ? SlotsAcrossParts(address, slotMaps)
                        : firstMap ?? entry.Storage;

                    if (ChangeOf(entry, storage) is { } change)
                    {
                        accounts[address] = change;
                    }
                }
            }

            foreach (var (address, entry) in parts[home].Entries)
            {
                if (!slotted.Contains(address) && ChangeOf(entry, entry.Storage) is { } change)
                {
                    accounts[address] = change;
                }
            }

            _slotted[home] = slotted;
            _accounts[home] = accounts;
        }

        /// <summary>A view over the slot maps of an account whose slots several parts wrote (each part holds its slots by the slot's hash).</summary>
        private PartitionedDictionary<UInt256, UInt256> SlotsAcrossParts(Address owner, Dictionary<UInt256, UInt256>[] slotMaps)
        {
            var slotPartitionHash = _slotPartitionHash;
            return new PartitionedDictionary<UInt256, UInt256>(slotMaps, slot => slotPartitionHash(owner, slot));
        }

        /// <summary>
        /// The block's changes once every part is converted: with the parts' code, and what the overlay changed before the
        /// transactions that no part took over (an entry a part touched is its).
        /// </summary>
        public StateChanges Finish()
        {
            var parts = _parts;
            foreach (var part in parts)
            {
                _overlay.TakeCode(part);
            }

            foreach (var (address, entry) in _overlay._entries)
            {
                var home = PartOf(address, parts.Count);
                if (!_slotted[home].Contains(address) && !parts[home].Entries.ContainsKey(address) && ChangeOf(entry, entry.Storage) is { } change)
                {
                    _accounts[home][address] = change;
                }
            }

            return new StateChanges(new PartitionedDictionary<Address, AccountChange>(_accounts), _overlay._code);
        }
    }

    /// <summary>One part of the block's final values as account changes (see <see cref="CreateFinalChanges"/>). Single-threaded.</summary>
    internal sealed class FinalChanges
    {
        private readonly BlockStateOverlay _overlay;

        public FinalChanges(BlockStateOverlay overlay, int capacity)
        {
            _overlay = overlay;
            Entries = new Dictionary<Address, Entry>(capacity);
        }

        internal Dictionary<Address, Entry> Entries { get; }

        /// <summary>Code deployed in the block that accounts of this part end up with; null when none.</summary>
        internal Dictionary<Hash256, byte[]>? Code { get; private set; }

        /// <summary>
        /// Sets an account's fields from the final value of its account location: the existence flag as is (an account
        /// that exists only through its balance is settled by <see cref="SettleExistence"/>), and a wipe of its storage
        /// when its storage generation moved.
        /// </summary>
        /// <param name="address">The account.</param>
        /// <param name="account">Its fields' final value.</param>
        /// <param name="baseKnown">Whether <paramref name="before"/> holds the account's fields before the block (its location's kept pre-state).</param>
        /// <param name="before">Those fields, when known: the entry takes what the block did not change from them instead of the snapshot.</param>
        public void SetAccount(in Address address, in AccountState account, bool baseKnown, in AccountState before)
        {
            var entry = EntryOf(address);
            if (entry.PendingBase != PendingBase.None && baseKnown)
            {
                TakeAccountBase(entry, before);
            }

            entry.AccountWritten = true;
            if (account.StorageGeneration > 0)
            {
                ClearStorage(entry);
            }

            entry.Exists = account.Exists;
            entry.Nonce = account.Nonce;
            entry.CodeHash = account.CodeHash;
        }

        /// <summary>Sets an account's balance from the final value of its balance location.</summary>
        public void SetBalance(in Address address, in UInt256 balance)
        {
            var entry = EntryOf(address);
            entry.Balance = balance;
            entry.PendingBase &= ~PendingBase.Balance;
        }

        /// <summary>An account's storage generation moved in the block (its storage was wiped): only its slots of that generation count.</summary>
        internal Dictionary<Address, int>? Generations { get; private set; }

        /// <summary>The slots this part wrote, by account; an account's slots may be spread over several parts.</summary>
        internal Dictionary<Address, SlotWrites> Storage { get; } = [];

        /// <summary>
        /// A slot's final value and the storage generation it was written in: which generation counts is known once every
        /// part's account fields are in, so the merge picks (nearly always generation 0, kept apart from the rest).
        /// </summary>
        public void AddStorage(in Address address, in UInt256 slot, in UInt256 value, int generation)
        {
            ref var writes = ref CollectionsMarshal.GetValueRefOrAddDefault(Storage, address, out _);
            writes ??= new SlotWrites();
            if (generation == 0)
            {
                writes.Slots[slot] = value;
                writes.AnyNonZero |= !value.IsZero;
            }
            else
            {
                (writes.LaterGenerations ??= []).Add((slot, value, generation));
            }
        }

        /// <summary>Notes an account whose final storage generation is above the pre-state's 0.</summary>
        public void SetGeneration(in Address address, int generation) => (Generations ??= [])[address] = generation;

        /// <summary>Whether the state (or this part) already holds code for the hash.</summary>
        public bool HasCode(in Hash256 codeHash) => Code?.ContainsKey(codeHash) == true || _overlay.GetCode(codeHash).Length > 0;

        public void AddCode(in Hash256 codeHash, byte[] code)
        {
            if (code.Length > 0)
            {
                (Code ??= [])[codeHash] = code;
            }
        }

        /// <summary>
        /// Once every final value is in: what an entry still lacks of the account before the block (the fields or the balance
        /// the block did not write, and what the account had) comes from the snapshot, and an account not flagged as
        /// existing exists exactly when its balance is not zero.
        /// </summary>
        public void SettleExistence()
        {
            foreach (var (address, entry) in Entries)
            {
                if (entry.PendingBase != PendingBase.None)
                {
                    TakeSnapshotBase(address, entry);
                }

                if (!entry.Exists && !entry.Balance.IsZero)
                {
                    entry.Exists = true;
                }
            }
        }

        private Entry EntryOf(in Address address)
        {
            if (!Entries.TryGetValue(address, out var entry))
            {
                // The overlay is only read while parts are built; an entry it has belongs to this part's account alone.
                // Otherwise the account's state before the block is filled in later: from its account location's kept
                // pre-state when that is visited (SetAccount), from the snapshot for whatever is still missing once the
                // part is done (SettleExistence). Looking every account up in the snapshot here, as it was, cost a
                // persistent map's walk (cache misses) for values the engine already held.
                if (!_overlay._entries.TryGetValue(address, out entry))
                {
                    entry = new Entry { PendingBase = PendingBase.Account | PendingBase.Balance };
                }

                Entries.Add(address, entry);
            }

            return entry;
        }

        /// <summary>Fills the account's fields before the block into an entry made without them (what the block wrote stays).</summary>
        private static void TakeAccountBase(Entry entry, in AccountState before)
        {
            entry.ExistedInBase = before.Exists;
            entry.HasStorageInBase = before.Exists && before.HasStorage;
            if (!entry.AccountWritten)
            {
                // An absent account is AccountState.Absent: nonce 0, no code.
                entry.Exists = before.Exists;
                entry.Nonce = before.Nonce;
                entry.CodeHash = before.CodeHash;
            }

            entry.PendingBase &= ~PendingBase.Account;
        }

        /// <summary>Fills what an entry still lacks of the account before the block from the snapshot (as <see cref="NewEntry"/> reads it).</summary>
        private void TakeSnapshotBase(in Address address, Entry entry)
        {
            var existed = _overlay._base.TryGetAccount(address, out AccountInfo before);
            if ((entry.PendingBase & PendingBase.Account) != 0)
            {
                TakeAccountBase(entry, AccountState.Before(existed, before));
            }

            // Still pending only when the block did not write the balance (SetBalance clears it).
            if ((entry.PendingBase & PendingBase.Balance) != 0)
            {
                entry.Balance = existed ? before.Balance : UInt256.Zero;
            }

            entry.PendingBase = PendingBase.None;
        }
    }

    /// <summary>The slots one part of the final values wrote for one account.</summary>
    internal sealed class SlotWrites
    {
        public Dictionary<UInt256, UInt256> Slots { get; } = [];

        public bool AnyNonZero { get; set; }

        /// <summary>Slots written after a wipe in the block, with their generation; null when none (nearly always).</summary>
        public List<(UInt256 Slot, UInt256 Value, int Generation)>? LaterGenerations { get; set; }
    }

    /// <summary>What an entry made from Block-STM's final values still lacks of the account before the block.</summary>
    [Flags]
    internal enum PendingBase : byte
    {
        None = 0,

        /// <summary>Whether it existed and had storage, and the fields the block did not write.</summary>
        Account = 1,

        /// <summary>The balance, unless the block wrote it.</summary>
        Balance = 2,
    }

    internal sealed class Entry
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

        /// <summary>Only while final values are taken into a part (<see cref="FinalChanges"/>): what is not filled in yet, and whether the block wrote the account's fields.</summary>
        public PendingBase PendingBase;
        public bool AccountWritten;

        public bool HasStorage => HasStorageInBase || HasNonZeroWrite;
    }
}
