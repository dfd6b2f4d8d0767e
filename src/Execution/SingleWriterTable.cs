using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hyperion.Execution;

/// <summary>
/// A hash table that one thread writes and others read at the same time, without locks: open addressing with linear
/// probing, keys never removed, values overwritten in place. A reader always finds a key whose insertion finished
/// before its lookup started and never sees a half-inserted key; a value it reads while the writer overwrites it may be
/// torn (mixed old and new words). So it suits readers that check afterwards, by other means, that nothing they read
/// was written meanwhile (<see cref="Evm.RunAheadBlock"/> does, with stamps), not readers that trust what they read.
/// </summary>
/// <remarks>
/// The arrays are kept from one use to the next: <see cref="Reset"/> starts a new generation, and a slot counts as
/// filled only when it was filled in the current one, so nothing is cleared between blocks. The table doubles when half
/// full; the writer copies into the new arrays and then publishes them, and a reader still on the old ones sees the
/// table as it was before the copy (which, again, its later check must allow for).
/// </remarks>
internal sealed class SingleWriterTable<TKey, TValue>
    where TKey : struct, IEquatable<TKey>
    where TValue : struct
{
    private Slot[] _slots;
    private int _generation = 1;
    private int _count;

    public SingleWriterTable(int capacity = 1024)
    {
        _slots = new Slot[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity))];
    }

    /// <summary>Entries in the current generation.</summary>
    public int Count => _count;

    /// <summary>Empties the table for the writer (no reader may be running).</summary>
    public void Reset()
    {
        _count = 0;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_slots);
            _generation = 1;
        }
    }

    /// <summary>The value of <paramref name="key"/> (hashed to <paramref name="hash"/>); any thread.</summary>
    public bool TryGetValue(in TKey key, int hash, out TValue value)
    {
        var slots = Volatile.Read(ref _slots);
        var generation = Volatile.Read(ref _generation);
        var mask = slots.Length - 1;
        for (var index = hash & mask; ; index = (index + 1) & mask)
        {
            ref var slot = ref slots[index];
            if (Volatile.Read(ref slot.Generation) != generation)
            {
                value = default;
                return false;
            }

            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                value = slot.Value;
                return true;
            }
        }
    }

    /// <summary>Sets <paramref name="key"/>'s value; the writer thread only.</summary>
    public void Set(in TKey key, int hash, in TValue value)
    {
        var index = SlotFor(key, hash, out var found);
        ref var slot = ref _slots[index];
        if (found)
        {
            slot.Value = value;
            return;
        }

        Fill(ref slot, key, hash, value, _generation);
        _count++;
    }

    /// <summary>
    /// The writer's reference to <paramref name="key"/>'s value, added with the default value when absent
    /// (<paramref name="added"/>). A reader may find a key just added here with its default value before the writer
    /// fills it in, as it may find any value half overwritten. The reference is good until the next call that may add a
    /// key (growth moves the values).
    /// </summary>
    public ref TValue GetOrAdd(in TKey key, int hash, out bool added)
    {
        var index = SlotFor(key, hash, out var found);
        ref var slot = ref _slots[index];
        added = !found;
        if (added)
        {
            Fill(ref slot, key, hash, default, _generation);
            _count++;
        }

        return ref slot.Value;
    }

    /// <summary>
    /// The writer's slot for <paramref name="key"/>: where it is (<paramref name="found"/>), or the free slot it goes
    /// to, in the arrays as grown for one more key.
    /// </summary>
    private int SlotFor(in TKey key, int hash, out bool found)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        var index = hash & mask;
        while (true)
        {
            ref var slot = ref slots[index];
            if (slot.Generation != _generation)
            {
                break;
            }

            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                found = true;
                return index;
            }

            index = (index + 1) & mask;
        }

        found = false;
        if ((_count + 1) * 2 > slots.Length)
        {
            slots = Grow(slots);
            mask = slots.Length - 1;
            index = hash & mask;
            while (slots[index].Generation == _generation)
            {
                index = (index + 1) & mask;
            }
        }

        return index;
    }

    /// <summary>The entries of the current generation, in table order; the writer thread only (or once it is done).</summary>
    public Enumerator GetEnumerator() => new(_slots, _generation);

    private Slot[] Grow(Slot[] old)
    {
        var grown = new Slot[old.Length * 2];
        var mask = grown.Length - 1;
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (slot.Generation != _generation)
            {
                continue;
            }

            var index = slot.Hash & mask;
            while (grown[index].Generation == _generation)
            {
                index = (index + 1) & mask;
            }

            grown[index] = slot;
        }

        // Filled before it is published: a reader that takes the new arrays finds every key the old ones had.
        Volatile.Write(ref _slots, grown);
        return grown;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill(ref Slot slot, in TKey key, int hash, in TValue value, int generation)
    {
        slot.Key = key;
        slot.Hash = hash;
        slot.Value = value;

        // Last, and released: a reader that sees the slot filled sees its key.
        Volatile.Write(ref slot.Generation, generation);
    }

    /// <summary>Walks the filled slots of one generation.</summary>
    public struct Enumerator(Slot[] slots, int generation)
    {
        private int _index = -1;

        public readonly KeyValuePair<TKey, TValue> Current => new(slots[_index].Key, slots[_index].Value);

        public bool MoveNext()
        {
            while (++_index < slots.Length)
            {
                if (slots[_index].Generation == generation)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal struct Slot
    {
        public int Generation;
        public int Hash;
        public TKey Key;
        public TValue Value;
    }
}
