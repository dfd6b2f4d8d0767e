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
    public static CapturedRead<TValue> From(in VersionedRead<TValue> read) => read.Kind switch
    {
        VersionedReadKind.Storage => new(CapturedReadKind.Storage, default, read.Value),
        VersionedReadKind.Versioned => new(CapturedReadKind.Versioned, read.Version, read.Value),
        VersionedReadKind.Resolved => new(CapturedReadKind.Resolved, default, read.Value),
        _ => throw new ArgumentException("A dependency is not a value that was read.", nameof(read)),
    };

    public static CapturedRead<TValue> Fault => new(CapturedReadKind.Faulted, default, default!);
}

/// <summary>
/// The read set of one execution of a transaction: each location it read, once, with the version (or "from
/// storage", or the resolved value) it saw. A second read of a location returns what the first one saw, so one
/// execution never sees two values of the same location, even if a lower transaction wrote in between; whether
/// what it saw is still current is for validation to say
/// (<see cref="MultiVersionMemory{TKey, TValue}.ValidateReadSet"/>).
/// </summary>
public sealed class CapturedReads<TKey, TValue>
    where TKey : notnull
{
    private readonly SmallMap<TKey, CapturedRead<TValue>> _reads;

    public CapturedReads()
        : this(new SmallMap<TKey, CapturedRead<TValue>>())
    {
    }

    private CapturedReads(SmallMap<TKey, CapturedRead<TValue>> reads)
    {
        _reads = reads;
    }

    public int Count => _reads.Count;

    public bool TryGet(TKey key, out CapturedRead<TValue> read) => _reads.TryGetValue(key, out read);

    /// <summary>Records the first read of <paramref name="key"/>; a later one keeps the first.</summary>
    public void Capture(TKey key, in CapturedRead<TValue> read)
    {
        ref var slot = ref _reads.GetValueRefOrAddDefault(key, out var exists);
        if (!exists)
        {
            slot = read;
        }
    }

    /// <summary>Records the first read of a location that <see cref="TryGet"/> just did not find (one search, not two).</summary>
    internal void CaptureNew(TKey key, in CapturedRead<TValue> read) => _reads.AddNew(key, read);

    /// <summary>Forgets every read, keeping the room (an execution view reuses one set for all its executions).</summary>
    internal void Clear() => _reads.Clear();

    /// <summary>A copy of exactly these reads, to keep as the transaction's read set while this one is reused.</summary>
    internal CapturedReads<TKey, TValue> ToCompact() => new(_reads.ToCompact());

    /// <summary>A struct enumerator, so that validation allocates nothing.</summary>
    public SmallMap<TKey, CapturedRead<TValue>>.Enumerator GetEnumerator() => _reads.GetEnumerator();
}
