using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core.Threading;

namespace Hyperion.Execution;

/// <summary>
/// The versions of one location: for each transaction that wrote it (in its last incarnation), the value or
/// delta it wrote, or an ESTIMATE marker while that transaction is being re-executed. Kept sorted by
/// transaction index, so a read is a binary search and a short walk down. Its own gate guards it: two
/// transactions touching different locations never contend (no global lock).
/// </summary>
/// <remarks>
/// A block makes one of these per location it writes (tens of thousands), and most locations have exactly one
/// writer, so the first entry lives in the object itself and an array is made only for a second; the gate is an
/// int field of the instance (no lock object, no monitor to inflate). Fewer, smaller objects that
/// live as long as the block are what keeps the garbage collector and the caches from dominating a block of
/// small transactions.
/// </remarks>
internal sealed partial class LocationVersions<TKey, TValue>
    where TKey : notnull
{
    private Entry _single;
    private Entry[]? _many;
    private int _count;

    // The location's value before the block, read once (by whichever reader gets there first) and kept: a location that
    // many transactions read and none write, a token's account say, would otherwise go to the pre-state reader (an
    // overlay and a persistent trie) on every read. _preStateKnown: 0 not yet, 1 being stored, 2 stored.
    private TValue _preStateValue = default!;
    private int _preStateKnown;

    // The location's own gate (1 while held): a compare-and-swap in, a store out. Held for a few instructions at a time
    // (a binary search, an insert, a short walk), by at most the engine's workers. It replaced the object's monitor:
    // tens of thousands of these locks are taken once or twice each per block, and the monitor's slow path (header
    // inflation, its spin-then-block machinery) showed as a tenth of a token-transfer block's time even on one thread.
    private int _gate;

    // The highest transaction that has read the location this block (-1: none yet), for a writer's question whether a
    // transaction above it may have read past its write (see ReadAbove).
    private long _highestReader = -1;

    /// <param name="key">The location.</param>
    /// <param name="hash">The key's hash.</param>
    /// <param name="accumulatorTransactions">
    /// For an accumulator location (<see cref="ITransactionExecutor{TKey, TValue, TOutput}.AccumulatorLocations"/>), the
    /// block's transaction count: its deltas then go to one slot per transaction instead of the sorted entries.
    /// </param>
    public LocationVersions(TKey key, int hash, int accumulatorTransactions = 0)
    {
        Key = key;
        Hash = hash;
        _deltas = accumulatorTransactions > 0 ? new IDeltaOp<TValue>?[accumulatorTransactions] : null;
    }

    public TKey Key { get; }

    /// <summary>The key's hash, kept so that a probe of the location table compares it before the key.</summary>
    public int Hash { get; }

    public bool IsEmpty
    {
        get
        {
            using (Gate())
            {
                if (_count > 0)
                {
                    return false;
                }
            }

            return !HasDeltaSlots(0, _deltas?.Length ?? 0);
        }
    }

    /// <summary>
    /// The location's pre-state value, read from <paramref name="preState"/> the first time and kept. The pre-state
    /// does not change during the block, so racing first readers read the same value; one of them stores it, and the
    /// flag is set after the value, so that a reader that sees the flag sees the whole value.
    /// </summary>
    private TValue PreState(IPreStateReader<TKey, TValue> preState) =>
        Volatile.Read(ref _preStateKnown) == 2 ? _preStateValue : FirstPreState(preState);

    /// <summary>
    /// The first read of the pre-state, out of line: it is once per location, and inlined into every read (the pre-state
    /// reader, an overlay and a trie, inlined with it) it made the execution view's read a two-kilobyte frame, zeroed on
    /// every call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TValue FirstPreState(IPreStateReader<TKey, TValue> preState)
    {
        // A reader that throws stores nothing (its transaction fails with the exception, and validation reads again).
        var value = preState.Read(Key);
        if (Interlocked.CompareExchange(ref _preStateKnown, 1, 0) == 0)
        {
            _preStateValue = value;
            Volatile.Write(ref _preStateKnown, 2);
        }

        return value;
    }

    /// <summary>The location's value before the block, if a reader has fetched it (it is kept from then on).</summary>
    public bool TryGetKnownPreState(out TValue value)
    {
        if (Volatile.Read(ref _preStateKnown) == 2)
        {
            value = _preStateValue;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Holds the gate until the returned scope is disposed (<c>using (Gate()) { … }</c>).</summary>
    private GateScope Gate()
    {
        if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
        {
            WaitForGate();
        }

        return new GateScope(this);
    }

    private void WaitForGate()
    {
        // Spins briefly, then yields (a holder descheduled mid-section still gets a core), but never sleeps: a Sleep(1)
        // is a millisecond or more on Linux, for a section a few hundred nanoseconds long.
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0);
    }

    /// <summary>The entries, sorted by writer. Call under the gate; valid until the next insertion.</summary>
    private Span<Entry> Entries => _many is null ? MemoryMarshal.CreateSpan(ref _single, _count) : _many.AsSpan(0, _count);

    public void Write(TransactionVersion version, in WriteOp<TValue> operation)
    {
        if (_deltas is not null && WriteAccumulated(version, operation))
        {
            return;
        }

        var entry = new Entry(version.TransactionIndex, version.Incarnation, operation);
        using (Gate())
        {
            var position = Find(Entries, version.TransactionIndex);
            if (position >= 0)
            {
                Entries[position] = entry;
            }
            else
            {
                Insert(~position, entry);
            }
        }

        ClearDelta(version.TransactionIndex);
    }

    public void Remove(int transactionIndex)
    {
        ClearDelta(transactionIndex);
        RemoveEntry(transactionIndex);
    }

    /// <summary>Removes the writer's entry, if it has one.</summary>
    private void RemoveEntry(int writer)
    {
        // A writer's own entry was put there by its earlier incarnation, which happened before this call: with no
        // entries at all there is nothing of this writer's to remove, and the lock is skipped (an accumulator, written
        // by nearly every transaction, has no plain entries as a rule).
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        using (Gate())
        {
            var entries = Entries;
            var position = Find(entries, writer);
            if (position < 0)
            {
                return;
            }

            entries[(position + 1)..].CopyTo(entries[position..]);
            _count--;

            // Drop the reference so that a removed value does not outlive its version.
            (_many is null ? ref _single : ref _many[_count]) = default;
        }
    }

    public void MarkEstimate(int transactionIndex)
    {
        if (_deltas is not null && Volatile.Read(ref _deltas[transactionIndex]) is not null)
        {
            Volatile.Write(ref _deltas[transactionIndex], EstimateMarker.Instance);
            return;
        }

        using (Gate())
        {
            var entries = Entries;
            var position = Find(entries, transactionIndex);
            if (position >= 0)
            {
                entries[position] = entries[position].AsEstimate();
            }
        }
    }

    /// <summary>
    /// Whether a transaction above <paramref name="writer"/> has read the location, so may have read past a write of
    /// <paramref name="writer"/>'s that is new here. Asked after the write is in and after a full fence: every read is
    /// noted before it looks at the entries, so a reader the writer does not see noted here comes after the write, and
    /// sees it. A reader that stores nothing (a higher one was noted already) read that higher note, and the writer,
    /// not seeing it, read before its compare-and-swap: so the write was in before the note, and the reader, coming
    /// after the note, sees the write too.
    /// </summary>
    public bool ReadAbove(int writer) => Interlocked.Read(ref _highestReader) > writer;

    /// <summary>Raises the highest reader to <paramref name="reader"/> (a compare-and-swap only when it is higher).</summary>
    private void NoteReader(int reader) => AtomicMax.Raise(ref _highestReader, reader);

    /// <summary>
    /// The value transaction <paramref name="reader"/> sees. Deltas over the pre-state read it under this
    /// location's gate; the pre-state reader is in-memory and the lock is this location's alone.
    /// </summary>
    /// <param name="reader">The reading transaction.</param>
    /// <param name="preState">The block's pre-state.</param>
    /// <param name="noted">Whether the read counts for <see cref="ReadAbove"/>: an execution's does, a validation's check does not (it hands no value to the transaction).</param>
    public VersionedRead<TValue> Read(int reader, IPreStateReader<TKey, TValue> preState, bool noted = true)
    {
        TValue value = default!;
        var kind = ReadInto(reader, preState, ref value, out var version, noted);
        return new VersionedRead<TValue>(kind, version, value);
    }

    /// <summary>
    /// As <see cref="Read"/>, with the value written to <paramref name="value"/> (left as it was for a dependency) and
    /// the version (the blocking transaction's for a dependency) to <paramref name="version"/>. The execution view reads
    /// straight into its caller's variable: a read returned as one struct was built on the stack piece by piece and
    /// copied whole, twice, and the copies stalled on the pieces (store forwarding), a fifth of the view's time.
    /// </summary>
    public VersionedReadKind ReadInto(int reader, IPreStateReader<TKey, TValue> preState, ref TValue value, out TransactionVersion version, bool noted = true)
    {
        if (noted)
        {
            NoteReader(reader);
        }

        if (_deltas is not null)
        {
            var accumulated = ReadAccumulated(reader, preState);
            version = accumulated.Version;
            if (accumulated.Kind != VersionedReadKind.Dependency)
            {
                value = accumulated.Value;
            }

            return accumulated.Kind;
        }

        // A location nobody wrote (yet) answers without the gate: readers look locations up before reading (see
        // MultiVersionMemory.Locate), so one that every transaction reads and none writes, a token's code say, must not
        // make them all take turns at one lock. A writer that adds the first entry meanwhile is ordered after this
        // read, as if the reader had gone first; validation checks the read against it.
        if (Volatile.Read(ref _count) == 0)
        {
            value = PreState(preState);
            version = default;
            return VersionedReadKind.Storage;
        }

        using (Gate())
        {
            return ReadEntriesInto(reader, preState, ref value, out version);
        }
    }

    /// <summary>
    /// The final value of a location once the block is done (no worker runs any more, so no gate), or false when no
    /// transaction's last incarnation wrote it (it was only read).
    /// </summary>
    public bool TryReadFinal(int transactionCount, IPreStateReader<TKey, TValue> preState, out VersionedRead<TValue> read)
    {
        if (_deltas is not null)
        {
            // An accumulator (one a block) keeps its deltas apart from the entries.
            var written = !IsEmpty;
            read = written ? ReadAccumulated(transactionCount, preState) : default;
            return written;
        }

        if (_count == 0)
        {
            read = default;
            return false;
        }

        read = ReadEntries(transactionCount, preState);
        return true;
    }

    /// <summary>What <paramref name="reader"/> sees in the entries: call under the gate, or once no worker runs.</summary>
    private VersionedRead<TValue> ReadEntries(int reader, IPreStateReader<TKey, TValue> preState)
    {
        TValue value = default!;
        var kind = ReadEntriesInto(reader, preState, ref value, out var version);
        return new VersionedRead<TValue>(kind, version, value);
    }

    /// <summary>As <see cref="ReadEntries"/>, into the caller's variables (see <see cref="ReadInto"/>).</summary>
    private VersionedReadKind ReadEntriesInto(int reader, IPreStateReader<TKey, TValue> preState, ref TValue value, out TransactionVersion version)
    {
        var entries = Entries;
        var top = HighestBelow(entries, reader);
        version = default;
        if (top < 0)
        {
            value = PreState(preState);
            return VersionedReadKind.Storage;
        }

        ref readonly var entry = ref entries[top];
        if (entry.IsEstimate)
        {
            version = new TransactionVersion(entry.Writer, 0);
            return VersionedReadKind.Dependency;
        }

        if (entry.Operation.Delta is null)
        {
            version = new TransactionVersion(entry.Writer, entry.Incarnation);
            value = entry.Operation.Value;
            return VersionedReadKind.Versioned;
        }

        // Walk down to the base of the deltas: the nearest plain write, or the pre-state below all of them.
        var basePosition = top - 1;
        while (basePosition >= 0 && entries[basePosition].Operation.Delta is not null && !entries[basePosition].IsEstimate)
        {
            basePosition--;
        }

        if (basePosition >= 0 && entries[basePosition].IsEstimate)
        {
            version = new TransactionVersion(entries[basePosition].Writer, 0);
            return VersionedReadKind.Dependency;
        }

        var resolved = basePosition >= 0 ? entries[basePosition].Operation.Value : PreState(preState);
        for (var position = basePosition + 1; position <= top; position++)
        {
            resolved = entries[position].Operation.Delta!.Apply(resolved);
        }

        value = resolved;
        return VersionedReadKind.Resolved;
    }

    /// <summary>
    /// Where a read by <paramref name="reader"/> would come from, without computing the value: enough to check a
    /// read recorded as <see cref="VersionedReadKind.Storage"/> or <see cref="VersionedReadKind.Versioned"/>.
    /// Deltas answer <see cref="VersionedReadKind.Resolved"/> with no value.
    /// </summary>
    public VersionedRead<TValue> PeekSource(int reader)
    {
        if (_deltas is not null)
        {
            return PeekAccumulated(reader);
        }

        // As in Read: no entries, no gate.
        if (Volatile.Read(ref _count) == 0)
        {
            return default;
        }

        using (Gate())
        {
            var entries = Entries;
            var top = HighestBelow(entries, reader);
            if (top < 0)
            {
                return default;
            }

            ref readonly var entry = ref entries[top];
            if (entry.IsEstimate)
            {
                return VersionedRead<TValue>.Blocked(entry.Writer);
            }

            return entry.Operation.Delta is null
                ? new VersionedRead<TValue>(VersionedReadKind.Versioned, new TransactionVersion(entry.Writer, entry.Incarnation), default!)
                : new VersionedRead<TValue>(VersionedReadKind.Resolved, default, default!);
        }
    }

    /// <summary>Inserts at <paramref name="position"/>, moving to (or growing) the array when the object's one entry is taken.</summary>
    private void Insert(int position, in Entry entry)
    {
        if (_many is null)
        {
            if (_count == 0)
            {
                _single = entry;
                _count = 1;
                return;
            }

            _many = new Entry[4];
            _many[0] = _single;
            _single = default;
        }
        else if (_count == _many.Length)
        {
            Array.Resize(ref _many, _count * 2);
        }

        Array.Copy(_many, position, _many, position + 1, _count - position);
        _many[position] = entry;
        _count++;
    }

    /// <summary>The position of <paramref name="writer"/>, or the bitwise complement of where it would go.</summary>
    private static int Find(ReadOnlySpan<Entry> entries, int writer)
    {
        // Transactions mostly finish in order, so a hot location (the coinbase's balance, written by every
        // transaction) is mostly appended to: the last entry answers without a search through a long array.
        if (entries.IsEmpty || writer > entries[^1].Writer)
        {
            return ~entries.Length;
        }

        if (writer == entries[^1].Writer)
        {
            return entries.Length - 1;
        }

        int low = 0, high = entries.Length - 2;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var at = entries[middle].Writer;
            if (at == writer)
            {
                return middle;
            }

            if (at < writer)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>The position of the highest writer below <paramref name="reader"/>, or -1. Call under the gate.</summary>
    private static int HighestBelow(ReadOnlySpan<Entry> entries, int reader)
    {
        var position = Find(entries, reader);
        return (position >= 0 ? position : ~position) - 1;
    }

    /// <summary>Releases the gate (a store with release semantics, so the section's writes are seen before it opens).</summary>
    private readonly ref struct GateScope(LocationVersions<TKey, TValue> owner)
    {
        public void Dispose() => Volatile.Write(ref owner._gate, 0);
    }

    /// <summary>
    /// A writer's version and what it wrote. The ESTIMATE mark is the top bit of the incarnation's word, not a flag of its
    /// own: with the EVM's values an entry is then 64 bytes instead of 72 (every location object holds one, and the pools'
    /// reserves of a block of swaps grow arrays of them).
    /// </summary>
    private readonly struct Entry
    {
        private const int EstimateBit = int.MinValue;

        private readonly int _incarnationAndEstimate;

        public Entry(int writer, int incarnation, in WriteOp<TValue> operation, bool isEstimate = false)
        {
            Writer = writer;
            _incarnationAndEstimate = isEstimate ? incarnation | EstimateBit : incarnation;
            Operation = operation;
        }

        public int Writer { get; }

        public int Incarnation => _incarnationAndEstimate & int.MaxValue;

        public bool IsEstimate => _incarnationAndEstimate < 0;

        public WriteOp<TValue> Operation { get; }

        /// <summary>The same write, marked as an ESTIMATE (its writer is being executed again).</summary>
        public Entry AsEstimate() => new(Writer, Incarnation, Operation, isEstimate: true);
    }
}
