using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One account's storage in a <see cref="StateSnapshot"/>: its non-zero slots in a persistent map, and its storage
/// trie, built on first use and kept. Both are immutable and shared by every snapshot in which the storage is the
/// same. A block's writes make a new storage from this one at the cost of the written slots: the map is updated at
/// those slots, and so is the trie, from this storage's trie, when the new root is first asked for.
/// </summary>
internal sealed class SnapshotStorage
{
    private PersistentTrie? _trie;

    // The storage this one was made from (its trie already built) and the slots that differ: what the trie is
    // updated at. Dropped once this trie is built, so that an old trie is not kept alive by a newer storage.
    private PendingTrieUpdate? _pending;

    private SnapshotStorage(PersistentDictionary<UInt256, UInt256> slots, PersistentTrie? trie, PendingTrieUpdate? pending)
    {
        Slots = slots;
        _trie = trie;
        _pending = pending;
    }

    public static SnapshotStorage Empty { get; } = new(PersistentDictionary<UInt256, UInt256>.Empty, PersistentTrie.Empty, null);

    /// <summary>The non-zero slots.</summary>
    public PersistentDictionary<UInt256, UInt256> Slots { get; }

    public Hash256 Root => Slots.Count == 0 ? StateAccount.EmptyTrieRoot : Trie.RootHash;

    /// <summary>
    /// The storage trie. Two threads that ask at once may both build it; the results are equal and one is kept, so
    /// this needs no lock (the account trie asks for it under its snapshot's lock anyway).
    /// </summary>
    public PersistentTrie Trie
    {
        get
        {
            if (Volatile.Read(ref _trie) is { } built)
            {
                return built;
            }

            var pending = Volatile.Read(ref _pending);
            if (pending is null && Volatile.Read(ref _trie) is { } builtMeanwhile)
            {
                // Another thread built it and dropped the pending update in between the two reads.
                return builtMeanwhile;
            }

            var trie = pending is null ? BuildTrie(Slots) : UpdateTrie(pending, Slots);
            trie = Interlocked.CompareExchange(ref _trie, trie, null) ?? trie;
            Volatile.Write(ref _pending, null);
            return trie;
        }
    }

    /// <summary>A storage of exactly the non-zero ones of <paramref name="slots"/>; its trie is built when first needed.</summary>
    public static SnapshotStorage FromSlots(IEnumerable<KeyValuePair<UInt256, UInt256>> slots)
    {
        var map = PersistentDictionary<UInt256, UInt256>.Create(slots.Where(static slot => !slot.Value.IsZero));
        return map.Count == 0 ? Empty : new SnapshotStorage(map, null, null);
    }

    /// <summary>This storage after <paramref name="writes"/> (zero removes a slot). The writes are read now, not kept.</summary>
    public SnapshotStorage With(IReadOnlyDictionary<UInt256, UInt256> writes)
    {
        if (writes.Count == 0)
        {
            return this;
        }

        var slots = Slots;
        var written = new UInt256[writes.Count];
        var count = 0;
        foreach (var (slot, value) in writes)
        {
            slots = value.IsZero ? slots.Remove(slot) : slots.SetItem(slot, value);
            written[count++] = slot;
        }

        if (ReferenceEquals(slots, Slots))
        {
            return this;
        }

        if (slots.Count == 0)
        {
            return Empty;
        }

        // Updating a trie that is not built yet would build it first: leave this one to build its own when asked.
        var pending = Volatile.Read(ref _trie) is { } trie ? new PendingTrieUpdate(trie, written) : null;
        return new SnapshotStorage(slots, null, pending);
    }

    private static PersistentTrie BuildTrie(PersistentDictionary<UInt256, UInt256> slots)
    {
        var builder = PersistentTrie.Empty.ToBuilder();
        foreach (var (slot, value) in slots)
        {
            builder.Set(SlotKey(slot), EncodeValue(value));
        }

        return builder.ToTrie();
    }

    private static PersistentTrie UpdateTrie(PendingTrieUpdate pending, PersistentDictionary<UInt256, UInt256> slots)
    {
        var builder = pending.Basis.ToBuilder();
        foreach (var slot in pending.Slots)
        {
            if (slots.TryGetValue(slot, out var value))
            {
                builder.Set(SlotKey(slot), EncodeValue(value));
            }
            else
            {
                builder.Delete(SlotKey(slot));
            }
        }

        return builder.ToTrie();
    }

    private static Hash256 SlotKey(in UInt256 slot)
    {
        Span<byte> key = stackalloc byte[UInt256.ByteLength];
        slot.WriteBigEndian(key);
        return Keccak256.Compute(key);
    }

    private static byte[] EncodeValue(in UInt256 value)
    {
        Span<byte> encoded = stackalloc byte[1 + UInt256.ByteLength];
        return StorageTrie.EncodeValue(value, encoded).ToArray();
    }

    private sealed record PendingTrieUpdate(PersistentTrie Basis, UInt256[] Slots);
}
