namespace Hyperion.Execution;

/// <summary>
/// Block-STM's multi-version data structure: for every location, the value (or delta) each transaction of the
/// block wrote to it in its last incarnation, tagged with the writer's version. A read by transaction j returns
/// the write of the highest transaction below j, so each transaction sees the block as if the ones before it had
/// run in order, even while they are still running. When a transaction is aborted its writes become ESTIMATE
/// markers: a reader that hits one waits for the writer instead of reading a value that is about to change.
/// </summary>
/// <remarks>
/// Locations are found through a <see cref="LocationTable{TKey, TValue}"/> (open addressing, sized for the block) and
/// each has its own small lock (<see cref="LocationVersions{TKey, TValue}"/>): no lock is ever held across two locations. The last write set of
/// each transaction is kept (the paper's last_written_locations) to turn it into estimates and to drop the
/// locations a new incarnation no longer writes.
/// </remarks>
public sealed class MultiVersionMemory<TKey, TValue>
    where TKey : notnull
{
    /// <summary>
    /// Each transaction's last written locations sit this many references (a cache line) from the next: workers
    /// record neighbouring transactions at the same moment.
    /// </summary>
    private const int LastWritesStride = 8;

    private static readonly LocationVersions<TKey, TValue>[] NothingWritten = [];

    private readonly LocationTable<TKey, TValue> _locations;

    // Per transaction, the locations its last incarnation wrote (the values are in the locations): what a new
    // incarnation compares its writes with, and what an abort marks as estimates, without searching the table.
    private LocationVersions<TKey, TValue>[]?[] _lastWrites;
    private readonly int _transactionCount;
    private readonly int _expectedLocations;
    private readonly IPreStateReader<TKey, TValue> _preState;
    private readonly IEqualityComparer<TValue> _valueComparer;

    /// <param name="transactionCount">The block's transactions.</param>
    /// <param name="preState">The state below the block.</param>
    /// <param name="valueComparer">Compares values built from deltas at validation.</param>
    /// <param name="expectedLocations">How many locations the block will likely write: the map is made that big at once rather than grown while workers wait.</param>
    /// <param name="accumulatorLocations">
    /// Locations nearly every transaction adds a delta to (see <see cref="ITransactionExecutor{TKey, TValue, TOutput}.AccumulatorLocations"/>):
    /// their deltas are kept one slot per transaction, off the location's lock.
    /// </param>
    /// <param name="partitionHash">What divides the final values into parts (<see cref="FinalValues(int, int)"/>); the key's hash when null.</param>
    public MultiVersionMemory(
        int transactionCount,
        IPreStateReader<TKey, TValue> preState,
        IEqualityComparer<TValue>? valueComparer = null,
        int expectedLocations = 0,
        IReadOnlyCollection<TKey>? accumulatorLocations = null,
        Func<TKey, int>? partitionHash = null)
        : this(transactionCount, preState, valueComparer, expectedLocations, accumulatorLocations, partitionHash, arrays: null)
    {
    }

    /// <summary>As the public constructor, with the per-transaction array taken from <paramref name="arrays"/> when given (see <see cref="GiveBackArrays"/>).</summary>
    internal MultiVersionMemory(
        int transactionCount,
        IPreStateReader<TKey, TValue> preState,
        IEqualityComparer<TValue>? valueComparer,
        int expectedLocations,
        IReadOnlyCollection<TKey>? accumulatorLocations,
        Func<TKey, int>? partitionHash,
        BlockArrayShelf? arrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentNullException.ThrowIfNull(preState);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLocations);
        _locations = new LocationTable<TKey, TValue>((int)Math.Max(expectedLocations, Math.Min(int.MaxValue, transactionCount * 4L)), partitionHash, arrays);
        _transactionCount = transactionCount;
        _expectedLocations = expectedLocations;
        _lastWrites = arrays?.Take<LocationVersions<TKey, TValue>[]?>(transactionCount * LastWritesStride)
            ?? new LocationVersions<TKey, TValue>[]?[transactionCount * LastWritesStride];
        _preState = preState;
        _valueComparer = valueComparer ?? EqualityComparer<TValue>.Default;
        if (transactionCount > 0 && accumulatorLocations is not null)
        {
            foreach (var key in accumulatorLocations)
            {
                _locations.GetOrAdd(key, transactionCount);
            }

            // The thread that makes the memory (the caller's, not a worker's) claimed these: it must not keep the block alive.
            _locations.ReleaseThread();
        }
    }

    public int TransactionCount => _transactionCount;

    /// <summary>
    /// Gives the per-transaction array of last written locations and the location table's slots to <paramref name="arrays"/>
    /// for a later block. Only once no worker runs; the memory then takes no more reads or writes (its final values, in
    /// the locations, stay readable through the claim logs).
    /// </summary>
    internal void GiveBackArrays(BlockArrayShelf arrays)
    {
        var lastWrites = _lastWrites;
        _lastWrites = [];
        arrays.Give(lastWrites, _transactionCount * LastWritesStride);
        _locations.GiveBackSlots(arrays);
    }

    /// <summary>
    /// Stores the writes of <paramref name="version"/> and removes the locations its previous incarnation wrote
    /// and this one does not. Returns whether it wrote a location the previous incarnation did not (the paper's
    /// wrote_new_location) that a transaction above has read: then transactions above may have read past it and must
    /// all be validated again. The paper asks only the first half, so every first incarnation that finished after the
    /// validation index passed it sent the index back; with 16 workers that was most of them, and a block of 10,000
    /// swaps was validated 19,000–28,000 times. A new location nobody above has read cannot have been read past.
    /// </summary>
    public bool Record(TransactionVersion version, WriteSet<TKey, TValue> writes) => Record(version, writes, reads: null);

    /// <summary>
    /// As <see cref="Record(TransactionVersion, WriteSet{TKey, TValue})"/>, with the execution's reads: a transaction
    /// mostly writes what it read, and the versions kept with those reads are found by a scan of the few reads, in
    /// cache, where the location table costs a hash and a probe into a block-sized array. <paramref name="firstRun"/>
    /// says the transaction never ran before in this block, so that it has no earlier writes to look up (a load from a
    /// line of the block-sized array nothing has touched yet).
    /// </summary>
    internal bool Record(TransactionVersion version, WriteSet<TKey, TValue> writes, KeptReads<TKey, TValue>? reads, bool firstRun = false)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var index = version.TransactionIndex;
        var previous = firstRun ? null : _lastWrites[index * LastWritesStride];
        var written = writes.Count == 0 ? NothingWritten : new LocationVersions<TKey, TValue>[writes.Count];
        var position = 0;
        var wroteNewLocation = false;
        foreach (ref readonly var write in writes.Operations)
        {
            // The write set keeps each key's hash: the reads' search and the table's probe use it as it is.
            var location = reads?.LocationOf(write.Key, write.Hash) ?? _locations.GetOrAddHashed(write.Key, write.Hash);
            location.Write(version, write.Value);
            written[position++] = location;
        }

        // Every write is in before a reader is looked for (see LocationVersions.ReadAbove).
        Interlocked.MemoryBarrier();
        for (var next = 0; next < position && !wroteNewLocation; next++)
        {
            // A location is one object for the whole block, so the previous incarnation's are compared by reference.
            var location = written[next];
            wroteNewLocation = (previous is null || Array.IndexOf(previous, location) < 0) && location.ReadAbove(index);
        }

        // New values go in before stale ones go out (as in the paper), so that a reader never falls through to an
        // older version of a location this transaction still writes.
        if (previous is not null)
        {
            foreach (var location in previous)
            {
                if (Array.IndexOf(written, location) < 0)
                {
                    location.Remove(index);
                }
            }
        }

        Volatile.Write(ref _lastWrites[index * LastWritesStride], written);
        return wroteNewLocation;
    }

    /// <summary>
    /// Marks every write of the transaction's last incarnation as an ESTIMATE: it is being aborted, and it will
    /// most likely write the same locations again, so readers should wait for it rather than read below it.
    /// </summary>
    public void ConvertWritesToEstimates(int transactionIndex)
    {
        if (Volatile.Read(ref _lastWrites[transactionIndex * LastWritesStride]) is not { } written)
        {
            return;
        }

        foreach (var location in written)
        {
            location.MarkEstimate(transactionIndex);
        }
    }

    /// <summary>
    /// What transaction <paramref name="transactionIndex"/> reads at <paramref name="key"/>: the highest write below
    /// it (its deltas applied over their base), the pre-state, or the transaction to wait for. A read as an execution
    /// makes it: the location is made if need be and the reader noted, so that a later new write below it is re-validated
    /// (see <see cref="Record(TransactionVersion, WriteSet{TKey, TValue})"/>).
    /// </summary>
    public VersionedRead<TValue> Read(TKey key, int transactionIndex) => Locate(key).Read(transactionIndex, _preState);

    /// <summary>
    /// The versions of <paramref name="key"/>, made empty if no transaction wrote it yet: an execution view reads
    /// through them and keeps them with the read, so that validation and later reads do not search the table again.
    /// A location only ever read stays empty, which reads and validates as the pre-state.
    /// </summary>
    internal LocationVersions<TKey, TValue> Locate(in TKey key) => _locations.GetOrAdd(key);

    /// <summary>As <see cref="Locate(in TKey)"/>, with the key's hash (its default comparer's) known.</summary>
    internal LocationVersions<TKey, TValue> Locate(in TKey key, int hash) => _locations.GetOrAddHashed(key, hash);

    /// <summary>
    /// As <see cref="Read"/>, at a location found with <see cref="Locate(in TKey)"/>, into the caller's variables (see
    /// <see cref="LocationVersions{TKey, TValue}.ReadInto"/>).
    /// </summary>
    internal VersionedReadKind ReadLocatedInto(LocationVersions<TKey, TValue> location, int transactionIndex, ref TValue value, out TransactionVersion version) =>
        location.ReadInto(transactionIndex, _preState, ref value, out version);

    /// <summary>
    /// Whether every read in <paramref name="reads"/> would still see what it saw, were transaction
    /// <paramref name="transactionIndex"/> to read again now: the same version, still the pre-state, an equal value
    /// built from deltas. An ESTIMATE where a read was fails it: the writer is being re-executed.
    /// </summary>
    public bool ValidateReadSet(int transactionIndex, CapturedReads<TKey, TValue> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var position = 0;
        foreach (var (key, captured) in reads)
        {
            // A location is the same object for the whole block, so the one kept with the read is the one to check.
            var location = reads.LocationAt(position++) ?? _locations.Find(key);
            if (!IsStillValid(key, location, transactionIndex, captured.Kind, captured.Version, captured.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>As <see cref="ValidateReadSet(int, CapturedReads{TKey, TValue})"/>, for the reads an execution left with its transaction.</summary>
    internal bool ValidateReadSet(int transactionIndex, KeptReads<TKey, TValue> reads)
    {
        foreach (ref readonly var read in reads.Reads)
        {
            // A kept read always has its location, so the key (needed only to read the pre-state of a location not made
            // yet) is not copied out of it: it lies on other cache lines of the object than the versions checked here.
            var valid = read.Kind == CapturedReadKind.Resolved
                ? IsStillValid(default!, read.Location, transactionIndex, read.Kind, read.Version, reads.ResolvedValue(read))
                : IsStillValid(default!, read.Location, transactionIndex, read.Kind, read.Version, default!);
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How many claim logs <see cref="SortForParts"/> takes (once the block is done).</summary>
    internal int ClaimLogCount => _locations.ClaimLogCount;

    /// <summary>Sorts one claim log by part, so that the final values of a part are found without a scan (once the block is done).</summary>
    internal void SortForParts(int log, int parts) => _locations.SortClaimsByPart(log, parts);

    /// <summary>Drops what the calling thread keeps of this block (see <see cref="LocationTable{TKey, TValue}.ReleaseThread"/>).</summary>
    internal void ReleaseThread() => _locations.ReleaseThread();

    /// <summary>
    /// The block's effect once every transaction is executed and validated: the final value of each location some
    /// transaction wrote (the last write in transaction order, with the deltas above it applied).
    /// </summary>
    public Dictionary<TKey, TValue> FinalValues() => FinalValues(0, 1);

    /// <summary>
    /// One part of <see cref="FinalValues()"/>: the final values of the locations whose partition hashes fall in part
    /// <paramref name="part"/> of <paramref name="parts"/> (as <see cref="PartitionedDictionary{TKey, TValue}"/> divides
    /// them), so that each worker can build its part at once when the block is done.
    /// </summary>
    public Dictionary<TKey, TValue> FinalValues(int part, int parts)
    {
        var collector = new FinalValuesCollector(new Dictionary<TKey, TValue>(_expectedLocations / parts));
        VisitFinalValues(part, parts, ref collector);
        return collector.Values;
    }

    /// <summary>
    /// Hands each final value of part <paramref name="part"/> of <paramref name="parts"/> to
    /// <paramref name="visitor"/>, collecting nothing. Only once the block is done and no worker runs: the locations are
    /// read without their gates.
    /// </summary>
    public void VisitFinalValues<TVisitor>(int part, int parts, ref TVisitor visitor)
        where TVisitor : struct, IFinalValueVisitor<TKey, TValue>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, parts);
        foreach (var location in _locations.Part(part, parts))
        {
            if (!location.TryReadFinal(TransactionCount, _preState, out var read))
            {
                continue;
            }

            if (read.Kind == VersionedReadKind.Dependency)
            {
                throw new InvalidOperationException($"An ESTIMATE of transaction {read.BlockingTransaction} is left after the block finished.");
            }

            var preStateKnown = location.TryGetKnownPreState(out var preState);
            visitor.Visit(location.Key, read.Value, preStateKnown, preState);
        }
    }

    private struct FinalValuesCollector(Dictionary<TKey, TValue> values) : IFinalValueVisitor<TKey, TValue>
    {
        public readonly Dictionary<TKey, TValue> Values => values;

        public readonly void Visit(in TKey key, in TValue value, bool preStateKnown, in TValue preState) => values.Add(key, value);
    }

    /// <param name="key">The location read.</param>
    /// <param name="location">Its versions (null: none yet).</param>
    /// <param name="transactionIndex">The reader.</param>
    /// <param name="kind">How the read is checked again.</param>
    /// <param name="version">The version it saw (a <see cref="CapturedReadKind.Versioned"/> read).</param>
    /// <param name="value">The value it saw (a <see cref="CapturedReadKind.Resolved"/> read; otherwise unused).</param>
    private bool IsStillValid(TKey key, LocationVersions<TKey, TValue>? location, int transactionIndex, CapturedReadKind kind, TransactionVersion version, in TValue value)
    {
        switch (kind)
        {
            case CapturedReadKind.Storage:
                return location is null || location.PeekSource(transactionIndex).Kind == VersionedReadKind.Storage;
            case CapturedReadKind.Versioned:
                if (location is null)
                {
                    return false;
                }

                var source = location.PeekSource(transactionIndex);
                return source.Kind == VersionedReadKind.Versioned && source.Version == version;
            case CapturedReadKind.Resolved:
                var current = ReadAt(key, location, transactionIndex);
                return current.Kind != VersionedReadKind.Dependency && _valueComparer.Equals(current.Value, value);
            case CapturedReadKind.Faulted:
                return StillFaults(key, location, transactionIndex);
            default:
                return false;
        }
    }

    /// <summary>
    /// What <paramref name="transactionIndex"/> would read now at <paramref name="key"/>, whose versions are
    /// <paramref name="location"/> (null: none yet), for a validation: not noted as a read (see <see cref="Record(TransactionVersion, WriteSet{TKey, TValue})"/>).
    /// </summary>
    private VersionedRead<TValue> ReadAt(TKey key, LocationVersions<TKey, TValue>? location, int transactionIndex) =>
        location is not null
            ? location.Read(transactionIndex, _preState, noted: false)
            : VersionedRead<TValue>.FromStorage(_preState.Read(key));

    /// <summary>Whether building the value still throws, as it did when the transaction read it.</summary>
    private bool StillFaults(TKey key, LocationVersions<TKey, TValue>? location, int transactionIndex)
    {
        try
        {
            // A value, or an ESTIMATE in the way: either way the read no longer fails as it did.
            _ = ReadAt(key, location, transactionIndex);
            return false;
        }
        catch (Exception)
        {
            // The exception is the answer here: the read still fails, so the recorded failure stands.
            return true;
        }
    }
}
