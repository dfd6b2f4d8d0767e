using System.Runtime.CompilerServices;

namespace Hyperion.Execution;

/// <summary>
/// A map for the few keys one transaction reads or writes: its entries sit in one array in insertion order and are
/// found by a linear scan, with a hash index added only past <see cref="IndexThreshold"/> entries. A block keeps
/// every transaction's read and write sets until it is done, so their size and object count are what the garbage
/// collector and the caches pay for; a dictionary per set costs two arrays with a hash and link per entry.
/// </summary>
public sealed class SmallMap<TKey, TValue>
    where TKey : notnull
{
    public const int IndexThreshold = 16;

    private Entry[] _entries;
    private int _count;
    private Dictionary<TKey, int>? _index;

    internal SmallMap(int capacity = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _entries = capacity == 0 ? [] : new Entry[capacity];
    }

    public int Count => _count;

    public bool ContainsKey(in TKey key) => IndexOf(key) >= 0;

    /// <summary>The position of <paramref name="key"/> in insertion order, or -1.</summary>
    internal int PositionOf(in TKey key) => IndexOf(key);

    public bool TryGetValue(in TKey key, out TValue value) => TryGetValue(key, HashOf(key), out value);

    /// <summary>As <see cref="TryGetValue(in TKey, out TValue)"/>, with the key's hash (its default comparer's) known.</summary>
    internal bool TryGetValue(in TKey key, int hash, out TValue value)
    {
        var index = IndexOf(key, hash);
        if (index < 0)
        {
            value = default!;
            return false;
        }

        value = _entries[index].Value;
        return true;
    }

    /// <summary>The value of <paramref name="key"/>, added as default if absent (<paramref name="exists"/> says which). Valid until the next add.</summary>
    internal ref TValue GetValueRefOrAddDefault(in TKey key, out bool exists)
    {
        var hash = HashOf(key);
        var index = IndexOf(key, hash);
        exists = index >= 0;
        if (!exists)
        {
            index = Add(key, hash);
        }

        return ref _entries[index].Value;
    }

    internal void Set(in TKey key, in TValue value) => GetValueRefOrAddDefault(key, out _) = value;

    /// <summary>Adds a key the caller has just looked up and not found, without searching for it again.</summary>
    internal void AddNew(in TKey key, in TValue value)
    {
        // Add may grow the array, so the index is taken before the array is read.
        var index = Add(key, HashOf(key));
        _entries[index].Value = value;
    }

    /// <summary>Adds <paramref name="key"/> (not in the map; <paramref name="hash"/> its hash) with a default value, and returns where the value goes, to be filled in place.</summary>
    internal ref TValue AddNewInPlace(in TKey key, int hash)
    {
        // Add may grow the array, so the index is taken before the array is read.
        var index = Add(key, hash);
        return ref _entries[index].Value;
    }

    /// <summary>Forgets every entry, keeping the array for the next use.</summary>
    internal void Clear()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<Entry>())
        {
            Array.Clear(_entries, 0, _count);
        }

        _count = 0;
        _index?.Clear();
    }

    public Enumerator GetEnumerator() => new(_entries, _count);

    /// <summary>
    /// The entries in insertion order, in place: a walk by reference, where the enumerator copies each key and value out
    /// (twice, through a pair), which for the engine's location keys and values is over a hundred bytes an entry.
    /// Valid until the next add or clear.
    /// </summary>
    internal ReadOnlySpan<Entry> Entries => new(_entries, 0, _count);

    private int IndexOf(in TKey key) => IndexOf(key, HashOf(key));

    internal static int HashOf(in TKey key) => EqualityComparer<TKey>.Default.GetHashCode(key);

    /// <summary>
    /// The key's position, or -1. Entries keep their keys' hashes and a scan compares those first: a struct key's
    /// equality takes it by value, so every step of the scan copied both keys to the stack (and stalled reading the
    /// copies back), a sixth of the execution view's read.
    /// </summary>
    private int IndexOf(in TKey key, int hash)
    {
        if (_index is { Count: > 0 })
        {
            return _index.TryGetValue(key, out var found) ? found : -1;
        }

        var entries = _entries;
        for (var i = 0; i < _count; i++)
        {
            if (entries[i].Hash == hash && EqualityComparer<TKey>.Default.Equals(entries[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }

    private int Add(in TKey key, int hash)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        var index = _count++;
        _entries[index].Key = key;
        _entries[index].Value = default!;
        _entries[index].Hash = hash;
        if (_index is { Count: > 0 })
        {
            _index.Add(key, index);
        }
        else if (_count > IndexThreshold)
        {
            // A cleared map keeps its (empty) index, so a reused map does not make a new one for every large set.
            _index ??= new Dictionary<TKey, int>(_count * 2);
            for (var i = 0; i < _count; i++)
            {
                _index.Add(_entries[i].Key, i);
            }
        }

        return index;
    }

    /// <summary>A key and its value, stored in place.</summary>
    public struct Entry
    {
        public TKey Key;
        public TValue Value;

        /// <summary>The key's hash (its default comparer's), compared before the key.</summary>
        public int Hash;
    }

    /// <summary>Entries in insertion order, without allocating.</summary>
    public struct Enumerator
    {
        private readonly Entry[] _entries;
        private readonly int _count;
        private int _position;

        internal Enumerator(Entry[] entries, int count)
        {
            _entries = entries;
            _count = count;
            _position = -1;
        }

        public readonly KeyValuePair<TKey, TValue> Current => new(_entries[_position].Key, _entries[_position].Value);

        public bool MoveNext() => ++_position < _count;
    }
}
