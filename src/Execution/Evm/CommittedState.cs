using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The state of a block on <see cref="RunAheadBlock"/>'s two threads: what the committer has committed so far (accounts
/// and slots, in <see cref="SingleWriterTable{TKey, TValue}"/>s, over the block's starting state), which is at once the
/// committer's own state (it executes over it and applies every commit to it) and what the runner reads. The committer
/// writes it while the runner reads it, without locks, so a runner's read may be stale or even torn; what makes the
/// runner's results safe is the stamps. Before it writes a location the committer stamps it with the number of the
/// commit that writes it, and only after the whole commit does it publish that number (<see cref="EndCommit"/>). The
/// runner notes the number when a transaction starts and records every location it reads (<see cref="RunnerView"/>);
/// its result stands only if no location it read was stamped later (<see cref="ChangedSince"/>). A read that missed a
/// write, or caught it halfway, always sees a later stamp. The committer, the only writer, always reads exact values.
/// </summary>
/// <remarks>
/// <para>
/// Stamps live in one array indexed by a hash of the location, so two locations can share a stamp: a write to one then
/// makes a read of the other look changed. That only costs a re-execution, never a wrong result. The numbers run on
/// from block to block (the array is never cleared for a new block: every old stamp is below every new start). Only the
/// committer touches the array (it stamps, and checks a result's reads against it); the runner only computes the
/// indexes of what it reads. Reads go straight to the tables (a bucket, then the entries), whose buckets take a few
/// hundred kilobytes against the stamps' megabyte: a read that first looked at the location's stamp (written in this
/// block?) cost each thread a cache miss more, on lines the other thread wrote.
/// </para>
/// <para>
/// Why one state and not the committer's own overlay plus a published copy: applying each commit twice (to an overlay,
/// then to the tables) was a third of what the committer spent on a transaction it took from the runner. A storage wipe
/// (a deletion, a creation) is kept as the commit that wiped the account: a slot counts only when written at or after
/// it. The runner stops for the rest of the block when an account is deleted (<see cref="RunAheadBlock"/>), since its
/// storage reads are not checked against the account's wipe; the other wipes are of accounts that have no storage (a
/// creation succeeds only where there is none, EIP-7610; an account that starts to exist by being paid has none).
/// </para>
/// </remarks>
internal sealed class CommittedState : IStateReader
{
    private const int StampBits = 18;

    private readonly SingleWriterTable<Address, CommittedAccount> _accounts = new(4096);
    private readonly SingleWriterTable<StorageCell, CommittedSlot> _slots = new(8192);
    private readonly SingleWriterTable<Hash256, PublishedCode> _code = new(64);
    private readonly int[] _stamps = new int[1 << StampBits];

    // Each on a line of its own: the committer writes the first two for every commit, the runner the record for every read.

    /// <summary>The last commit whose writes are all published (released by the committer, acquired by the runner).</summary>
    private PaddedCounter _published;

    /// <summary>The commit being published (the committer's own).</summary>
    private PaddedCounter _writing;

    /// <summary>How many reads the runner's current transaction made (of <see cref="_reads"/>) and whether it read the coinbase.</summary>
    private RunnerRecord _record;

    private StateSnapshot _start = StateSnapshot.Empty;
    private IReadOnlyDictionary<ulong, Hash256> _blockHashes = new Dictionary<ulong, Hash256>();

    private Address _coinbase;

    /// <summary>
    /// Wipes in this block of accounts that may have had slots (every deletion; a wipe of an account that had storage
    /// before the block or may have been given slots in it): until there is one, a slot read needs no look at its account.
    /// </summary>
    private int _wipes;

    /// <summary>
    /// The accounts given slots in this block, as bits by a hash of the address (a bit shared by two accounts only makes
    /// a wipe of the other one count): a wipe of an account without its bit and without storage from before hides nothing.
    /// </summary>
    private readonly ulong[] _slotOwners = new ulong[64];

    // The runner's record of the current transaction's reads.
    private int[] _reads = new int[64];

    /// <summary>Starts a block over <paramref name="start"/>; neither thread may be using the state.</summary>
    public void Begin(StateSnapshot start, in Address coinbase, IReadOnlyDictionary<ulong, Hash256>? blockHashes = null)
    {
        _start = start;
        _coinbase = coinbase;
        _blockHashes = blockHashes ?? new Dictionary<ulong, Hash256>();
        _accounts.Reset();
        _slots.Reset();
        _code.Reset();
        _wipes = 0;
        Array.Clear(_slotOwners);
        if (_published.Value > int.MaxValue / 2)
        {
            Array.Clear(_stamps);
            _published.Value = 0;
        }
    }

    // ---- The committer's side.

    /// <summary>Begins one commit: its writes are stamped with its number.</summary>
    public void BeginCommit() => _writing.Value = _published.Value + 1;

    /// <summary>
    /// Applies a transaction's final writes within the current commit (deletions wipe storage; creations start it
    /// empty), as <see cref="BlockStateOverlay.Apply"/> does. Returns whether an account other than the coinbase was
    /// deleted (the runner must stop).
    /// </summary>
    public bool Apply(TransactionWriteSet writes)
    {
        var deleted = false;
        foreach (ref readonly var write in ListSpan.Of(writes.Accounts))
        {
            if (write.Deleted)
            {
                Delete(write.Address);
                deleted |= write.Address != _coinbase;
                continue;
            }

            // Code before the account that points at it: a runner that reads the new code hash finds the code.
            if (write.Code is { Length: > 0 } code)
            {
                _code.Set(write.CodeHash, write.CodeHash.GetHashCode(), new PublishedCode(code));
            }

            ref var account = ref AccountToWrite(write.Address, write.HadStorage);
            if (write.StorageCleared)
            {
                Wipe(ref account, write.Address);
            }

            account.Exists = true;
            account.Nonce = write.Nonce;
            account.Balance = write.Balance;
            account.CodeHash = write.CodeHash;
        }

        foreach (ref readonly var write in ListSpan.Of(writes.Storage))
        {
            var addressHash = write.Address.GetHashCode();
            var hash = StorageCell.HashOf(addressHash, write.Slot);
            _stamps[StampOf(hash)] = _writing.Value;
            _slots.Set(new StorageCell(write.Address, write.Slot), hash, new CommittedSlot(write.Value, _writing.Value));
            var owner = OwnerBit(addressHash);
            _slotOwners[owner >> 6] |= 1UL << owner;
        }

        return deleted;
    }

    /// <summary>
    /// Credits an account within the current commit (a deferred tip, a withdrawal) as <see cref="BlockStateOverlay.AddBalance"/>
    /// does: a credit of zero to an empty account deletes it (EIP-161), one to nothing creates nothing.
    /// </summary>
    public void AddBalance(in Address address, in UInt256 amount)
    {
        var exists = TryGetAccount(address, out var before);
        if (amount.IsZero)
        {
            if (exists && before.IsEmpty)
            {
                Delete(address);
            }

            return;
        }

        ref var account = ref AccountToWrite(address);
        account.Exists = true;
        account.Balance += amount;
    }

    /// <summary>Ends the commit: transactions that start from now on see all of it.</summary>
    public void EndCommit() => Volatile.Write(ref _published.Value, _writing.Value);

    /// <summary>
    /// The block's effect, as final values per account, as <see cref="BlockStateOverlay.ToChanges"/> gives it: each
    /// account written, with the slots written since its last wipe; an account whose slots alone were written, with its
    /// starting fields; an account deleted that existed before the block, as a deletion. Once the block is committed;
    /// <see cref="RunAheadBlock"/> makes the two halves on its two threads (<see cref="CollectAccounts"/>,
    /// <see cref="CollectSlots"/>, both only read the state) and joins them (<see cref="Join"/>).
    /// </summary>
    public StateChanges ToChanges() => Join(CollectAccounts(), CollectSlots());

    /// <summary>The accounts the block wrote, as changes without their slots (see <see cref="Join"/>), and the code it deployed.</summary>
    public AccountChanges CollectAccounts()
    {
        var changes = new Dictionary<Address, AccountChange>(_accounts.Count + 16);
        foreach (var (address, account) in _accounts)
        {
            if (account.Exists)
            {
                changes[address] = new AccountChange(false, account.Nonce, account.Balance, account.CodeHash, account.StorageCleared, BlockStateOverlay.NoStorage);
            }
            else if (_start.TryGetAccount(address, out AccountInfo _))
            {
                changes[address] = new AccountChange(true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, true, BlockStateOverlay.NoStorage);
            }

            // Otherwise gone, and not there before the block: no change, and its slots go with it (see Join).
        }

        var code = new Dictionary<Hash256, byte[]>(_code.Count);
        foreach (var (hash, published) in _code)
        {
            code[hash] = published.Code;
        }

        return new AccountChanges(changes, code);
    }

    /// <summary>
    /// The slots the block wrote, grouped by account into one array of pairs (a counting sort: each account's slots a run
    /// of it, <see cref="SlotRun"/>), those written before their account's last wipe left out.
    /// </summary>
    public SlotChanges CollectSlots()
    {
        var owners = new Dictionary<Address, int>();
        var runs = new List<(int Start, int Count)>();
        var total = _slots.Count;
        var ownerOf = ArrayPool<int>.Shared.Rent(total);
        var pairs = ArrayPool<KeyValuePair<UInt256, UInt256>>.Shared.Rent(total);
        var found = 0;
        var owner = -1;
        var ownerAddress = default(Address);
        var wipedAt = 0;
        foreach (var (cell, slot) in _slots)
        {
            if (owner < 0 || cell.Address != ownerAddress)
            {
                ownerAddress = cell.Address;
                ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(owners, ownerAddress, out var seen);
                if (!seen)
                {
                    known = runs.Count;
                    runs.Add((0, 0));
                }

                owner = known;
                wipedAt = _wipes == 0 ? 0 : WipedAt(ownerAddress);
            }

            // Written before the account's last wipe: gone with it.
            if (slot.WrittenAt >= wipedAt)
            {
                ownerOf[found] = owner;
                pairs[found++] = new KeyValuePair<UInt256, UInt256>(cell.Slot, slot.Value);
                CollectionsMarshal.AsSpan(runs)[owner].Count++;
            }
        }

        var runSpan = CollectionsMarshal.AsSpan(runs);
        var placed = ArrayPool<int>.Shared.Rent(runs.Count);
        var next = 0;
        for (var index = 0; index < runSpan.Length; index++)
        {
            runSpan[index].Start = next;
            placed[index] = next;
            next += runSpan[index].Count;
        }

        var sorted = new KeyValuePair<UInt256, UInt256>[found];
        for (var index = 0; index < found; index++)
        {
            sorted[placed[ownerOf[index]]++] = pairs[index];
        }

        ArrayPool<int>.Shared.Return(placed);
        ArrayPool<int>.Shared.Return(ownerOf);
        ArrayPool<KeyValuePair<UInt256, UInt256>>.Shared.Return(pairs);

        // An account the block wrote gets its slots in the join; one whose slots alone it wrote (a contract's storage)
        // becomes a change here, with its fields as the block found them (the look-ups off the committer's path).
        var ofWritten = new Dictionary<Address, SlotRun>();
        var slotsOnly = new List<KeyValuePair<Address, AccountChange>>();
        foreach (var (address, index) in owners)
        {
            var run = runSpan[index];
            if (run.Count == 0)
            {
                continue;
            }

            var written = new SlotRun(sorted, run.Start, run.Count);
            var addressHash = address.GetHashCode();
            if (_accounts.TryGetValue(address, addressHash, out _))
            {
                ofWritten[address] = written;
            }
            else if (_start.TryGetAccount(address, out AccountInfo before))
            {
                slotsOnly.Add(new(address, new AccountChange(false, before.Nonce, before.Balance, before.CodeHash, false, written)));
            }
        }

        return new SlotChanges(ofWritten, slotsOnly);
    }

    /// <summary>
    /// The block's changes from its two halves: each written account with its slots; an account whose slots alone were
    /// written, with its fields as the block found them (none if it did not exist); a deleted account without them.
    /// </summary>
    public static StateChanges Join(AccountChanges accounts, SlotChanges slots)
    {
        var changes = accounts.Changes;
        foreach (var (address, written) in slots.OfWrittenAccounts)
        {
            // Not there: the account is gone and never was, and its slots with it. Deleted: its slots went with it.
            if (changes.TryGetValue(address, out var change) && !change.Deleted)
            {
                changes[address] = change with { Storage = written };
            }
        }

        foreach (var (address, change) in slots.SlotsOnly)
        {
            changes[address] = change;
        }

        return new StateChanges(changes, accounts.Code);
    }

    /// <summary>
    /// The account's entry, stamped for the current commit, added with its starting fields when the block has not
    /// written it yet. Good until the next account is added.
    /// </summary>
    /// <param name="address">The account.</param>
    /// <param name="hadStorage">
    /// Whether it had storage when the writing transaction began (<see cref="AccountWrite.HadStorage"/>), when the
    /// write says, and the caller overwrites every field: then a new entry needs nothing from the starting state.
    /// </param>
    private ref CommittedAccount AccountToWrite(in Address address, bool? hadStorage = null)
    {
        var hash = address.GetHashCode();
        _stamps[StampOf(hash)] = _writing.Value;
        ref var account = ref _accounts.GetOrAdd(address, hash, out var added);
        if (added && hadStorage is { } known)
        {
            account = new CommittedAccount { CodeHash = AccountInfo.EmptyCodeHash, HasStorage = known };
        }
        else if (added)
        {
            account = _start.TryGetAccount(address, out AccountInfo before)
                ? new CommittedAccount { Exists = true, Nonce = before.Nonce, Balance = before.Balance, CodeHash = before.CodeHash, HasStorage = before.HasStorage }
                : new CommittedAccount { CodeHash = AccountInfo.EmptyCodeHash };
        }

        return ref account;
    }

    private void Delete(in Address address)
    {
        ref var account = ref AccountToWrite(address);
        Wipe(ref account, address);
        account.Exists = false;
        account.Nonce = 0;
        account.Balance = UInt256.Zero;
        account.CodeHash = AccountInfo.EmptyCodeHash;
        _wipes++;
    }

    /// <summary>Wipes an account's storage as of the current commit (its slots written earlier stop counting).</summary>
    private void Wipe(ref CommittedAccount account, in Address address)
    {
        var owner = OwnerBit(address.GetHashCode());
        if (account.HasStorage || (_slotOwners[owner >> 6] & (1UL << owner)) != 0)
        {
            // It may have slots (from before the block, or written in it): slot reads must look at the wipe from now on.
            _wipes++;
        }

        account.StorageCleared = true;
        account.HasStorage = false;
        account.WipedAt = _writing.Value;
    }

    private static int OwnerBit(int addressHash) => (int)(((uint)addressHash * 0x9E3779B1u) >> 20);

    /// <summary>The commit that last wiped the account's storage in this block, or 0.</summary>
    private int WipedAt(in Address address)
    {
        var hash = address.GetHashCode();
        return _accounts.TryGetValue(address, hash, out var account) ? account.WipedAt : 0;
    }

    /// <summary>Whether any of <paramref name="reads"/> was published after commit <paramref name="start"/> (the committer's check).</summary>
    public bool ChangedSince(ReadOnlySpan<int> reads, int start)
    {
        foreach (var stamp in reads)
        {
            if (_stamps[stamp] > start)
            {
                return true;
            }
        }

        return false;
    }

    // ---- The runner's side.

    /// <summary>Starts recording a transaction's reads; returns the commit it starts from.</summary>
    public int StartTransaction()
    {
        _record.Count = 0;
        _record.TouchedCoinbase = false;
        return Volatile.Read(ref _published.Value);
    }

    /// <summary>The current transaction's reads (stamp indexes).</summary>
    public ReadOnlySpan<int> Reads => _reads.AsSpan(0, _record.Count);

    /// <summary>
    /// Whether the current transaction read the coinbase: the committer credits it after every transaction, out of
    /// sight of the runner's own writes, so such a transaction is left to the committer.
    /// </summary>
    public bool TouchedCoinbase => _record.TouchedCoinbase;

    public bool TryGetAccount(in Address address, out AccountInfo account) => TryGetAccount(address, address.GetHashCode(), out account);

    public UInt256 GetStorage(in Address address, in UInt256 slot)
    {
        var cell = new StorageCell(address, slot);
        return GetStorage(cell, cell.GetHashCode());
    }

    private bool TryGetAccount(in Address address, int hash, out AccountInfo account)
    {
        if (_accounts.TryGetValue(address, hash, out var written))
        {
            account = new AccountInfo(written.Nonce, written.Balance, written.CodeHash, written.HasStorage);
            return written.Exists;
        }

        return _start.TryGetAccount(address, out account);
    }

    private UInt256 GetStorage(in StorageCell cell, int hash)
    {
        if (_slots.TryGetValue(cell, hash, out var written))
        {
            return _wipes == 0 || written.WrittenAt >= WipedAt(cell.Address) ? written.Value : UInt256.Zero;
        }

        return _wipes != 0 && WipedAt(cell.Address) > 0 ? UInt256.Zero : _start.GetStorage(cell.Address, cell.Slot);
    }

    /// <summary>Code by hash: what the block's commits deployed, or the starting state's.</summary>
    public byte[] GetCode(in Hash256 codeHash) =>
        _code.TryGetValue(codeHash, codeHash.GetHashCode(), out var published) ? published.Code : _start.GetCode(codeHash);

    public Hash256 GetBlockHash(ulong number) => _blockHashes.TryGetValue(number, out var hash) ? hash : Hash256.Zero;

    /// <summary>The runner's read of an account, recorded (its hash made once for both).</summary>
    private bool TryGetAccountRecorded(in Address address, out AccountInfo account)
    {
        var hash = address.GetHashCode();
        Record(hash);
        _record.TouchedCoinbase |= address == _coinbase;
        return TryGetAccount(address, hash, out account);
    }

    /// <summary>The runner's read of a slot, recorded.</summary>
    private UInt256 GetStorageRecorded(in Address address, in UInt256 slot)
    {
        var cell = new StorageCell(address, slot);
        var hash = cell.GetHashCode();
        Record(hash);
        _record.TouchedCoinbase |= address == _coinbase;
        return GetStorage(cell, hash);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StampOf(int hash) => (int)(((uint)hash * 0x9E3779B1u) >> (32 - StampBits));

    private void Record(int hash)
    {
        if (_record.Count == _reads.Length)
        {
            Array.Resize(ref _reads, _reads.Length * 2);
        }

        _reads[_record.Count++] = StampOf(hash);
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct RunnerRecord
    {
        [FieldOffset(64)]
        public int Count;

        [FieldOffset(68)]
        public bool TouchedCoinbase;
    }

    /// <summary>
    /// What the runner's EVM reads through: the committed state itself, with every read recorded. The runner keeps no
    /// writes of its own between transactions: a transaction that would read an earlier one's writes before they are
    /// committed reads the committed values instead, and the commit of those writes, stamped after it started, rejects
    /// it at the committer's check, as it would have rejected it anyway had it read them (see <see cref="RunAheadBlock"/>).
    /// </summary>
    public sealed class RunnerView(CommittedState committed) : IStateReader
    {
        public bool TryGetAccount(in Address address, out AccountInfo account) => committed.TryGetAccountRecorded(address, out account);

        public UInt256 GetStorage(in Address address, in UInt256 slot) => committed.GetStorageRecorded(address, slot);

        public byte[] GetCode(in Hash256 codeHash) => committed.GetCode(codeHash);

        public Hash256 GetBlockHash(ulong number) => committed.GetBlockHash(number);
    }

    /// <summary>The accounts half of the block's changes (<see cref="CollectAccounts"/>): the accounts' changes without their slots, and the code.</summary>
    public sealed record AccountChanges(Dictionary<Address, AccountChange> Changes, Dictionary<Hash256, byte[]> Code);

    /// <summary>
    /// The slots half of the block's changes (<see cref="CollectSlots"/>): the slots of accounts the block wrote, and the
    /// changes of accounts whose slots alone it wrote.
    /// </summary>
    public sealed record SlotChanges(Dictionary<Address, SlotRun> OfWrittenAccounts, List<KeyValuePair<Address, AccountChange>> SlotsOnly);

    /// <summary>An account as the block's commits left it (fields, existence, storage wipes).</summary>
    private struct CommittedAccount
    {
        public UInt256 Balance;
        public Hash256 CodeHash;
        public ulong Nonce;

        /// <summary>The commit that last wiped its storage in this block, or 0: only slots written since count.</summary>
        public int WipedAt;
        public bool Exists;

        /// <summary>It had storage before the block and no commit wiped it (what EIP-7610 asks).</summary>
        public bool HasStorage;

        /// <summary>Some commit of the block wiped its storage (a deletion, a creation, a first credit).</summary>
        public bool StorageCleared;
    }

    /// <summary>A slot's value and the commit that wrote it.</summary>
    private readonly record struct CommittedSlot(UInt256 Value, int WrittenAt);

    /// <summary>Deployed code (a reference: written and read whole).</summary>
    private readonly record struct PublishedCode(byte[] Code);

    private readonly record struct StorageCell(Address Address, UInt256 Slot)
    {
        public bool Equals(StorageCell other) => Slot.Equals(other.Slot) && Address.Equals(other.Address);

        public override int GetHashCode() => HashOf(Address.GetHashCode(), Slot);

        /// <summary>The cell's hash from its address's, for a caller that has that already.</summary>
        public static int HashOf(int addressHash, in UInt256 slot) => HashCode.Combine(addressHash, slot.GetHashCode());
    }
}
