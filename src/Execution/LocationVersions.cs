namespace Hyperion.Execution;

/// <summary>
/// The versions of one location: for each transaction that wrote it (in its last incarnation), the value or
/// delta it wrote, or an ESTIMATE marker while that transaction is being re-executed. Kept sorted by
/// transaction index in two parallel arrays, so a read is a binary search and a short walk down. Its own lock
/// guards it: two transactions touching different locations never contend (no global lock).
/// </summary>
internal sealed class LocationVersions<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private int[] _writers = new int[2];
    private Entry[] _entries = new Entry[2];
    private int _count;

    public LocationVersions(TKey key)
    {
        Key = key;
    }

    public TKey Key { get; }

    public void Write(TransactionVersion version, in WriteOp<TValue> operation)
    {
        var entry = new Entry(version.Incarnation, operation, IsEstimate: false);
        lock (_gate)
        {
            var position = Array.BinarySearch(_writers, 0, _count, version.TransactionIndex);
            if (position >= 0)
            {
                _entries[position] = entry;
                return;
            }

            position = ~position;
            if (_count == _writers.Length)
            {
                Array.Resize(ref _writers, _count * 2);
                Array.Resize(ref _entries, _count * 2);
            }

            Array.Copy(_writers, position, _writers, position + 1, _count - position);
            Array.Copy(_entries, position, _entries, position + 1, _count - position);
            _writers[position] = version.TransactionIndex;
            _entries[position] = entry;
            _count++;
        }
    }

    public void Remove(int transactionIndex)
    {
        lock (_gate)
        {
            var position = Array.BinarySearch(_writers, 0, _count, transactionIndex);
            if (position < 0)
            {
                return;
            }

            _count--;
            Array.Copy(_writers, position + 1, _writers, position, _count - position);
            Array.Copy(_entries, position + 1, _entries, position, _count - position);
            // Drop the reference so that a removed value does not outlive its version.
            _entries[_count] = default;
        }
    }

    public void MarkEstimate(int transactionIndex)
    {
        lock (_gate)
        {
            var position = Array.BinarySearch(_writers, 0, _count, transactionIndex);
            if (position >= 0)
            {
                _entries[position] = _entries[position] with { IsEstimate = true };
            }
        }
    }

    /// <summary>
    /// The value transaction <paramref name="reader"/> sees. Deltas over the pre-state read it under this
    /// location's lock; the pre-state reader is in-memory and the lock is this location's alone.
    /// </summary>
    public VersionedRead<TValue> Read(int reader, IPreStateReader<TKey, TValue> preState)
    {
        lock (_gate)
        {
            var top = HighestBelow(reader);
            if (top < 0)
            {
                return VersionedRead<TValue>.FromStorage(preState.Read(Key));
            }

            ref readonly var entry = ref _entries[top];
            if (entry.IsEstimate)
            {
                return VersionedRead<TValue>.Blocked(_writers[top]);
            }

            if (entry.Operation.Delta is null)
            {
                return VersionedRead<TValue>.FromVersion(new TransactionVersion(_writers[top], entry.Incarnation), entry.Operation.Value);
            }

            // Walk down to the base of the deltas: the nearest plain write, or the pre-state below all of them.
            var basePosition = top - 1;
            while (basePosition >= 0 && _entries[basePosition].Operation.Delta is not null && !_entries[basePosition].IsEstimate)
            {
                basePosition--;
            }

            if (basePosition >= 0 && _entries[basePosition].IsEstimate)
            {
                return VersionedRead<TValue>.Blocked(_writers[basePosition]);
            }

            var value = basePosition >= 0 ? _entries[basePosition].Operation.Value : preState.Read(Key);
            for (var position = basePosition + 1; position <= top; position++)
            {
                value = _entries[position].Operation.Delta!.Apply(value);
            }

            return VersionedRead<TValue>.FromDeltas(value);
        }
    }

    /// <summary>
    /// Where a read by <paramref name="reader"/> would come from, without computing the value: enough to check a
    /// read recorded as <see cref="VersionedReadKind.Storage"/> or <see cref="VersionedReadKind.Versioned"/>.
    /// Deltas answer <see cref="VersionedReadKind.Resolved"/> with no value.
    /// </summary>
    public VersionedRead<TValue> PeekSource(int reader)
    {
        lock (_gate)
        {
            var top = HighestBelow(reader);
            if (top < 0)
            {
                return default;
            }

            ref readonly var entry = ref _entries[top];
            if (entry.IsEstimate)
            {
                return VersionedRead<TValue>.Blocked(_writers[top]);
            }

            return entry.Operation.Delta is null
                ? new VersionedRead<TValue>(VersionedReadKind.Versioned, new TransactionVersion(_writers[top], entry.Incarnation), default!)
                : new VersionedRead<TValue>(VersionedReadKind.Resolved, default, default!);
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _count == 0;
            }
        }
    }

    /// <summary>The position of the highest writer below <paramref name="reader"/>, or -1. Call under the lock.</summary>
    private int HighestBelow(int reader)
    {
        var position = Array.BinarySearch(_writers, 0, _count, reader);
        return (position >= 0 ? position : ~position) - 1;
    }

    private readonly record struct Entry(int Incarnation, WriteOp<TValue> Operation, bool IsEstimate);
}
