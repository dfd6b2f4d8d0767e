namespace Hyperion.Execution;

/// <summary>
/// The accumulator mode of a location: for a location that nearly every transaction adds a delta to (the coinbase's
/// balance, credited with each transaction's tip), the deltas go to one slot per transaction, written and cleared
/// without the lock, while plain writes (rare there: a transaction that sets the balance outright) stay in the sorted
/// entries. Kept in the sorted entries, ten thousand tips made every worker queue on this one lock and insert into
/// one long array, the largest single cost of a block of token transfers. A read sums the deltas between its base
/// (the highest plain write below the reader, or the pre-state) and the reader, slot by slot: linear in the block, but
/// only transactions that read the location pay it (and the final value, once), and in a block that credits the
/// coinbase on every transaction hardly any do. Semantics are those of the sorted entries: the same value, an
/// ESTIMATE blocks the reader, and a read that summed deltas is validated by value.
/// </summary>
internal sealed partial class LocationVersions<TKey, TValue>
{
    /// <summary>Per transaction, its delta to this location in its last incarnation, or <see cref="EstimateMarker"/>; null for none.</summary>
    private readonly IDeltaOp<TValue>?[]? _deltas;

    public bool IsAccumulator => _deltas is not null;

    /// <summary>Stores a delta in its slot; false when <paramref name="operation"/> is a plain write, which goes to the entries.</summary>
    private bool WriteAccumulated(TransactionVersion version, in WriteOp<TValue> operation)
    {
        var writer = version.TransactionIndex;
        if (operation.Delta is { } delta)
        {
            // The slot first, then any plain write this transaction made before: a reader in between sees one or the
            // other for this writer (the plain write wins at equal index), never neither.
            Volatile.Write(ref _deltas![writer], delta);
            RemoveEntry(writer);
            return true;
        }

        // A plain write by a transaction that added a delta before: the entry goes in first (see above).
        return false;
    }

    /// <summary>After a plain write went into the entries: its writer's delta, if any, is gone.</summary>
    private void ClearDelta(int writer)
    {
        if (_deltas is not null)
        {
            Volatile.Write(ref _deltas[writer], null);
        }
    }

    /// <summary>
    /// As <see cref="Read"/> reads the sorted entries, slot by slot: the highest delta below the reader is the top; an
    /// ESTIMATE at the top, or between the top and the base, or at the base, blocks the reader (the highest such);
    /// otherwise the base (the highest plain write below, or the pre-state) with the deltas above it applied in order.
    /// </summary>
    private VersionedRead<TValue> ReadAccumulated(int reader, IPreStateReader<TKey, TValue> preState)
    {
        var (baseWriter, baseRead) = PlainBase(reader);
        var top = HighestDeltaBelow(reader, baseWriter);
        if (top < 0)
        {
            return baseWriter >= 0 ? baseRead : VersionedRead<TValue>.FromStorage(PreState(preState));
        }

        for (var writer = top; writer > baseWriter; writer--)
        {
            if (ReferenceEquals(Volatile.Read(ref _deltas![writer]), EstimateMarker.Instance))
            {
                return VersionedRead<TValue>.Blocked(writer);
            }
        }

        if (baseRead.Kind == VersionedReadKind.Dependency)
        {
            return baseRead;
        }

        var value = baseWriter >= 0 ? baseRead.Value : PreState(preState);
        for (var writer = baseWriter + 1; writer <= top; writer++)
        {
            // A slot cleared or re-marked since the walk above: validation, by value, catches what this read then missed.
            if (Volatile.Read(ref _deltas![writer]) is { } delta && !ReferenceEquals(delta, EstimateMarker.Instance))
            {
                value = delta.Apply(value);
            }
        }

        return VersionedRead<TValue>.FromDeltas(value);
    }

    /// <summary>As <see cref="PeekSource"/>: what the top entry below the reader is, without a value.</summary>
    private VersionedRead<TValue> PeekAccumulated(int reader)
    {
        var (baseWriter, baseRead) = PlainBase(reader);
        var top = HighestDeltaBelow(reader, baseWriter);
        if (top < 0)
        {
            return baseWriter >= 0 ? baseRead with { Value = default! } : default;
        }

        return ReferenceEquals(Volatile.Read(ref _deltas![top]), EstimateMarker.Instance)
            ? VersionedRead<TValue>.Blocked(top)
            : new VersionedRead<TValue>(VersionedReadKind.Resolved, default, default!);
    }

    /// <summary>The highest transaction below <paramref name="reader"/> and above <paramref name="floor"/> with a delta slot set, or -1.</summary>
    private int HighestDeltaBelow(int reader, int floor)
    {
        for (var writer = reader - 1; writer > floor; writer--)
        {
            if (Volatile.Read(ref _deltas![writer]) is not null)
            {
                return writer;
            }
        }

        return -1;
    }

    /// <summary>The highest plain write below <paramref name="reader"/> (its writer and what it says), or writer -1.</summary>
    private (int Writer, VersionedRead<TValue> Read) PlainBase(int reader)
    {
        using (Gate())
        {
            var entries = Entries;
            var top = HighestBelow(entries, reader);
            if (top < 0)
            {
                return (-1, default);
            }

            ref readonly var entry = ref entries[top];
            return entry.IsEstimate
                ? (entry.Writer, VersionedRead<TValue>.Blocked(entry.Writer))
                : (entry.Writer, VersionedRead<TValue>.FromVersion(new TransactionVersion(entry.Writer, entry.Incarnation), entry.Operation.Value));
        }
    }

    private bool HasDeltaSlots(int from, int to)
    {
        for (var writer = from; writer < to; writer++)
        {
            if (Volatile.Read(ref _deltas![writer]) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ESTIMATE of an aborted transaction's delta: a reader that reaches it waits for that transaction.</summary>
    private sealed class EstimateMarker : IDeltaOp<TValue>
    {
        public static readonly EstimateMarker Instance = new();

        public TValue Apply(TValue value) => throw new InvalidOperationException("An ESTIMATE is not a delta to apply.");
    }
}
