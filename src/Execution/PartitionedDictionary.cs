using System.Diagnostics.CodeAnalysis;

namespace Hyperion.Execution;

/// <summary>
/// A read-only dictionary made of disjoint dictionaries, a key's part chosen by its hash: what several threads
/// build at once, each its own part, without ever merging them into one (which would be one thread's work again).
/// </summary>
public sealed class PartitionedDictionary<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue>?[] _parts;
    private readonly Func<TKey, int>? _partitionHash;
    private readonly Func<int, Dictionary<TKey, TValue>>? _collectPart;

    /// <param name="parts">The parts; key k must be in part <see cref="PartOf"/>(k, parts.Length).</param>
    /// <param name="partitionHash">The hash that chose each key's part, when it is not the key's own.</param>
    public PartitionedDictionary(Dictionary<TKey, TValue>[] parts, Func<TKey, int>? partitionHash = null)
        : this(parts, partitionHash, collectPart: null)
    {
    }

    /// <param name="parts">The parts collected so far; a null one is collected by <paramref name="collectPart"/> when first needed.</param>
    /// <param name="partitionHash">The hash that chose each key's part, when it is not the key's own.</param>
    /// <param name="collectPart">Collects a missing part, given its number.</param>
    internal PartitionedDictionary(Dictionary<TKey, TValue>?[] parts, Func<TKey, int>? partitionHash, Func<int, Dictionary<TKey, TValue>>? collectPart)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfZero(parts.Length);
        if (collectPart is null && Array.Exists(parts, static part => part is null))
        {
            throw new ArgumentException("Every part is needed when none can be collected later.", nameof(parts));
        }

        _parts = parts;
        _partitionHash = partitionHash;
        _collectPart = collectPart;
    }

    public int Count => Parts.Sum(static part => part.Count);

    /// <summary>The parts themselves, so that a walk over every entry uses each dictionary's own struct enumerator.</summary>
    internal IReadOnlyList<Dictionary<TKey, TValue>> Parts
    {
        get
        {
            for (var part = 0; part < _parts.Length; part++)
            {
                PartAt(part);
            }

            // Every part is collected now, and a collected part is never replaced.
            return _parts!;
        }
    }

    public IEnumerable<TKey> Keys => Parts.SelectMany(static part => part.Keys);

    public IEnumerable<TValue> Values => Parts.SelectMany(static part => part.Values);

    public TValue this[TKey key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"{key} is not in the dictionary.");

    /// <summary>The part that holds <paramref name="key"/> among <paramref name="parts"/> (keys divided by their own hash).</summary>
    public static int PartOf(TKey key, int parts) => (int)((uint)EqualityComparer<TKey>.Default.GetHashCode(key) % (uint)parts);

    public bool ContainsKey(TKey key) => PartHolding(key).ContainsKey(key);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => PartHolding(key).TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => Parts.SelectMany(static part => part).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private Dictionary<TKey, TValue> PartHolding(TKey key) => PartAt(_partitionHash is null
        ? PartOf(key, _parts.Length)
        : (int)((uint)_partitionHash(key) % (uint)_parts.Length));

    /// <summary>A part, collected on first use if it was not built with the dictionary (whichever thread asks first).</summary>
    private Dictionary<TKey, TValue> PartAt(int part)
    {
        if (Volatile.Read(ref _parts[part]) is { } built)
        {
            return built;
        }

        lock (_parts)
        {
            return _parts[part] ??= _collectPart!(part);
        }
    }
}
