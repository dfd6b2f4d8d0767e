namespace Hyperion.Execution;

/// <summary>
/// The read set an execution leaves with its transaction until the block is done (the paper's last input): for each
/// location read, only what validation needs — the location's versions, how the read is checked again and the version
/// it saw — and a value only for a read built from deltas, which is checked by its value. The key is the location's
/// own. The execution's <see cref="CapturedReads{TKey, TValue}"/> also keeps every value (a second read in the same
/// execution answers with it) and the key beside it; a block keeps one of these per transaction, so their size is
/// what the allocator and the caches pay for (about a sixth of a captured set's).
/// </summary>
internal sealed class KeptReads<TKey, TValue>
    where TKey : notnull
{
    private static readonly KeptReads<TKey, TValue> Empty = new([], []);

    private readonly KeptRead[] _reads;
    private readonly TValue[] _resolvedValues;

    private KeptReads(KeptRead[] reads, TValue[] resolvedValues)
    {
        _reads = reads;
        _resolvedValues = resolvedValues;
    }

    public int Count => _reads.Length;

    /// <summary>The reads, in the order the execution made them.</summary>
    public ReadOnlySpan<KeptRead> Reads => _reads;

    /// <summary>
    /// The reads of <paramref name="captured"/>, each with the location's versions, which a read through the
    /// multi-version memory always has (<see cref="CapturedReads{TKey, TValue}.CaptureNew(in TKey, in CapturedRead{TValue}, LocationVersions{TKey, TValue})"/>).
    /// </summary>
    public static KeptReads<TKey, TValue> From(CapturedReads<TKey, TValue> captured)
    {
        if (captured.Count == 0)
        {
            return Empty;
        }

        var reads = new KeptRead[captured.Count];
        var resolved = 0;
        var entries = captured.Entries;
        foreach (ref readonly var entry in entries)
        {
            resolved += entry.Value.Kind == CapturedReadKind.Resolved ? 1 : 0;
        }

        var values = resolved == 0 ? [] : new TValue[resolved];
        resolved = 0;
        var position = 0;
        foreach (ref readonly var entry in entries)
        {
            ref readonly var read = ref entry.Value;
            var location = captured.LocationAt(position)
                ?? throw new InvalidOperationException("A read kept with its transaction must come with the location's versions.");
            var valueIndex = -1;
            if (read.Kind == CapturedReadKind.Resolved)
            {
                valueIndex = resolved;
                values[resolved++] = read.Value;
            }

            reads[position++] = new KeptRead(location, read.Version, location.Hash, read.Kind, valueIndex);
        }

        return new KeptReads<TKey, TValue>(reads, values);
    }

    /// <summary>The value a read built from deltas saw (only for <see cref="CapturedReadKind.Resolved"/>).</summary>
    public TValue ResolvedValue(in KeptRead read) => _resolvedValues[read.ValueIndex];

    /// <summary>The versions of <paramref name="key"/> if it was read, or null.</summary>
    public LocationVersions<TKey, TValue>? LocationOf(in TKey key) => LocationOf(key, EqualityComparer<TKey>.Default.GetHashCode(key));

    /// <summary>As <see cref="LocationOf(in TKey)"/>, with the key's hash (its default comparer's) known: a write set keeps it.</summary>
    public LocationVersions<TKey, TValue>? LocationOf(in TKey key, int hash)
    {
        // The hashes kept beside the reads rule out the other locations without touching them: each is an object of its
        // own, often last written by another worker, and a transaction looks up each of its writes here.
        foreach (ref readonly var read in _reads.AsSpan())
        {
            if (read.Hash == hash && EqualityComparer<TKey>.Default.Equals(read.Location.Key, key))
            {
                return read.Location;
            }
        }

        return null;
    }

    /// <summary>
    /// One kept read: where (and the location's hash), how it is checked again, the version seen, and where its value is
    /// when it has one. The kind and the value's index share a word (the index is not negative, the other kinds are), so
    /// that a read stays 24 bytes with its hash.
    /// </summary>
    internal readonly struct KeptRead
    {
        private readonly int _valueIndexOrKind;

        public KeptRead(LocationVersions<TKey, TValue> location, TransactionVersion version, int hash, CapturedReadKind kind, int valueIndex)
        {
            Location = location;
            Version = version;
            Hash = hash;
            _valueIndexOrKind = kind == CapturedReadKind.Resolved ? valueIndex : -1 - (int)kind;
        }

        public LocationVersions<TKey, TValue> Location { get; }

        public TransactionVersion Version { get; }

        /// <summary>The location's hash (<see cref="LocationVersions{TKey, TValue}.Hash"/>).</summary>
        public int Hash { get; }

        public CapturedReadKind Kind => _valueIndexOrKind >= 0 ? CapturedReadKind.Resolved : (CapturedReadKind)(-1 - _valueIndexOrKind);

        /// <summary>Where the value of a <see cref="CapturedReadKind.Resolved"/> read is; -1 for the other kinds.</summary>
        public int ValueIndex => Math.Max(_valueIndexOrKind, -1);
    }
}
