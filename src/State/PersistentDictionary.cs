using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Hyperion.State;

/// <summary>
/// An immutable hash map (a hash array mapped trie in the CHAMP layout: 32-way nodes, entries before sub-nodes). A
/// change makes a new map that shares everything but the changed paths with this one, so it costs O(log32 n) rather
/// than a copy of the whole map, and every version can be read from any number of threads while newer ones are made.
/// A lookup follows at most seven nodes (five bits of the key's hash per level); keys whose 32-bit hashes are equal
/// share a collision node at the bottom. Enumeration order is unspecified.
/// </summary>
public sealed class PersistentDictionary<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>
    where TKey : IEquatable<TKey>
{
    private const int BitsPerLevel = 5;
    private const int LevelMask = (1 << BitsPerLevel) - 1;
    private const int HashBits = 32;

    private readonly Node _root;

    private PersistentDictionary(Node root, int count)
    {
        _root = root;
        Count = count;
    }

    public static PersistentDictionary<TKey, TValue> Empty { get; } = new(Node.EmptyNode, 0);

    public int Count { get; }

    public IEnumerable<TKey> Keys => this.Select(static entry => entry.Key);

    public IEnumerable<TValue> Values => this.Select(static entry => entry.Value);

    public TValue this[TKey key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key {key} is not in the map.");

    /// <summary>The map of exactly these entries; for a key given twice, the later value wins.</summary>
    public static PersistentDictionary<TKey, TValue> Create(IEnumerable<KeyValuePair<TKey, TValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var hashed = entries.Select(static entry => new HashedEntry(Hash(entry.Key), entry)).ToArray();
        if (hashed.Length == 0)
        {
            return Empty;
        }

        // Built level by level from the hashes, so a large map (a genesis, a checkpoint) costs one allocation per node
        // instead of a copied path per entry.
        var root = Build(hashed, new HashedEntry[hashed.Length], 0, out var count);
        return new PersistentDictionary<TKey, TValue>(root, count);
    }

    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var hash = Hash(key);
        var node = _root;
        for (var shift = 0; ; shift += BitsPerLevel)
        {
            if (node.IsCollision)
            {
                foreach (var entry in node.Entries)
                {
                    if (entry.Key.Equals(key))
                    {
                        value = entry.Value;
                        return true;
                    }
                }

                value = default;
                return false;
            }

            var bit = Bit(hash, shift);
            if ((node.EntryMap & bit) != 0)
            {
                var entry = node.Entries[Index(node.EntryMap, bit)];
                if (entry.Key.Equals(key))
                {
                    value = entry.Value;
                    return true;
                }

                value = default;
                return false;
            }

            if ((node.ChildMap & bit) == 0)
            {
                value = default;
                return false;
            }

            node = node.Children[Index(node.ChildMap, bit)];
        }
    }

    /// <summary>This map with <paramref name="key"/> set to <paramref name="value"/> (this map itself when it already is).</summary>
    public PersistentDictionary<TKey, TValue> SetItem(TKey key, TValue value)
    {
        var root = Set(_root, new KeyValuePair<TKey, TValue>(key, value), Hash(key), 0, out var added);
        return ReferenceEquals(root, _root) ? this : new PersistentDictionary<TKey, TValue>(root, added ? Count + 1 : Count);
    }

    /// <summary>This map without <paramref name="key"/> (this map itself when it has no such key).</summary>
    public PersistentDictionary<TKey, TValue> Remove(TKey key)
    {
        var root = Remove(_root, key, Hash(key), 0);
        return ReferenceEquals(root, _root) ? this : new PersistentDictionary<TKey, TValue>(root, Count - 1);
    }

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
    {
        var pending = new Stack<Node>();
        pending.Push(_root);
        while (pending.TryPop(out var node))
        {
            foreach (var entry in node.Entries)
            {
                yield return entry;
            }

            foreach (var child in node.Children)
            {
                pending.Push(child);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static uint Hash(TKey key) => (uint)key.GetHashCode();

    private static uint Bit(uint hash, int shift) => 1u << (int)((hash >> shift) & LevelMask);

    private static int Index(uint map, uint bit) => BitOperations.PopCount(map & (bit - 1));

    private static Node Set(Node node, KeyValuePair<TKey, TValue> entry, uint hash, int shift, out bool added)
    {
        if (node.IsCollision)
        {
            for (var i = 0; i < node.Entries.Length; i++)
            {
                if (node.Entries[i].Key.Equals(entry.Key))
                {
                    added = false;
                    return EqualityComparer<TValue>.Default.Equals(node.Entries[i].Value, entry.Value)
                        ? node
                        : Node.Collision(node.CollisionHash, Replace(node.Entries, i, entry));
                }
            }

            added = true;
            return Node.Collision(node.CollisionHash, Insert(node.Entries, node.Entries.Length, entry));
        }

        var bit = Bit(hash, shift);
        if ((node.EntryMap & bit) != 0)
        {
            var index = Index(node.EntryMap, bit);
            var existing = node.Entries[index];
            if (existing.Key.Equals(entry.Key))
            {
                added = false;
                return EqualityComparer<TValue>.Default.Equals(existing.Value, entry.Value)
                    ? node
                    : new Node(node.EntryMap, node.ChildMap, Replace(node.Entries, index, entry), node.Children);
            }

            // Two keys in one slot: they move down into a new child together.
            added = true;
            var child = Merge(existing, Hash(existing.Key), entry, hash, shift + BitsPerLevel);
            return new Node(
                node.EntryMap & ~bit,
                node.ChildMap | bit,
                RemoveAt(node.Entries, index),
                Insert(node.Children, Index(node.ChildMap, bit), child));
        }

        if ((node.ChildMap & bit) != 0)
        {
            var index = Index(node.ChildMap, bit);
            var before = node.Children[index];
            var child = Set(before, entry, hash, shift + BitsPerLevel, out added);
            return ReferenceEquals(child, before)
                ? node
                : new Node(node.EntryMap, node.ChildMap, node.Entries, Replace(node.Children, index, child));
        }

        added = true;
        return new Node(node.EntryMap | bit, node.ChildMap, Insert(node.Entries, Index(node.EntryMap, bit), entry), node.Children);
    }

    private static Node Remove(Node node, TKey key, uint hash, int shift)
    {
        if (node.IsCollision)
        {
            for (var i = 0; i < node.Entries.Length; i++)
            {
                if (node.Entries[i].Key.Equals(key))
                {
                    return Node.Collision(node.CollisionHash, RemoveAt(node.Entries, i));
                }
            }

            return node;
        }

        var bit = Bit(hash, shift);
        if ((node.EntryMap & bit) != 0)
        {
            var index = Index(node.EntryMap, bit);
            return node.Entries[index].Key.Equals(key)
                ? new Node(node.EntryMap & ~bit, node.ChildMap, RemoveAt(node.Entries, index), node.Children)
                : node;
        }

        if ((node.ChildMap & bit) != 0)
        {
            var index = Index(node.ChildMap, bit);
            var before = node.Children[index];
            var child = Remove(before, key, hash, shift + BitsPerLevel);
            if (ReferenceEquals(child, before))
            {
                return node;
            }

            // A child left with one entry is folded into this node, so that nodes stay as few as the keys need.
            return child.SingleEntry is { } single
                ? new Node(
                    node.EntryMap | bit,
                    node.ChildMap & ~bit,
                    Insert(node.Entries, Index(node.EntryMap, bit), single),
                    RemoveAt(node.Children, index))
                : new Node(node.EntryMap, node.ChildMap, node.Entries, Replace(node.Children, index, child));
        }

        return node;
    }

    /// <summary>A node holding two entries whose hashes agree below <paramref name="shift"/>.</summary>
    private static Node Merge(KeyValuePair<TKey, TValue> first, uint firstHash, KeyValuePair<TKey, TValue> second, uint secondHash, int shift)
    {
        if (shift >= HashBits)
        {
            return Node.Collision(firstHash, [first, second]);
        }

        var firstBit = Bit(firstHash, shift);
        var secondBit = Bit(secondHash, shift);
        if (firstBit == secondBit)
        {
            return new Node(0, firstBit, [], [Merge(first, firstHash, second, secondHash, shift + BitsPerLevel)]);
        }

        return new Node(firstBit | secondBit, 0, firstBit < secondBit ? [first, second] : [second, first], []);
    }

    /// <summary>
    /// The node of <paramref name="entries"/> (their hashes agree below <paramref name="shift"/>): a stable counting
    /// sort on the next five bits into <paramref name="scratch"/>, then each group alone becomes an entry and each larger
    /// group a child, built with the two arrays' roles swapped.
    /// </summary>
    private static Node Build(Span<HashedEntry> entries, Span<HashedEntry> scratch, int shift, out int count)
    {
        if (shift >= HashBits)
        {
            return BuildCollision(entries, out count);
        }

        Span<int> starts = stackalloc int[(1 << BitsPerLevel) + 1];
        foreach (var entry in entries)
        {
            starts[(int)((entry.Hash >> shift) & LevelMask) + 1]++;
        }

        for (var group = 1; group < starts.Length; group++)
        {
            starts[group] += starts[group - 1];
        }

        Span<int> next = stackalloc int[1 << BitsPerLevel];
        starts[..^1].CopyTo(next);
        foreach (var entry in entries)
        {
            scratch[next[(int)((entry.Hash >> shift) & LevelMask)]++] = entry;
        }

        uint entryMap = 0;
        uint childMap = 0;
        var nodeEntries = new List<KeyValuePair<TKey, TValue>>();
        var children = new List<Node>();
        count = 0;
        for (var group = 0; group < 1 << BitsPerLevel; group++)
        {
            var members = scratch[starts[group]..starts[group + 1]];
            if (members.IsEmpty)
            {
                continue;
            }

            var bit = 1u << group;
            if (members.Length == 1)
            {
                entryMap |= bit;
                nodeEntries.Add(members[0].Entry);
                count++;
                continue;
            }

            var child = Build(members, entries[starts[group]..starts[group + 1]], shift + BitsPerLevel, out var childCount);
            count += childCount;
            if (child.SingleEntry is { } single)
            {
                // The group was one key given several times.
                entryMap |= bit;
                nodeEntries.Add(single);
            }
            else
            {
                childMap |= bit;
                children.Add(child);
            }
        }

        return new Node(entryMap, childMap, [.. nodeEntries], [.. children]);
    }

    private static Node BuildCollision(Span<HashedEntry> entries, out int count)
    {
        // The sort was stable, so the last of equal keys is the latest given.
        var distinct = new List<KeyValuePair<TKey, TValue>>(entries.Length);
        foreach (var candidate in entries)
        {
            var at = distinct.FindIndex(entry => entry.Key.Equals(candidate.Entry.Key));
            if (at >= 0)
            {
                distinct[at] = candidate.Entry;
            }
            else
            {
                distinct.Add(candidate.Entry);
            }
        }

        count = distinct.Count;
        return Node.Collision(entries[0].Hash, [.. distinct]);
    }

    private static T[] Insert<T>(T[] items, int index, T item)
    {
        var result = new T[items.Length + 1];
        Array.Copy(items, result, index);
        result[index] = item;
        Array.Copy(items, index, result, index + 1, items.Length - index);
        return result;
    }

    private static T[] Replace<T>(T[] items, int index, T item)
    {
        var result = (T[])items.Clone();
        result[index] = item;
        return result;
    }

    private static T[] RemoveAt<T>(T[] items, int index)
    {
        var result = new T[items.Length - 1];
        Array.Copy(items, result, index);
        Array.Copy(items, index + 1, result, index, items.Length - index - 1);
        return result;
    }

    private readonly record struct HashedEntry(uint Hash, KeyValuePair<TKey, TValue> Entry);

    /// <summary>
    /// Entries whose hash slot at this level is set in <see cref="EntryMap"/>, children for the slots in
    /// <see cref="ChildMap"/>, both in slot order. A collision node (below all the hash's bits) holds keys with one
    /// hash, in no order, and no children.
    /// </summary>
    private sealed class Node(uint entryMap, uint childMap, KeyValuePair<TKey, TValue>[] entries, Node[] children)
    {
        public static readonly Node EmptyNode = new(0, 0, [], []);

        public uint EntryMap { get; } = entryMap;

        public uint ChildMap { get; } = childMap;

        public KeyValuePair<TKey, TValue>[] Entries { get; } = entries;

        public Node[] Children { get; } = children;

        public bool IsCollision { get; private init; }

        public uint CollisionHash { get; private init; }

        /// <summary>The node's only entry when it has exactly one and no children; its parent holds it instead.</summary>
        public KeyValuePair<TKey, TValue>? SingleEntry => Entries.Length == 1 && Children.Length == 0 ? Entries[0] : null;

        public static Node Collision(uint hash, KeyValuePair<TKey, TValue>[] entries) =>
            new(0, 0, entries, []) { IsCollision = true, CollisionHash = hash };
    }
}
