namespace Hyperion.Execution;

/// <summary>How a captured read is checked again at validation.</summary>
public enum CapturedReadKind
{
    /// <summary>It read the pre-state: still valid while no lower transaction writes the location.</summary>
    Storage,

    /// <summary>It read a plain write: still valid while the highest lower write is the same version.</summary>
    Versioned,

    /// <summary>It read a value built from deltas: still valid while building it again gives an equal value.</summary>
    Resolved,

    /// <summary>Building the value threw (a delta's Apply or the pre-state reader): still valid while it still throws.</summary>
    Faulted,
}

/// <summary>One location a transaction read, and what it saw.</summary>
public readonly record struct CapturedRead<TValue>(CapturedReadKind Kind, TransactionVersion Version, TValue Value)
{
    public static CapturedRead<TValue> From(in VersionedRead<TValue> read) => new(KindOf(read.Kind), read.Version, read.Value);

    /// <summary>How a read of <paramref name="kind"/> is captured (its version is kept only for a versioned read, which reads give as default otherwise).</summary>
    public static CapturedReadKind KindOf(VersionedReadKind kind) => kind switch
    {
        VersionedReadKind.Storage => CapturedReadKind.Storage,
        VersionedReadKind.Versioned => CapturedReadKind.Versioned,
        VersionedReadKind.Resolved => CapturedReadKind.Resolved,
        _ => throw new ArgumentException("A dependency is not a value that was read.", nameof(kind)),
    };

    public static CapturedRead<TValue> Fault => new(CapturedReadKind.Faulted, default, default!);
}

/// <summary>
/// The read set of one execution of a transaction: each location it read, once, with the version (or "from
/// storage", or the resolved value) it saw. A second read of a location returns what the first one saw, so one
/// execution never sees two values of the same location, even if a lower transaction wrote in between; whether
/// what it saw is still current is for validation to say
/// (<see cref="MultiVersionMemory{TKey, TValue}.ValidateReadSet(int, CapturedReads{TKey, TValue})"/>).
/// </summary>
public sealed class CapturedReads<TKey, TValue>
    where TKey : notnull
{
    private readonly SmallMap<TKey, CapturedRead<TValue>> _reads;

    // Beside each read, by position, the location's versions in the multi-version memory when the read knew them (an
    // execution view's reads do): validation then checks the location without searching the location table again.
    // Null where the read came without one (a set filled through Capture); validation searches for those.
    private LocationVersions<TKey, TValue>?[] _locations;

    public CapturedReads()
        : this(new SmallMap<TKey, CapturedRead<TValue>>(), new LocationVersions<TKey, TValue>?[4])
    {
    }

    private CapturedReads(SmallMap<TKey, CapturedRead<TValue>> reads, LocationVersions<TKey, TValue>?[] locations)
    {
        _reads = reads;
        _locations = locations;
    }

    public int Count => _reads.Count;

    public bool TryGet(in TKey key, out CapturedRead<TValue> read) => _reads.TryGetValue(key, out read);

    /// <summary>As <see cref="TryGet(in TKey, out CapturedRead{TValue})"/>, with the key's hash (its default comparer's) known.</summary>
    internal bool TryGet(in TKey key, int hash, out CapturedRead<TValue> read) => _reads.TryGetValue(key, hash, out read);

    /// <summary>Records the first read of <paramref name="key"/>; a later one keeps the first.</summary>
    public void Capture(in TKey key, in CapturedRead<TValue> read)
    {
        var position = _reads.Count;
        ref var slot = ref _reads.GetValueRefOrAddDefault(key, out var exists);
        if (!exists)
        {
            slot = read;
            SetLocation(position, null);
        }
    }

    /// <summary>
    /// Records the first read of a location that <see cref="TryGet(in TKey, out CapturedRead{TValue})"/> just did not find (one search, not two), with
    /// the location's versions, which every later read of it and its validation use.
    /// </summary>
    internal void CaptureNew(in TKey key, in CapturedRead<TValue> read, LocationVersions<TKey, TValue> location)
    {
        var position = _reads.Count;
        _reads.AddNew(key, read);
        SetLocation(position, location);
    }

    /// <summary>
    /// As <see cref="CaptureNew(in TKey, in CapturedRead{TValue}, LocationVersions{TKey, TValue})"/>, for a read whose
    /// value is in <paramref name="value"/> (<paramref name="hash"/>: the key's hash): the capture is written in the set's own entry, not built on the stack and
    /// copied in.
    /// </summary>
    internal void CaptureRead(in TKey key, int hash, CapturedReadKind kind, TransactionVersion version, in TValue value, LocationVersions<TKey, TValue> location)
    {
        var position = _reads.Count;
        _reads.AddNewInPlace(key, hash) = new CapturedRead<TValue>(kind, version, value);
        SetLocation(position, location);
    }

    /// <summary>The versions of the <paramref name="position"/>th location read (in the order of the enumerator), or null when not known.</summary>
    internal LocationVersions<TKey, TValue>? LocationAt(int position) => _locations[position];

    /// <summary>The versions of <paramref name="key"/> if it was read and they were kept with the read, or null.</summary>
    internal LocationVersions<TKey, TValue>? LocationOf(in TKey key)
    {
        var position = _reads.PositionOf(key);
        return position < 0 ? null : _locations[position];
    }

    /// <summary>Forgets every read, keeping the room (an execution view reuses one set for all its executions).</summary>
    internal void Clear()
    {
        // The references go too, so that a reused set does not keep an earlier block's locations alive.
        Array.Clear(_locations, 0, Math.Min(_reads.Count, _locations.Length));
        _reads.Clear();
    }

    /// <summary>A struct enumerator, so that validation allocates nothing.</summary>
    public SmallMap<TKey, CapturedRead<TValue>>.Enumerator GetEnumerator() => _reads.GetEnumerator();

    /// <summary>The reads in the order they were made, in place (see <see cref="SmallMap{TKey, TValue}.Entries"/>).</summary>
    internal ReadOnlySpan<SmallMap<TKey, CapturedRead<TValue>>.Entry> Entries => _reads.Entries;

    private void SetLocation(int position, LocationVersions<TKey, TValue>? location)
    {
        if (position >= _locations.Length)
        {
            Array.Resize(ref _locations, Math.Max(4, _locations.Length * 2));
        }

        _locations[position] = location;
    }
}
