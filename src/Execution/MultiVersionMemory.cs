using System.Collections.Concurrent;

namespace Hyperion.Execution;

/// <summary>
/// Block-STM's multi-version data structure: for every location, the value (or delta) each transaction of the
/// block wrote to it in its last incarnation, tagged with the writer's version. A read by transaction j returns
/// the write of the highest transaction below j, so each transaction sees the block as if the ones before it had
/// run in order, even while they are still running. When a transaction is aborted its writes become ESTIMATE
/// markers: a reader that hits one waits for the writer instead of reading a value that is about to change.
/// </summary>
/// <remarks>
/// Locations are found through a concurrent dictionary and each has its own small lock
/// (<see cref="LocationVersions{TKey, TValue}"/>): no lock is ever held across two locations. The last write set of
/// each transaction is kept (the paper's last_written_locations) to turn it into estimates and to drop the
/// locations a new incarnation no longer writes.
/// </remarks>
public sealed class MultiVersionMemory<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, LocationVersions<TKey, TValue>> _locations = new();
    private readonly WriteSet<TKey, TValue>?[] _lastWrites;
    private readonly IPreStateReader<TKey, TValue> _preState;
    private readonly IEqualityComparer<TValue> _valueComparer;

    public MultiVersionMemory(int transactionCount, IPreStateReader<TKey, TValue> preState, IEqualityComparer<TValue>? valueComparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentNullException.ThrowIfNull(preState);
        _lastWrites = new WriteSet<TKey, TValue>?[transactionCount];
        _preState = preState;
        _valueComparer = valueComparer ?? EqualityComparer<TValue>.Default;
    }

    public int TransactionCount => _lastWrites.Length;

    /// <summary>
    /// Stores the writes of <paramref name="version"/> and removes the locations its previous incarnation wrote
    /// and this one does not. Returns whether it wrote a location the previous incarnation did not (the paper's
    /// wrote_new_location): then transactions above may have read past it and must all be validated again.
    /// </summary>
    public bool Record(TransactionVersion version, WriteSet<TKey, TValue> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var index = version.TransactionIndex;
        var previous = _lastWrites[index];
        var wroteNewLocation = false;
        foreach (var (key, operation) in writes)
        {
            _locations.GetOrAdd(key, static key => new LocationVersions<TKey, TValue>(key)).Write(version, operation);
            wroteNewLocation |= previous is null || !previous.ContainsKey(key);
        }

        // New values go in before stale ones go out (as in the paper), so that a reader never falls through to an
        // older version of a location this transaction still writes.
        if (previous is not null)
        {
            foreach (var (key, _) in previous)
            {
                if (!writes.ContainsKey(key) && _locations.TryGetValue(key, out var location))
                {
                    location.Remove(index);
                }
            }
        }

        Volatile.Write(ref _lastWrites[index], writes);
        return wroteNewLocation;
    }

    /// <summary>
    /// Marks every write of the transaction's last incarnation as an ESTIMATE: it is being aborted, and it will
    /// most likely write the same locations again, so readers should wait for it rather than read below it.
    /// </summary>
    public void ConvertWritesToEstimates(int transactionIndex)
    {
        if (Volatile.Read(ref _lastWrites[transactionIndex]) is not { } writes)
        {
            return;
        }

        foreach (var (key, _) in writes)
        {
            if (_locations.TryGetValue(key, out var location))
            {
                location.MarkEstimate(transactionIndex);
            }
        }
    }

    /// <summary>
    /// What transaction <paramref name="transactionIndex"/> reads at <paramref name="key"/>: the highest write below
    /// it (its deltas applied over their base), the pre-state, or the transaction to wait for.
    /// </summary>
    public VersionedRead<TValue> Read(TKey key, int transactionIndex) =>
        _locations.TryGetValue(key, out var location)
            ? location.Read(transactionIndex, _preState)
            : VersionedRead<TValue>.FromStorage(_preState.Read(key));

    /// <summary>
    /// Whether every read in <paramref name="reads"/> would still see what it saw, were transaction
    /// <paramref name="transactionIndex"/> to read again now: the same version, still the pre-state, an equal value
    /// built from deltas. An ESTIMATE where a read was fails it: the writer is being re-executed.
    /// </summary>
    public bool ValidateReadSet(int transactionIndex, CapturedReads<TKey, TValue> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        foreach (var (key, captured) in reads)
        {
            if (!IsStillValid(key, transactionIndex, captured))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The last write set recorded for a transaction, or null when it has not finished an execution.</summary>
    public WriteSet<TKey, TValue>? LastWrites(int transactionIndex) => Volatile.Read(ref _lastWrites[transactionIndex]);

    /// <summary>
    /// The block's effect once every transaction is executed and validated: the final value of each location some
    /// transaction wrote (the last write in transaction order, with the deltas above it applied).
    /// </summary>
    public Dictionary<TKey, TValue> FinalValues()
    {
        var values = new Dictionary<TKey, TValue>(_locations.Count);
        foreach (var (key, location) in _locations)
        {
            if (location.IsEmpty)
            {
                continue;
            }

            var read = location.Read(TransactionCount, _preState);
            if (read.Kind == VersionedReadKind.Dependency)
            {
                throw new InvalidOperationException($"An ESTIMATE of transaction {read.BlockingTransaction} is left after the block finished.");
            }

            values.Add(key, read.Value);
        }

        return values;
    }

    private bool IsStillValid(TKey key, int transactionIndex, in CapturedRead<TValue> captured)
    {
        var location = _locations.GetValueOrDefault(key);
        switch (captured.Kind)
        {
            case CapturedReadKind.Storage:
                return location is null || location.PeekSource(transactionIndex).Kind == VersionedReadKind.Storage;
            case CapturedReadKind.Versioned:
                if (location is null)
                {
                    return false;
                }

                var source = location.PeekSource(transactionIndex);
                return source.Kind == VersionedReadKind.Versioned && source.Version == captured.Version;
            case CapturedReadKind.Resolved:
                var current = Read(key, transactionIndex);
                return current.Kind != VersionedReadKind.Dependency && _valueComparer.Equals(current.Value, captured.Value);
            case CapturedReadKind.Faulted:
                return StillFaults(key, transactionIndex);
            default:
                return false;
        }
    }

    /// <summary>Whether building the value still throws, as it did when the transaction read it.</summary>
    private bool StillFaults(TKey key, int transactionIndex)
    {
        try
        {
            // A value, or an ESTIMATE in the way: either way the read no longer fails as it did.
            _ = Read(key, transactionIndex);
            return false;
        }
        catch (Exception)
        {
            // The exception is the answer here: the read still fails, so the recorded failure stands.
            return true;
        }
    }
}
