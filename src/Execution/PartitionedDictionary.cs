using System.Diagnostics.CodeAnalysis;

namespace Hyperion.Execution;

/// <summary>
/// A read-only dictionary made of disjoint dictionaries, a key's part chosen by its hash: what several threads
/// build at once, each its own part, without ever merging them into one (which would be one thread's work again).
/// </summary>
public sealed class PartitionedDictionary<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue>[] _parts;

    /// <param name="parts">The parts; key k must be in part <see cref="PartOf"/>(k, parts.Length).</param>
    public PartitionedDictionary(Dictionary<TKey, TValue>[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfZero(parts.Length);
        _parts = parts;
    }

    public int Count => _parts.Sum(static part => part.Count);

    /// <summary>The parts themselves, so that a walk over every entry uses each dictionary's own struct enumerator.</summary>
    internal IReadOnlyList<Dictionary<TKey, TValue>> Parts => _parts;

    public IEnumerable<TKey> Keys => _parts.SelectMany(static part => part.Keys);

    public IEnumerable<TValue> Values => _parts.SelectMany(static part => part.Values);

    public TValue this[TKey key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"{key} is not in the dictionary.");

    /// <summary>The part that holds <paramref name="key"/> among <paramref name="parts"/>.</summary>
    public static int PartOf(TKey key, int parts) => (int)((uint)EqualityComparer<TKey>.Default.GetHashCode(key) % (uint)parts);

    public bool ContainsKey(TKey key) => _parts[PartOf(key, _parts.Length)].ContainsKey(key);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => _parts[PartOf(key, _parts.Length)].TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _parts.SelectMany(static part => part).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
