using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hyperion.Execution;

/// <summary>
/// The multi-version memory's map from location to its versions: an open-addressing hash table sized for the block
/// up front, whose slots are claimed by compare-and-swap and never freed (a location once written stays, its
/// versions come and go). A lookup is a hash and a short linear probe through one array, an insert allocates only
/// the location's own <see cref="LocationVersions{TKey, TValue}"/> (and a line in the claiming thread's log), and the
/// end of the block walks the logs; a general concurrent dictionary costs a node per entry, a lock per insert and a
/// pointer chase per step. A location whose probe runs long (the size hint was far too small) goes to an overflow
/// dictionary instead.
/// </summary>
internal sealed class LocationTable<TKey, TValue>
    where TKey : notnull
{
    /// <summary>Slots probed before a location goes to the overflow dictionary.</summary>
    private const int MaxProbes = 32;

    /// <summary>How many locations ahead a walk of a part prefetches, and how many cache lines of each (the object's size).</summary>
    private const int PrefetchDistance = 8;
    private const int LocationLines = 4;

    /// <summary>The most slots a table gets (16 M: 128 MiB); a bigger block spills into the overflow.</summary>
    private const int MaxCapacity = 1 << 24;

    private LocationVersions<TKey, TValue>?[] _slots;

    private readonly Func<TKey, int>? _partitionHash;
    private readonly int _shift;
    private readonly ConcurrentDictionary<TKey, LocationVersions<TKey, TValue>> _overflow = new();

    // Each thread's claims in the order it made them, with their partition hashes, written by that thread alone and read
    // only by the walks at the end of the block (after the workers are done): a walk picks its part without touching
    // the other parts' objects.
    private readonly List<ClaimLog> _claimLogs = [];

    [ThreadStatic]
    private static ClaimLog? t_claims;

    private volatile bool _overflowUsed;

    /// <param name="expectedLocations">About how many locations will be stored; the table has at least twice the slots.</param>
    /// <param name="partitionHash">What divides the locations into parts at the end of the block (<see cref="Part"/>); the key's hash when null.</param>
    /// <param name="arrays">Where to take the slots from (and give them back to, <see cref="GiveBackSlots"/>); null to make them.</param>
    public LocationTable(int expectedLocations, Func<TKey, int>? partitionHash = null, BlockArrayShelf? arrays = null)
    {
        _partitionHash = partitionHash;
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedLocations * 2L, 64, MaxCapacity));

        // Only a table of the same size is taken: a longer one would spread the probes (and the clearing) over more memory.
        _slots = arrays?.Take<LocationVersions<TKey, TValue>?>(capacity, exactly: true) ?? new LocationVersions<TKey, TValue>?[capacity];
        _shift = 32 - BitOperations.Log2((uint)capacity);
    }

    /// <summary>
    /// Gives the slots to <paramref name="arrays"/> for a later block. Only once no thread looks locations up: the walks
    /// of the final values (<see cref="Part"/>) read the claim logs, not the slots, and a lookup afterwards fails.
    /// </summary>
    public void GiveBackSlots(BlockArrayShelf arrays)
    {
        var slots = _slots;
        _slots = [];
        arrays.Give(slots, slots.Length, exactSize: true);
    }

    /// <summary>The location's versions, or null when no transaction has written it yet.</summary>
    public LocationVersions<TKey, TValue>? Find(in TKey key)
    {
        var hash = EqualityComparer<TKey>.Default.GetHashCode(key);
        var index = Start(hash);
        for (var probe = 0; probe < MaxProbes; probe++)
        {
            var slot = Volatile.Read(ref _slots[index]);
            if (slot is null)
            {
                // Slots are never freed, so a location stored at all is stored before the first empty slot.
                return null;
            }

            if (slot.Hash == hash && EqualityComparer<TKey>.Default.Equals(slot.Key, key))
            {
                return slot;
            }

            index = (index + 1) & (_slots.Length - 1);
        }

        return _overflowUsed && _overflow.TryGetValue(key, out var overflowed) ? overflowed : null;
    }

    /// <summary>The location's versions, made (once, whichever thread gets there first) if it has none yet.</summary>
    /// <param name="key">The location.</param>
    /// <param name="accumulatorTransactions">Non-zero to make it an accumulator location (before any worker runs).</param>
    public LocationVersions<TKey, TValue> GetOrAdd(in TKey key, int accumulatorTransactions = 0) =>
        GetOrAddHashed(key, EqualityComparer<TKey>.Default.GetHashCode(key), accumulatorTransactions);

    /// <summary>As <see cref="GetOrAdd"/>, with the key's hash (its default comparer's) known.</summary>
    public LocationVersions<TKey, TValue> GetOrAddHashed(in TKey key, int hash, int accumulatorTransactions = 0)
    {
        var index = Start(hash);
        LocationVersions<TKey, TValue>? made = null;
        for (var probe = 0; probe < MaxProbes; probe++)
        {
            var slot = Volatile.Read(ref _slots[index]);
            if (slot is null)
            {
                made ??= Make(key, hash, accumulatorTransactions);
                slot = Interlocked.CompareExchange(ref _slots[index], made, null);
                if (slot is null)
                {
                    return Claimed(made);
                }
            }

            if (slot.Hash == hash && EqualityComparer<TKey>.Default.Equals(slot.Key, key))
            {
                return slot;
            }

            index = (index + 1) & (_slots.Length - 1);
        }

        return Overflowed(key, hash, accumulatorTransactions);
    }

    /// <summary>A new location's versions, out of line: the first touch is once per location, the probe on every read.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LocationVersions<TKey, TValue> Make(TKey key, int hash, int accumulatorTransactions) => new(key, hash, accumulatorTransactions);

    /// <summary>Logs a location this thread just claimed a slot for (out of line, as the rest of the first touch).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private LocationVersions<TKey, TValue> Claimed(LocationVersions<TKey, TValue> made)
    {
        ClaimsOfThisThread().Add(made, _partitionHash is null ? made.Hash : _partitionHash(made.Key));
        return made;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LocationVersions<TKey, TValue> Overflowed(TKey key, int hash, int accumulatorTransactions)
    {
        _overflowUsed = true;
        return _overflow.GetOrAdd(key, static (key, state) => new LocationVersions<TKey, TValue>(key, state.hash, state.accumulatorTransactions), (hash, accumulatorTransactions));
    }

    /// <summary>
    /// Every location whose partition hash (the key's hash unless the table was given another) falls in part
    /// <paramref name="part"/> of <paramref name="parts"/> (as <see cref="PartitionedDictionary{TKey, TValue}.PartOf"/>
    /// divides them). Only once no thread adds locations.
    /// </summary>
    public IEnumerable<LocationVersions<TKey, TValue>> Part(int part, int parts)
    {
        // In the order each thread made them: a thread's objects lie together in memory, where the table's order is
        // the hashes', a cache miss (and often a page) per location. A log sorted by part for this many parts
        // (SortClaimsByPart) gives this part's stretch; another is scanned whole.
        foreach (var log in _claimLogs)
        {
            if (Volatile.Read(ref log.SortedParts) == parts)
            {
                var order = log.Order!;
                var end = log.PartStarts![part + 1];
                for (var position = log.PartStarts[part]; position < end; position++)
                {
                    // The part's locations lie scattered through the log's objects: the one a few places ahead is asked
                    // for now, so that its lines arrive while the caller works on this one.
                    if (position + PrefetchDistance < end)
                    {
                        CachePrefetch.Object(log.Locations[order[position + PrefetchDistance]], LocationLines);
                    }

                    yield return log.Locations[order[position]];
                }

                continue;
            }

            for (var index = 0; index < log.Count; index++)
            {
                if ((uint)log.PartitionHashes[index] % (uint)parts == (uint)part)
                {
                    yield return log.Locations[index];
                }
            }
        }

        if (_overflowUsed)
        {
            foreach (var (_, location) in _overflow)
            {
                if ((uint)(_partitionHash is null ? location.Hash : _partitionHash(location.Key)) % (uint)parts == (uint)part)
                {
                    yield return location;
                }
            }
        }
    }

    /// <summary>The claim logs (one per thread that claimed locations); only once no thread adds locations.</summary>
    public int ClaimLogCount => _claimLogs.Count;

    /// <summary>
    /// Sorts claim log <paramref name="log"/> by part of <paramref name="parts"/> (a counting sort of its positions), so
    /// that <see cref="Part"/> reads each part's stretch instead of scanning the log: each worker's part scanned every
    /// location of the block (a modulo and an iterator step each), a cost that does not shrink with more workers.
    /// Only once no thread adds locations; logs may be sorted by different threads at once.
    /// </summary>
    public void SortClaimsByPart(int log, int parts)
    {
        var claims = _claimLogs[log];
        var starts = new int[parts + 1];
        var partOf = new int[claims.Count];
        for (var index = 0; index < claims.Count; index++)
        {
            var part = (int)((uint)claims.PartitionHashes[index] % (uint)parts);
            partOf[index] = part;
            starts[part + 1]++;
        }

        for (var part = 0; part < parts; part++)
        {
            starts[part + 1] += starts[part];
        }

        var fill = starts[..parts];
        var order = new int[claims.Count];
        for (var index = 0; index < claims.Count; index++)
        {
            order[fill[partOf[index]]++] = index;
        }

        claims.Order = order;
        claims.PartStarts = starts;
        Volatile.Write(ref claims.SortedParts, parts);
    }

    /// <summary>
    /// Lets the calling thread forget its claim log, so that a worker does not keep a finished block's locations alive
    /// until its next block (the table keeps the log for its walks).
    /// </summary>
    public void ReleaseThread()
    {
        if (t_claims is { } log && ReferenceEquals(log.Table, this))
        {
            t_claims = null;
        }
    }

    /// <summary>The calling thread's claim log for this table, made and registered on its first claim.</summary>
    private ClaimLog ClaimsOfThisThread()
    {
        var log = t_claims;
        if (log is null || !ReferenceEquals(log.Table, this))
        {
            log = new ClaimLog(this);
            lock (_claimLogs)
            {
                _claimLogs.Add(log);
            }

            t_claims = log;
        }

        return log;
    }

    /// <summary>The locations one thread claimed in the table, in order, each with its partition hash.</summary>
    private sealed class ClaimLog(LocationTable<TKey, TValue> table)
    {
        public LocationTable<TKey, TValue> Table { get; } = table;

        public LocationVersions<TKey, TValue>[] Locations { get; private set; } = new LocationVersions<TKey, TValue>[256];

        public int[] PartitionHashes { get; private set; } = new int[256];

        public int Count { get; private set; }

        /// <summary>The positions sorted by part (see <see cref="SortClaimsByPart"/>), and where each part's begin.</summary>
        public int[]? Order;

        public int[]? PartStarts;

        /// <summary>The part count the log is sorted for (0: not sorted); written after the arrays.</summary>
        public int SortedParts;

        public void Add(LocationVersions<TKey, TValue> location, int partitionHash)
        {
            if (Count == Locations.Length)
            {
                var locations = Locations;
                var hashes = PartitionHashes;
                Array.Resize(ref locations, Count * 2);
                Array.Resize(ref hashes, Count * 2);
                Locations = locations;
                PartitionHashes = hashes;
            }

            Locations[Count] = location;
            PartitionHashes[Count] = partitionHash;
            Count++;
        }
    }

    /// <summary>Fibonacci hashing: the top bits of hash × 2^32/φ, so that keys with poor low bits (small integers) spread too.</summary>
    private int Start(int hash) => (int)(((uint)hash * 2654435769u) >> _shift);
}
