namespace Hyperion.Execution;

/// <summary>Where the value a read returned came from.</summary>
public enum VersionedReadKind
{
    /// <summary>No lower transaction wrote the location: the value is the pre-state's (the paper's NOT_FOUND).</summary>
    Storage,

    /// <summary>The highest lower transaction that wrote the location wrote a plain value, tagged by its version.</summary>
    Versioned,

    /// <summary>Lower transactions wrote deltas: the value is their base (a write or the pre-state) with the deltas applied in order.</summary>
    Resolved,

    /// <summary>A lower transaction that wrote the location is being re-executed (ESTIMATE): wait for it.</summary>
    Dependency,
}

/// <summary>The answer of <see cref="MultiVersionMemory{TKey, TValue}.Read"/>: a value and where it came from, or the transaction to wait for.</summary>
public readonly record struct VersionedRead<TValue>(VersionedReadKind Kind, TransactionVersion Version, TValue Value)
{
    /// <summary>For <see cref="VersionedReadKind.Dependency"/>: the lower transaction whose ESTIMATE was hit.</summary>
    public int BlockingTransaction => Version.TransactionIndex;

    public static VersionedRead<TValue> FromStorage(TValue value) => new(VersionedReadKind.Storage, default, value);

    public static VersionedRead<TValue> FromVersion(TransactionVersion version, TValue value) => new(VersionedReadKind.Versioned, version, value);

    public static VersionedRead<TValue> FromDeltas(TValue value) => new(VersionedReadKind.Resolved, default, value);

    public static VersionedRead<TValue> Blocked(int blockingTransaction) => new(VersionedReadKind.Dependency, new TransactionVersion(blockingTransaction, 0), default!);
}
