using System.Diagnostics;

namespace Hyperion.Execution;

/// <summary>
/// The locations one execution of a transaction changed, at most one operation each, as the transaction's
/// final word on them: a later write replaces an earlier one, a delta after a value is applied to it at once,
/// and two deltas chain. The executor fills it and hands it over in its result; the engine reads it before the
/// same worker's next execution and keeps nothing of it (the multi-version memory keeps the values in its locations),
/// so an executor may reuse one write set per worker thread (<see cref="Clear"/>).
/// </summary>
public sealed class WriteSet<TKey, TValue>
    where TKey : notnull
{
    private readonly SmallMap<TKey, WriteOp<TValue>> _operations;

    public WriteSet()
        : this(4)
    {
    }

    public WriteSet(int capacity)
    {
        _operations = new SmallMap<TKey, WriteOp<TValue>>(capacity);
    }

    public int Count => _operations.Count;

    public void Write(in TKey key, in TValue value) => _operations.Set(key, WriteOp<TValue>.Write(value));

    /// <summary>
    /// Writes <paramref name="value"/> at a location this set has no operation for yet (the caller knows: a debug build
    /// checks), without searching the set for one.
    /// </summary>
    internal void WriteNew(in TKey key, in TValue value)
    {
        Debug.Assert(!_operations.ContainsKey(key), $"{key} is written twice.");
        _operations.AddNew(key, WriteOp<TValue>.Write(value));
    }

    /// <summary>As <see cref="WriteNew(in TKey, in TValue)"/>, a delta.</summary>
    internal void WriteNew(in TKey key, IDeltaOp<TValue> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Debug.Assert(!_operations.ContainsKey(key), $"{key} is written twice.");
        _operations.AddNew(key, WriteOp<TValue>.AddDelta(delta));
    }

    public void AddDelta(in TKey key, IDeltaOp<TValue> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ref var operation = ref _operations.GetValueRefOrAddDefault(key, out var exists);
        if (!exists)
        {
            operation = WriteOp<TValue>.AddDelta(delta);
        }
        else if (operation.Delta is { } earlierDelta)
        {
            operation = WriteOp<TValue>.AddDelta(new DeltaSequence<TValue>(earlierDelta, delta));
        }
        else
        {
            // The transaction already fixed the value, so the delta has nothing lazy left to do.
            operation = WriteOp<TValue>.Write(delta.Apply(operation.Value));
        }
    }

    public bool TryGet(in TKey key, out WriteOp<TValue> operation) => _operations.TryGetValue(key, out operation);

    public bool ContainsKey(in TKey key) => _operations.ContainsKey(key);

    /// <summary>Forgets every operation, keeping the room, for the next execution on the same worker.</summary>
    public void Clear() => _operations.Clear();

    /// <summary>A struct enumerator in write order, so that walking a write set in the hot path allocates nothing.</summary>
    public SmallMap<TKey, WriteOp<TValue>>.Enumerator GetEnumerator() => _operations.GetEnumerator();

    /// <summary>The operations in write order, in place (see <see cref="SmallMap{TKey, TValue}.Entries"/>).</summary>
    internal ReadOnlySpan<SmallMap<TKey, WriteOp<TValue>>.Entry> Operations => _operations.Entries;
}
