using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The state that <see cref="RunAheadBlock"/>'s committer has committed so far, published for its runner: what the
/// committed transactions wrote (accounts and slots, in <see cref="SingleWriterTable{TKey, TValue}"/>s) over the
/// block's starting state. The committer writes it while the runner reads it, without locks, so a read may be stale or
/// even torn; what makes the runner's results safe is the stamps. Before it publishes a location the committer stamps
/// it with the number of the commit that writes it, and only after the whole commit does it publish that number
/// (<see cref="EndCommit"/>). The runner notes the number when a transaction starts and records every location it reads
/// (<see cref="RunnerView"/>); its result stands only if no location it read was stamped later (<see cref="ChangedSince"/>).
/// A read that missed a write, or caught it halfway, always sees a later stamp.
/// </summary>
/// <remarks>
/// Stamps live in one array indexed by a hash of the location, so two locations can share a stamp: a write to one then
/// makes a read of the other look changed. That only costs a re-execution, never a wrong result. The numbers run on
/// from block to block (the array is never cleared for a new block: every old stamp is below every new start).
/// Nothing is ever deleted here: a commit that deletes an account stops the runner for the rest of the block instead
/// (<see cref="RunAheadBlock"/>), so what is published is always the committed value. (A committed creation also marks
/// the new account's storage cleared, but a creation only succeeds where there is no storage, so there is nothing to
/// clear.)
/// </remarks>
internal sealed class CommittedState : IStateReader
{
    private const int StampBits = 18;

    private readonly SingleWriterTable<Address, AccountInfo> _accounts = new(4096);
    private readonly SingleWriterTable<StorageCell, UInt256> _slots = new(8192);
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

    /// <summary>The last commit before this block: a location whose stamp is not above it was published in no commit of this block.</summary>
    private int _blockStart;
    private Address _coinbase;

    // The runner's record of the current transaction's reads.
    private int[] _reads = new int[64];

    /// <summary>Starts a block over <paramref name="start"/>; neither thread may be using the state.</summary>
    public void Begin(StateSnapshot start, in Address coinbase)
    {
        _start = start;
        _coinbase = coinbase;
        _accounts.Reset();
        _slots.Reset();
        _code.Reset();
        if (_published.Value > int.MaxValue / 2)
        {
            Array.Clear(_stamps);
            _published.Value = 0;
        }

        _blockStart = _published.Value;
    }

    // ---- The committer's side.

    /// <summary>Begins publishing one commit's writes.</summary>
    public void BeginCommit() => _writing.Value = _published.Value + 1;

    /// <summary>Publishes an account a commit wrote; it exists (a commit that deletes one stops the runner instead).</summary>
    public void PublishAccount(in Address address, in AccountInfo account)
    {
        var hash = address.GetHashCode();
        _stamps[StampOf(hash)] = _writing.Value;
        _accounts.Set(address, hash, account);
    }

    /// <summary>
    /// Publishes code a commit deployed, before the account that points at it: a runner that reads the account's new
    /// code hash finds the code (and a read of the account that raced the commit fails its check anyway).
    /// </summary>
    public void PublishCode(in Hash256 codeHash, byte[] code) => _code.Set(codeHash, codeHash.GetHashCode(), new PublishedCode(code));

    public void PublishSlot(in Address address, in UInt256 slot, in UInt256 value)
    {
        var cell = new StorageCell(address, slot);
        var hash = cell.GetHashCode();
        _stamps[StampOf(hash)] = _writing.Value;
        _slots.Set(cell, hash, value);
    }

    /// <summary>Ends the commit: transactions that start from now on see all of it.</summary>
    public void EndCommit() => Volatile.Write(ref _published.Value, _writing.Value);

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

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        var hash = address.GetHashCode();
        if (_stamps[StampOf(hash)] > _blockStart && _accounts.TryGetValue(address, hash, out account))
        {
            return true;
        }

        return _start.TryGetAccount(address, out account);
    }

    public UInt256 GetStorage(in Address address, in UInt256 slot)
    {
        var cell = new StorageCell(address, slot);
        var hash = cell.GetHashCode();
        return _stamps[StampOf(hash)] > _blockStart && _slots.TryGetValue(cell, hash, out var value) ? value : _start.GetStorage(address, slot);
    }

    /// <summary>Code by hash: what the block's commits deployed, or the starting state's.</summary>
    public byte[] GetCode(in Hash256 codeHash) =>
        _code.TryGetValue(codeHash, codeHash.GetHashCode(), out var published) ? published.Code : _start.GetCode(codeHash);

    /// <summary>The runner's overlay answers block hashes itself.</summary>
    public Hash256 GetBlockHash(ulong number) => Hash256.Zero;

    /// <summary>
    /// Adds the stamps of what <paramref name="writes"/> wrote to <paramref name="stamps"/>, and those of the accounts in
    /// <paramref name="newEntries"/> (<see cref="NewEntries"/>): what a run's overlay holds because of one transaction.
    /// </summary>
    public static void AddWriteStamps(TransactionWriteSet writes, int[] newEntries, HashSet<int> stamps)
    {
        foreach (var write in writes.Accounts)
        {
            stamps.Add(StampOf(write.Address.GetHashCode()));
        }

        foreach (var write in writes.Storage)
        {
            stamps.Add(StampOf(new StorageCell(write.Address, write.Slot).GetHashCode()));
        }

        foreach (var stamp in newEntries)
        {
            stamps.Add(stamp);
        }
    }

    /// <summary>
    /// The stamps of the accounts whose entries applying <paramref name="writes"/> will create in <paramref name="overlay"/>
    /// (call before applying them): a new entry takes the account's fields from the committed state as they are at that
    /// moment, so a later read of them in the run came from this transaction's apply. Usually none or one or two.
    /// </summary>
    public static int[] NewEntries(TransactionWriteSet writes, BlockStateOverlay overlay)
    {
        List<int>? created = null;
        foreach (var write in writes.Accounts)
        {
            if (!overlay.HasChanged(write.Address))
            {
                (created ??= []).Add(StampOf(write.Address.GetHashCode()));
            }
        }

        foreach (var write in writes.Storage)
        {
            if (!overlay.HasChanged(write.Address))
            {
                (created ??= []).Add(StampOf(write.Address.GetHashCode()));
            }
        }

        return created is null ? [] : [.. created];
    }

    private void RecordAccount(in Address address)
    {
        Record(address.GetHashCode());
        _record.TouchedCoinbase |= address == _coinbase;
    }

    private void RecordSlot(in Address address, in UInt256 slot)
    {
        Record(new StorageCell(address, slot).GetHashCode());
        _record.TouchedCoinbase |= address == _coinbase;
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
    /// What the runner's EVM reads through: its run's overlay (its own writes over this committed state), with every
    /// read recorded, those the overlay answers from its own writes included: a rejected result's writes stay in the
    /// overlay, and the run's later results that read them must be told apart (<see cref="AddWriteStamps"/>).
    /// </summary>
    public sealed class RunnerView(CommittedState committed) : IStateReader
    {
        private BlockStateOverlay? _overlay;

        private BlockStateOverlay Overlay => _overlay ?? throw new InvalidOperationException("No run has begun.");

        /// <summary>Starts a run: a fresh overlay over the committed state.</summary>
        public BlockStateOverlay BeginRun(IReadOnlyDictionary<ulong, Hash256> blockHashes) => _overlay = new BlockStateOverlay(committed, blockHashes);

        public bool TryGetAccount(in Address address, out AccountInfo account)
        {
            committed.RecordAccount(address);
            return Overlay.TryGetAccount(address, out account);
        }

        public UInt256 GetStorage(in Address address, in UInt256 slot)
        {
            committed.RecordSlot(address, slot);
            return Overlay.GetStorage(address, slot);
        }

        public byte[] GetCode(in Hash256 codeHash) => Overlay.GetCode(codeHash);

        public Hash256 GetBlockHash(ulong number) => Overlay.GetBlockHash(number);
    }

    /// <summary>Deployed code (a reference: written and read whole).</summary>
    private readonly record struct PublishedCode(byte[] Code);

    private readonly record struct StorageCell(Address Address, UInt256 Slot)
    {
        public bool Equals(StorageCell other) => Slot.Equals(other.Slot) && Address.Equals(other.Address);

        public override int GetHashCode() => HashCode.Combine(Address.GetHashCode(), Slot.GetHashCode());
    }
}
