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
    private readonly Dictionary<TKey, CapturedRead<TValue>> _reads = [];

    public int Count => _reads.Count;

    public bool TryGet(TKey key, out CapturedRead<TValue> read) => _reads.TryGetValue(key, out read);

    /// <summary>Records the first read of <paramref name="key"/>; a later one keeps the first.</summary>
    public void Capture(TKey key, in CapturedRead<TValue> read) => _reads.TryAdd(key, read);

    /// <summary>A struct enumerator, so that validation allocates nothing.</summary>
    public Dictionary<TKey, CapturedRead<TValue>>.Enumerator GetEnumerator() => _reads.GetEnumerator();
}
