using System.Numerics;

namespace Hyperion.Execution;

/// <summary>
/// A hash table that one thread writes and others read at the same time, without locks: entries appended to one dense
/// array, chained from buckets, keys never removed, values overwritten in place. A reader always finds a key whose
/// insertion finished before its lookup started and never sees a half-inserted key; a value it reads while the writer
/// overwrites it may be torn (mixed old and new words). So it suits readers that check afterwards, by other means, that
/// nothing they read was written meanwhile (<see cref="Evm.RunAheadBlock"/> does, with stamps), not readers that trust
/// what they read.
/// </summary>
/// <remarks>
/// <para>
/// Why dense entries and not open addressing: a block adds keys at random places of the table, and an open-addressed
/// table kept at most half full spreads them over megabytes (an account's slot is over a hundred bytes), so nearly every
/// insertion and many lookups missed the core's cache. Here an insertion writes the next entry (the line the last one
/// began) and a bucket (four bytes), the entries of a block stay a few times smaller, and walking them (the block's
/// changes) is a sequential read.
/// </para>
/// <para>
/// The arrays are kept from one use to the next: <see cref="Reset"/> clears the buckets alone. The entries and the
/// buckets double together when the entries are full: the writer copies and re-chains into new arrays and then
/// publishes them as one (<see cref="Arrays"/>), and a reader still on the old ones sees the table as it was before the
/// copy (which, again, its later check must allow for). A chain only ever leads to entries added before its head, so a
/// reader that took the arrays after the head never steps outside them.
/// </para>
/// </remarks>
internal sealed class SingleWriterTable<TKey, TValue>
    where TKey : struct, IEquatable<TKey>
    where TValue : struct
{
    private Arrays _arrays;
    private int _count;

    public SingleWriterTable(int capacity = 1024)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity));
        _arrays = new Arrays(new Entry[size], new int[size * 2]);
    }

    /// <summary>Entries since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Empties the table for the writer (no reader may be running).</summary>
    public void Reset()
    {
        _count = 0;
        Array.Clear(_arrays.Buckets);
    }

    /// <summary>The value of <paramref name="key"/> (hashed to <paramref name="hash"/>); any thread.</summary>
    public bool TryGetValue(in TKey key, int hash, out TValue value)
    {
        var arrays = Volatile.Read(ref _arrays);
        var buckets = arrays.Buckets;

        // The head with acquire: the entry it names, and every entry its chain leads to, are filled in.
        var index = Volatile.Read(ref buckets[hash & (buckets.Length - 1)]) - 1;
        var entries = arrays.Entries;
        while (index >= 0)
        {
            ref var entry = ref entries[index];
            if (entry.Hash == hash && entry.Key.Equals(key))
            {
                value = entry.Value;
                return true;
            }

            index = entry.Next;
        }

        value = default;
        return false;
    }

    /// <summary>Sets <paramref name="key"/>'s value; the writer thread only.</summary>
    public void Set(in TKey key, int hash, in TValue value) => GetOrAdd(key, hash, out _) = value;

    /// <summary>
    /// The writer's reference to <paramref name="key"/>'s value, added with the default value when absent
    /// (<paramref name="added"/>). A reader may find a key just added here with its default value before the writer
    /// fills it in, as it may find any value half overwritten. The reference is good until the next call that may add a
    /// key (growth moves the values).
    /// </summary>
    public ref TValue GetOrAdd(in TKey key, int hash, out bool added)
    {
        var arrays = _arrays;
        var entries = arrays.Entries;
        ref var head = ref arrays.Buckets[hash & (arrays.Buckets.Length - 1)];
        for (var index = head - 1; index >= 0; index = entries[index].Next)
        {
            ref var entry = ref entries[index];
            if (entry.Hash == hash && entry.Key.Equals(key))
            {
                added = false;
                return ref entry.Value;
            }
        }

        if (_count == entries.Length)
        {
            arrays = Grow(arrays);
            entries = arrays.Entries;
            head = ref arrays.Buckets[hash & (arrays.Buckets.Length - 1)];
        }

        var fresh = _count++;
        ref var filled = ref entries[fresh];
        filled.Hash = hash;
        filled.Key = key;
        filled.Value = default;
        filled.Next = head - 1;

        // Last, and released: a reader that finds the entry through the bucket finds it filled in.
        Volatile.Write(ref head, fresh + 1);
        added = true;
        return ref filled.Value;
    }

    /// <summary>The entries since the last reset, in the order they were added; the writer thread only (or once it is done).</summary>
    public Enumerator GetEnumerator() => new(_arrays.Entries, _count);

    private Arrays Grow(Arrays old)
    {
        var entries = new Entry[old.Entries.Length * 2];
        var buckets = new int[old.Buckets.Length * 2];
        var mask = buckets.Length - 1;
        Array.Copy(old.Entries, entries, _count);
        for (var index = 0; index < _count; index++)
        {
            ref var bucket = ref buckets[entries[index].Hash & mask];
            entries[index].Next = bucket - 1;
            bucket = index + 1;
        }

        // Filled before it is published: a reader that takes the new arrays finds every key the old ones had.
        var grown = new Arrays(entries, buckets);
        Volatile.Write(ref _arrays, grown);
        return grown;
    }

    /// <summary>The entries and the buckets that chain them, published together.</summary>
    private sealed class Arrays(Entry[] entries, int[] buckets)
    {
        public readonly Entry[] Entries = entries;

        /// <summary>Per bucket, one more than the index of its chain's newest entry (0: empty).</summary>
        public readonly int[] Buckets = buckets;
    }

    /// <summary>Walks the entries added since the last reset.</summary>
    public struct Enumerator(Entry[] entries, int count)
    {
        private int _index = -1;

        public readonly KeyValuePair<TKey, TValue> Current => new(entries[_index].Key, entries[_index].Value);

        public bool MoveNext() => ++_index < count;
    }

    internal struct Entry
    {
        public int Hash;

        /// <summary>The chain's next (older) entry, or -1.</summary>
        public int Next;
        public TKey Key;
        public TValue Value;
    }
}
